import {
  and,
  asc,
  eq,
  inArray,
  isNull,
  lt,
  max,
  notExists,
  or,
  type SQL,
  type SQLWrapper,
  sql,
} from "drizzle-orm";
import type { Services } from "../../core/context";
import type { Executor, Transaction } from "../../core/db";
import { recordChange } from "../../core/events";
import { systemContext } from "../../core/http";
import { newId } from "../../core/ids";
import { errorText, log } from "../../core/log";
import { type Environment, events } from "../../core/tables";
import { type EventRow, eventTypeMatches, toEvent } from "../events/service";
import { checkWebhookDestination } from "./destination";
import { toWebhookEndpoint } from "./objects";
import { sealLegacySecrets, signingSecrets } from "./secrets";
import { signatureHeader } from "./signing";
import {
  type AttemptTrigger,
  type DisabledReason,
  type WebhookAttemptRow,
  type WebhookDeliveryRow,
  type WebhookEndpointRow,
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
} from "./tables";

/** The background function that makes one attempt; functions/webhook-deliver.ts registers it. */
export const DELIVER_FUNCTION = "webhook-deliver";
export const TEST_EVENT_TYPE = "webhook.test";

/**
 * Seconds before each automatic attempt: at once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h,
 * 20 h and 20 h, about 71.6 hours from the first attempt to the last.
 */
const RETRY_SCHEDULE_SECONDS = [0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 72000] as const;
const RESPONSE_BODY_BYTES = 1024;
const ERROR_MAX_LENGTH = 500;
/** An attempt still "sending" after this died with its Worker (the request itself times out at 15 s). */
const SENDING_STALE_MS = 60_000;
/** QStash must answer within this, so that it does not retry a call that is still sending. */
const DELIVER_CALL_TIMEOUT_SECONDS = 30;
const SWEEP_EVENT_AGE_MS = 60_000;
const SWEEP_ATTEMPT_OVERDUE_MS = 5 * 60_000;
const SWEEP_SENDING_STALE_MS = 2 * 60_000;
const SWEEP_BATCH = 200;

const DISABLED_MESSAGES: Record<DisabledReason, string> = {
  manual: "endpoint disabled by the merchant",
  gone: "endpoint disabled: it answered 410 Gone",
  failing: "endpoint disabled: every delivery to it failed for 72 hours",
};

export interface QueuedAttempt {
  id: string;
  delaySeconds: number;
}

/** The schedule's delay with ±10 % jitter, so retries of many deliveries do not arrive together. */
function retryDelaySeconds(scheduleIndex: number): number {
  const base = RETRY_SCHEDULE_SECONDS[scheduleIndex] ?? 0;
  return Math.round(base * (0.9 + 0.2 * Math.random()));
}

/** Schedules one attempt of a delivery; the caller holds the delivery's row lock (or just created it). */
export async function queueAttempt(
  tx: Transaction,
  delivery: Pick<WebhookDeliveryRow, "id" | "merchantId" | "environment">,
  options: { trigger: AttemptTrigger; scheduleIndex: number | null; delaySeconds: number; now: Date },
): Promise<QueuedAttempt> {
  const [last] = await tx
    .select({ number: max(webhookAttempts.number) })
    .from(webhookAttempts)
    .where(eq(webhookAttempts.deliveryId, delivery.id));
  const id = newId("webhookAttempt");
  await tx.insert(webhookAttempts).values({
    id,
    merchantId: delivery.merchantId,
    environment: delivery.environment,
    deliveryId: delivery.id,
    number: (last?.number ?? 0) + 1,
    trigger: options.trigger,
    scheduleIndex: options.scheduleIndex,
    status: "scheduled",
    scheduledFor: new Date(options.now.getTime() + options.delaySeconds * 1000),
    createdAt: options.now,
  });
  return { id, delaySeconds: options.delaySeconds };
}

/** A delivery's next_attempt_at follows its earliest scheduled attempt. */
export async function refreshNextAttempt(tx: Executor, deliveryId: string): Promise<void> {
  await tx
    .update(webhookDeliveries)
    .set({
      nextAttemptAt: sql`(select min(${webhookAttempts.scheduledFor}) from ${webhookAttempts}
        where ${webhookAttempts.deliveryId} = ${webhookDeliveries.id} and ${webhookAttempts.status} = 'scheduled')`,
    })
    .where(eq(webhookDeliveries.id, deliveryId));
}

/**
 * Publishes attempts to QStash, after the transaction that scheduled them committed. A failed
 * publish is only logged: the attempt row stays scheduled and the sweep republishes it.
 */
export async function publishAttempts(
  services: Services,
  attempts: QueuedAttempt[],
  dedupeSuffix = "",
): Promise<number> {
  const results = await Promise.allSettled(
    attempts.map((attempt) =>
      services.jobs.publish(
        DELIVER_FUNCTION,
        { attempt_id: attempt.id },
        {
          deduplicationId: `${attempt.id}${dedupeSuffix}`,
          delaySeconds: attempt.delaySeconds,
          timeoutSeconds: DELIVER_CALL_TIMEOUT_SECONDS,
        },
      ),
    ),
  );
  const failed = results.filter((result) => result.status === "rejected");
  if (failed.length > 0) {
    // The sweep retries what was not published.
    log("error", "webhook_publish_failed", { failed: failed.length, error: errorText(failed[0]?.reason) });
  }
  return attempts.length - failed.length;
}

async function cancelScheduledAttempts(tx: Executor, deliveryIds: string[], now: Date, reason: string) {
  if (deliveryIds.length === 0) return;
  await tx
    .update(webhookAttempts)
    .set({ status: "canceled", finishedAt: now, error: reason })
    .where(and(inArray(webhookAttempts.deliveryId, deliveryIds), eq(webhookAttempts.status, "scheduled")));
}

/** Fails every pending delivery of an endpoint that stops receiving (disabled or deleted). */
export async function stopEndpointDeliveries(
  tx: Executor,
  endpointId: string,
  now: Date,
  reason: string,
): Promise<void> {
  const stopped = await tx
    .update(webhookDeliveries)
    .set({ status: "failed", nextAttemptAt: null, lastError: reason, updatedAt: now })
    .where(and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.status, "pending")))
    .returning({ id: webhookDeliveries.id });
  await cancelScheduledAttempts(
    tx,
    stopped.map((row) => row.id),
    now,
    reason,
  );
}

/**
 * A tenant's endpoints that events go to: enabled, not deleted. One definition, because an event is
 * marked dispatched without deliveries only when this finds none.
 */
export function receivingEndpoints(
  merchantId: string | SQLWrapper,
  environment: Environment | SQLWrapper,
): SQL | undefined {
  return and(
    eq(webhookEndpoints.merchantId, merchantId),
    eq(webhookEndpoints.environment, environment),
    eq(webhookEndpoints.enabled, true),
    isNull(webhookEndpoints.deletedAt),
  );
}

/** MagnetPay's own disabling (410, or 72 hours of failures), announced with webhook_endpoint.disabled. */
async function disableEndpoint(
  tx: Transaction,
  services: Services,
  endpointId: string,
  reason: Exclude<DisabledReason, "manual">,
  now: Date,
): Promise<void> {
  const [row] = await tx
    .update(webhookEndpoints)
    .set({ enabled: false, disabledReason: reason, disabledAt: now, updatedAt: now })
    .where(
      and(
        eq(webhookEndpoints.id, endpointId),
        eq(webhookEndpoints.enabled, true),
        isNull(webhookEndpoints.deletedAt),
      ),
    )
    .returning();
  if (!row) return;
  await stopEndpointDeliveries(tx, row.id, now, DISABLED_MESSAGES[reason]);
  await recordChange(tx, systemContext(services, row, "webhooks"), {
    type: "webhook_endpoint.disabled",
    object: toWebhookEndpoint(row),
    previousAttributes: { enabled: true, disabled_reason: null, disabled_at: null },
  });
}

/**
 * Creates one delivery per subscribed, enabled endpoint of each event not yet dispatched, and marks
 * the events dispatched, in one transaction; then publishes the first attempts. Safe to run twice
 * for the same event (the request's after-commit hook and the sweep): rows are locked with SKIP
 * LOCKED and deliveries are unique per (event, endpoint).
 */
export async function dispatchEvents(services: Services, eventIds: string[]): Promise<number> {
  if (eventIds.length === 0) return 0;
  const now = services.clock.now();
  // The common case, a merchant and environment without endpoints, costs one statement.
  const settled = await services.db
    .update(events)
    .set({ dispatchedAt: now })
    .where(
      and(
        inArray(events.id, eventIds),
        isNull(events.dispatchedAt),
        notExists(
          services.db
            .select({ id: webhookEndpoints.id })
            .from(webhookEndpoints)
            .where(receivingEndpoints(events.merchantId, events.environment)),
        ),
      ),
    )
    .returning({ id: events.id });
  const settledIds = new Set(settled.map((row) => row.id));
  const remaining = eventIds.filter((id) => !settledIds.has(id));
  if (remaining.length === 0) return 0;
  const queued = await services.transaction(async (tx) => {
    const rows = await tx
      .select({
        id: events.id,
        merchantId: events.merchantId,
        environment: events.environment,
        type: events.type,
      })
      .from(events)
      .where(and(inArray(events.id, remaining), isNull(events.dispatchedAt)))
      .for("update", { skipLocked: true });
    if (rows.length === 0) return [];
    const endpointsByScope = new Map<string, WebhookEndpointRow[]>();
    for (const row of rows) {
      const key = `${row.merchantId}:${row.environment}`;
      if (endpointsByScope.has(key)) continue;
      endpointsByScope.set(
        key,
        await tx.select().from(webhookEndpoints).where(receivingEndpoints(row.merchantId, row.environment)),
      );
    }
    const values: Array<typeof webhookDeliveries.$inferInsert> = [];
    for (const row of rows) {
      // A test event goes only to the endpoint it was sent to, which sendTestWebhook handles.
      if (row.type === TEST_EVENT_TYPE) continue;
      for (const endpoint of endpointsByScope.get(`${row.merchantId}:${row.environment}`) ?? []) {
        if (!endpoint.enabledEvents.some((pattern) => eventTypeMatches(pattern, row.type))) continue;
        values.push({
          id: newId("webhookDelivery"),
          merchantId: row.merchantId,
          environment: row.environment,
          endpointId: endpoint.id,
          eventId: row.id,
          eventType: row.type,
          status: "pending",
          nextAttemptAt: now,
          createdAt: now,
          updatedAt: now,
        });
      }
    }
    const inserted =
      values.length === 0
        ? []
        : await tx
            .insert(webhookDeliveries)
            .values(values)
            .onConflictDoNothing({ target: [webhookDeliveries.eventId, webhookDeliveries.endpointId] })
            .returning();
    const attempts = inserted.map((delivery) => ({
      id: newId("webhookAttempt"),
      merchantId: delivery.merchantId,
      environment: delivery.environment,
      deliveryId: delivery.id,
      number: 1,
      trigger: "automatic" as const,
      scheduleIndex: 0,
      status: "scheduled" as const,
      scheduledFor: now,
      createdAt: now,
    }));
    if (attempts.length > 0) await tx.insert(webhookAttempts).values(attempts);
    await tx
      .update(events)
      .set({ dispatchedAt: now })
      .where(
        inArray(
          events.id,
          rows.map((row) => row.id),
        ),
      );
    return attempts.map((attempt) => ({ id: attempt.id, delaySeconds: 0 }));
  });
  await publishAttempts(services, queued);
  return queued.length;
}

interface Target {
  delivery: WebhookDeliveryRow;
  endpoint: WebhookEndpointRow;
  event: EventRow;
}

/** What the attempt is for, or why it can no longer be made. */
async function loadTarget(db: Executor, attempt: WebhookAttemptRow): Promise<Target | string> {
  const [delivery] = await db
    .select()
    .from(webhookDeliveries)
    .where(eq(webhookDeliveries.id, attempt.deliveryId))
    .limit(1);
  if (!delivery) return "the delivery no longer exists";
  if (attempt.trigger === "automatic" && delivery.status !== "pending")
    return `the delivery already ${delivery.status}`;
  const [endpoint] = await db
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.id, delivery.endpointId))
    .limit(1);
  if (!endpoint || endpoint.deletedAt) return "endpoint deleted";
  if (!endpoint.enabled) return DISABLED_MESSAGES[endpoint.disabledReason ?? "manual"];
  const [event] = await db.select().from(events).where(eq(events.id, delivery.eventId)).limit(1);
  if (!event) return "the event no longer exists (events are kept 30 days)";
  return { delivery, endpoint, event };
}

interface SendResult {
  status: number | null;
  latencyMs: number | null;
  /** The first bytes of the answer: only from a destination that passed the SSRF check. */
  body: string | null;
  error: string | null;
  /** The destination is refused by rule (SSRF): the delivery fails now instead of retrying. */
  refused: boolean;
}

async function readPrefix(response: Response, limit: number): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes.subarray(0, limit));
}

function clip(text: string): string {
  return text.length > ERROR_MAX_LENGTH ? `${text.slice(0, ERROR_MAX_LENGTH - 1)}…` : text;
}

/** One signed POST; never throws: every outcome becomes a recorded result. */
async function send(services: Services, target: Target): Promise<SendResult> {
  const { delivery, endpoint, event } = target;
  // Checked again at send time, host name resolved now: DNS, the rules or the configuration may
  // have changed since registration. A refusal by rule ends the delivery (see recordAttempt).
  const destination = await checkWebhookDestination(services, endpoint.url, endpoint.environment);
  if (!destination.ok) {
    return {
      status: null,
      latencyMs: null,
      body: null,
      error: clip(`${destination.code}: ${destination.reason}`),
      refused: destination.permanent,
    };
  }
  const now = services.clock.now();
  const body = JSON.stringify(toEvent(event));
  let secrets: string[];
  try {
    secrets = await signingSecrets(services, endpoint, now);
  } catch {
    return {
      status: null,
      latencyMs: null,
      body: null,
      error: "the endpoint's signing secret could not be decrypted (WEBHOOK_SECRETS_KEY)",
      refused: false,
    };
  }
  const timestamp = Math.floor(now.getTime() / 1000);
  const headers = {
    "content-type": "application/json",
    "user-agent": "MagnetPay-Webhooks/1.0",
    "webhook-id": delivery.id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": await signatureHeader(secrets, { id: delivery.id, timestamp, body }),
  };
  const started = performance.now();
  try {
    const response = await fetch(endpoint.url, {
      method: "POST",
      headers,
      body,
      redirect: "manual",
      signal: AbortSignal.timeout(services.config.WEBHOOK_ATTEMPT_TIMEOUT_MS),
    });
    const latencyMs = Math.round(performance.now() - started);
    const text = await readPrefix(response, RESPONSE_BODY_BYTES).catch(() => "");
    const ok = response.status >= 200 && response.status < 300;
    const redirect = response.status >= 300 && response.status < 400;
    return {
      status: response.status,
      latencyMs,
      // Shown to the merchant: a refused destination returned above, so this answer comes from a
      // host whose addresses passed the check (a rebinding window remains; docs/webhooks.md).
      body: text,
      refused: false,
      error: ok
        ? null
        : redirect
          ? `HTTP ${response.status}: redirects are not followed`
          : `HTTP ${response.status}`,
    };
  } catch (error) {
    const latencyMs = Math.round(performance.now() - started);
    const name = error instanceof Error ? error.name : "";
    const timedOut = name === "TimeoutError" || name === "AbortError";
    return {
      status: null,
      latencyMs,
      body: null,
      refused: false,
      error: timedOut
        ? `timeout: no response within ${services.config.WEBHOOK_ATTEMPT_TIMEOUT_MS / 1000} s`
        : clip(`connection failed: ${error instanceof Error ? error.message : String(error)}`),
    };
  }
}

async function cancelAttempt(services: Services, attempt: WebhookAttemptRow, reason: string): Promise<void> {
  const now = services.clock.now();
  await services.transaction(async (tx) => {
    await tx
      .update(webhookAttempts)
      .set({ status: "canceled", finishedAt: now, error: reason })
      .where(eq(webhookAttempts.id, attempt.id));
    // An automatic attempt that cannot be made ends its delivery; a manual one leaves it as it was.
    if (attempt.trigger === "automatic") {
      const stopped = await tx
        .update(webhookDeliveries)
        .set({ status: "failed", lastError: reason, updatedAt: now })
        .where(and(eq(webhookDeliveries.id, attempt.deliveryId), eq(webhookDeliveries.status, "pending")))
        .returning({ id: webhookDeliveries.id });
      await cancelScheduledAttempts(
        tx,
        stopped.map((row) => row.id),
        now,
        reason,
      );
    }
    await refreshNextAttempt(tx, attempt.deliveryId);
  });
}

/**
 * Records a finished attempt and decides what follows, in one transaction: success ends the
 * delivery; 410 disables the endpoint; an automatic failure schedules the next attempt, or, when
 * the schedule is used up, fails the delivery and disables the endpoint if it has had no success
 * since this delivery began (the schedule spans about 72 hours).
 */
async function recordAttempt(
  services: Services,
  attempt: WebhookAttemptRow,
  target: Target,
  result: SendResult,
): Promise<string> {
  const now = services.clock.now();
  const succeeded = result.status !== null && result.status >= 200 && result.status < 300;
  const queued: QueuedAttempt[] = [];
  const outcome = await services.transaction(async (tx) => {
    // Endpoint before delivery: the order disabling takes when it fails the endpoint's other deliveries.
    const [endpoint] = await tx
      .select({ lastSucceededAt: webhookEndpoints.lastSucceededAt })
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.id, target.endpoint.id))
      .for("update");
    const [delivery] = await tx
      .select()
      .from(webhookDeliveries)
      .where(eq(webhookDeliveries.id, attempt.deliveryId))
      .for("update");
    if (!delivery) return "delivery gone";
    await tx
      .update(webhookAttempts)
      .set({
        status: succeeded ? "succeeded" : "failed",
        finishedAt: now,
        responseStatus: result.status,
        responseBody: result.body,
        latencyMs: result.latencyMs,
        error: result.error,
      })
      .where(eq(webhookAttempts.id, attempt.id));
    await tx
      .update(webhookDeliveries)
      .set({
        attemptCount: sql`${webhookDeliveries.attemptCount} + 1`,
        lastAttemptAt: now,
        lastResponseStatus: result.status,
        lastError: result.error,
        updatedAt: now,
        ...(succeeded ? { status: "succeeded" as const, succeededAt: delivery.succeededAt ?? now } : {}),
      })
      .where(eq(webhookDeliveries.id, delivery.id));
    if (succeeded) {
      await cancelScheduledAttempts(tx, [delivery.id], now, "delivered by another attempt");
      await tx
        .update(webhookEndpoints)
        .set({ lastSucceededAt: now })
        .where(eq(webhookEndpoints.id, target.endpoint.id));
      await refreshNextAttempt(tx, delivery.id);
      return "succeeded";
    }
    if (result.status === 410) {
      await disableEndpoint(tx, services, target.endpoint.id, "gone", now);
      return "failed; endpoint disabled (410 Gone)";
    }
    if (result.refused && delivery.status === "pending") {
      // The destination is refused by rule (an internal address, a forbidden port): retrying
      // cannot help, so the delivery fails now with the reason as its last_error.
      await tx
        .update(webhookDeliveries)
        .set({ status: "failed", nextAttemptAt: null })
        .where(eq(webhookDeliveries.id, delivery.id));
      await cancelScheduledAttempts(tx, [delivery.id], now, result.error ?? "destination refused");
      await refreshNextAttempt(tx, delivery.id);
      return "failed; destination refused";
    }
    if (attempt.trigger === "automatic" && delivery.status === "pending") {
      const nextIndex = (attempt.scheduleIndex ?? 0) + 1;
      if (nextIndex < RETRY_SCHEDULE_SECONDS.length) {
        queued.push(
          await queueAttempt(tx, delivery, {
            trigger: "automatic",
            scheduleIndex: nextIndex,
            delaySeconds: retryDelaySeconds(nextIndex),
            now,
          }),
        );
        await refreshNextAttempt(tx, delivery.id);
        return "failed; retry scheduled";
      }
      await tx
        .update(webhookDeliveries)
        .set({ status: "failed" })
        .where(eq(webhookDeliveries.id, delivery.id));
      await refreshNextAttempt(tx, delivery.id);
      const lastSuccess = endpoint?.lastSucceededAt;
      if (!lastSuccess || lastSuccess < delivery.createdAt) {
        await disableEndpoint(tx, services, target.endpoint.id, "failing", now);
        return "failed; schedule exhausted; endpoint disabled";
      }
      return "failed; schedule exhausted";
    }
    await refreshNextAttempt(tx, delivery.id);
    return "failed";
  });
  await publishAttempts(services, queued);
  return outcome;
}

/**
 * Makes one attempt. The attempt row is claimed first, so a QStash redelivery of the same message
 * (or a sweep's republish) finds it taken or finished and does nothing; a claim older than a
 * minute belongs to a Worker that died, and may be taken over.
 */
export async function deliverAttempt(
  services: Services,
  attemptId: string,
): Promise<Record<string, unknown>> {
  const now = services.clock.now();
  const [attempt] = await services.db
    .update(webhookAttempts)
    .set({ status: "sending", startedAt: now })
    .where(
      and(
        eq(webhookAttempts.id, attemptId),
        or(
          eq(webhookAttempts.status, "scheduled"),
          and(
            eq(webhookAttempts.status, "sending"),
            lt(webhookAttempts.startedAt, new Date(now.getTime() - SENDING_STALE_MS)),
          ),
        ),
      ),
    )
    .returning();
  if (!attempt) return { attempt_id: attemptId, outcome: "skipped: already made or canceled" };
  const target = await loadTarget(services.db, attempt);
  if (typeof target === "string") {
    await cancelAttempt(services, attempt, target);
    return { attempt_id: attemptId, outcome: `canceled: ${target}` };
  }
  const result = await send(services, target);
  const outcome = await recordAttempt(services, attempt, target, result);
  return { attempt_id: attemptId, delivery_id: attempt.deliveryId, status: result.status, outcome };
}

/**
 * The safety net, every minute: dispatches events that are a minute old and still undispatched
 * (the Worker died between commit and fan-out), republishes attempts whose QStash message is
 * more than five minutes late or whose sender died mid-attempt, and seals signing secrets still
 * stored in clear by an older release.
 */
export async function sweepWebhooks(services: Services): Promise<Record<string, number>> {
  const { db } = services;
  const now = services.clock.now().getTime();
  const stale = await db
    .select({ id: events.id })
    .from(events)
    .where(and(isNull(events.dispatchedAt), lt(events.createdAt, new Date(now - SWEEP_EVENT_AGE_MS))))
    .orderBy(asc(events.createdAt))
    .limit(SWEEP_BATCH);
  const created = await dispatchEvents(
    services,
    stale.map((row) => row.id),
  );
  const overdue = await db
    .select({ id: webhookAttempts.id })
    .from(webhookAttempts)
    .where(
      or(
        and(
          eq(webhookAttempts.status, "scheduled"),
          lt(webhookAttempts.scheduledFor, new Date(now - SWEEP_ATTEMPT_OVERDUE_MS)),
        ),
        and(
          eq(webhookAttempts.status, "sending"),
          lt(webhookAttempts.startedAt, new Date(now - SWEEP_SENDING_STALE_MS)),
        ),
      ),
    )
    .orderBy(asc(webhookAttempts.scheduledFor))
    .limit(SWEEP_BATCH);
  // A dedupe id of its own: QStash may still remember the first message's id.
  const republished = await publishAttempts(
    services,
    overdue.map((row) => ({ id: row.id, delaySeconds: 0 })),
    `.sweep.${Math.floor(now / 60_000)}`,
  );
  const secretsSealed = await sealLegacySecrets(services, SWEEP_BATCH);
  return {
    events_dispatched: stale.length,
    deliveries_created: created,
    attempts_republished: republished,
    secrets_sealed: secretsSealed,
  };
}

/** Deletes up to `limit` deliveries created before the cutoff, with their attempts; returns how many. */
export async function pruneWebhookDeliveries(
  services: Services,
  cutoff: Date,
  limit: number,
): Promise<number> {
  const result = await services.db.execute(sql`
    with old as (
      select ${webhookDeliveries.id} as id from ${webhookDeliveries}
       where ${webhookDeliveries.createdAt} < ${cutoff}
       order by ${webhookDeliveries.createdAt} limit ${limit}
    ), attempts as (
      delete from ${webhookAttempts} where ${webhookAttempts.deliveryId} in (select id from old)
    )
    delete from ${webhookDeliveries} where ${webhookDeliveries.id} in (select id from old)`);
  return result.rowCount ?? 0;
}
