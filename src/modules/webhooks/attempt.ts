import { and, asc, eq, isNull, lt, lte, min, or, sql } from "drizzle-orm";
import type { ServiceContext, Services } from "../../core/context";
import type { Executor, Transaction } from "../../core/db";
import { recordChange } from "../../core/events";
import { systemContext } from "../../core/http";
import { type Environment, events } from "../../core/tables";
import { tenantScope } from "../../core/tenancy";
import {
  cancelScheduledAttempts,
  publishAttempts,
  type QueuedAttempt,
  queueAttempt,
  refreshNextAttempt,
  stopEndpointDeliveries,
} from "./fanout";
import { toWebhookEndpoint } from "./objects";
import { type SendResult, send, type Target } from "./send";
import {
  type DisabledReason,
  type WebhookAttemptRow,
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
} from "./tables";

/**
 * Seconds before each automatic attempt: at once, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 14 h,
 * 20 h and 20 h, about 71.6 hours from the first attempt to the last.
 */
const RETRY_SCHEDULE_SECONDS = [0, 5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 72000] as const;

/** An attempt still "sending" after this died with its Worker (the request itself times out at 15 s). */
const SENDING_STALE_MS = 60_000;

const DISABLED_MESSAGES: Record<DisabledReason, string> = {
  manual: "endpoint disabled by the merchant",
  gone: "endpoint disabled: it answered 410 Gone",
  failing: "endpoint disabled: every delivery to it failed for 72 hours",
};

/** The schedule's delay with ±10 % jitter, so retries of many deliveries do not arrive together. */
function retryDelaySeconds(scheduleIndex: number): number {
  const base = RETRY_SCHEDULE_SECONDS[scheduleIndex] ?? 0;
  return Math.round(base * (0.9 + 0.2 * Math.random()));
}

/** MagnetPay's own disabling (410, or 72 hours of failures), announced with webhook_endpoint.disabled. */
async function disableEndpoint(
  services: Services,
  endpointId: string,
  reason: Exclude<DisabledReason, "manual">,
  now: Date,
  tx: Transaction,
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
  await stopEndpointDeliveries(row.id, now, DISABLED_MESSAGES[reason], tx);
  await recordChange(
    systemContext(services, row, "webhooks"),
    {
      type: "webhook_endpoint.disabled",
      object: toWebhookEndpoint(row),
      previousAttributes: { enabled: true, disabled_reason: null, disabled_at: null },
    },
    tx,
  );
}

/** What the attempt is for, or why it can no longer be made. */
async function loadTarget(attempt: WebhookAttemptRow, db: Executor): Promise<Target | string> {
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
      await cancelScheduledAttempts({ deliveryIds: stopped.map((row) => row.id), now, reason }, tx);
    }
    await refreshNextAttempt(attempt.deliveryId, tx);
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
  clockAt: Date | null,
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
      // The automatic schedule is done; a retry the merchant asked for meanwhile still goes out.
      await cancelScheduledAttempts(
        { deliveryIds: [delivery.id], now, reason: "delivered by another attempt", automaticOnly: true },
        tx,
      );
      await tx
        .update(webhookEndpoints)
        .set({ lastSucceededAt: now })
        .where(eq(webhookEndpoints.id, target.endpoint.id));
      await refreshNextAttempt(delivery.id, tx);
      return "succeeded";
    }
    if (result.status === 410) {
      await disableEndpoint(services, target.endpoint.id, "gone", now, tx);
      return "failed; endpoint disabled (410 Gone)";
    }
    if (result.refused && delivery.status === "pending") {
      // The destination is refused by rule (an internal address, a forbidden port): retrying
      // cannot help, so the delivery fails now with the reason as its last_error.
      await tx
        .update(webhookDeliveries)
        .set({ status: "failed", nextAttemptAt: null })
        .where(eq(webhookDeliveries.id, delivery.id));
      await cancelScheduledAttempts(
        { deliveryIds: [delivery.id], now, reason: result.error ?? "destination refused" },
        tx,
      );
      await refreshNextAttempt(delivery.id, tx);
      return "failed; destination refused";
    }
    if (attempt.trigger === "automatic" && delivery.status === "pending") {
      const nextIndex = (attempt.scheduleIndex ?? 0) + 1;
      if (nextIndex < RETRY_SCHEDULE_SECONDS.length) {
        const options = {
          trigger: "automatic" as const,
          scheduleIndex: nextIndex,
          delaySeconds: retryDelaySeconds(nextIndex),
        };
        if (delivery.testClockId === null) {
          queued.push(await queueAttempt(delivery, { ...options, now }, tx));
        } else {
          // A test clock's delivery retries on the clock: counted from this attempt's time on the
          // clock (the advance's, or the event's for the first attempt, made at once), and made
          // by the clock's advance, not by a QStash message. The attempt itself is real: it is
          // signed and recorded at the real time.
          const from = clockAt ?? target.event.createdAt;
          await queueAttempt(delivery, { ...options, now: from, testClockId: delivery.testClockId }, tx);
        }
        await refreshNextAttempt(delivery.id, tx);
        return "failed; retry scheduled";
      }
      await tx
        .update(webhookDeliveries)
        .set({ status: "failed" })
        .where(eq(webhookDeliveries.id, delivery.id));
      await refreshNextAttempt(delivery.id, tx);
      const lastSuccess = endpoint?.lastSucceededAt;
      if (!lastSuccess || lastSuccess < delivery.createdAt) {
        await disableEndpoint(services, target.endpoint.id, "failing", now, tx);
        return "failed; schedule exhausted; endpoint disabled";
      }
      return "failed; schedule exhausted";
    }
    await refreshNextAttempt(delivery.id, tx);
    return "failed";
  });
  await publishAttempts(services, queued);
  return outcome;
}

/**
 * Makes one attempt. The attempt row is claimed first, so a QStash redelivery of the same message
 * (or a sweep's republish) finds it taken or finished and does nothing; a claim older than a
 * minute belongs to a Worker that died, and may be taken over. `clockAt`: made by a test clock's
 * advance at that time on the clock (the next retry counts from it).
 */
export async function deliverAttempt(
  services: Services,
  attemptId: string,
  { clockAt = null }: { clockAt?: Date | null } = {},
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
  const target = await loadTarget(attempt, services.db);
  if (typeof target === "string") {
    await cancelAttempt(services, attempt, target);
    return { attempt_id: attemptId, outcome: `canceled: ${target}` };
  }
  const result = await send(services, target);
  const outcome = await recordAttempt(services, attempt, target, result, clockAt);
  return { attempt_id: attemptId, delivery_id: attempt.deliveryId, status: result.status, outcome };
}

/** Automatic attempts a clock's advance makes in one step; a full batch asks for the same time again. */
const CLOCK_BATCH = 100;

/**
 * The webhook retries of a test clock's deliveries as the clock passes `at` (`services` on real
 * time: the attempts are real HTTP calls, signed now): every retry scheduled on the clock by `at`
 * is made, in time order, and its failure schedules the next on the clock, counted from `at`.
 * Answers when the clock's next retry is due.
 */
export async function runClockWebhookRetries(
  services: Services,
  clock: { id: string; merchantId: string; environment: Environment },
  at: Date,
): Promise<{ attempted: number; nextDueAt: Date | null }> {
  const onThisClock = and(
    eq(webhookAttempts.testClockId, clock.id),
    eq(webhookAttempts.merchantId, clock.merchantId),
    eq(webhookAttempts.environment, clock.environment),
    eq(webhookAttempts.status, "scheduled"),
  );
  const due = await services.db
    .select({ id: webhookAttempts.id })
    .from(webhookAttempts)
    .where(and(onThisClock, lte(webhookAttempts.scheduledFor, at)))
    .orderBy(asc(webhookAttempts.scheduledFor))
    .limit(CLOCK_BATCH);
  for (const { id } of due) await deliverAttempt(services, id, { clockAt: at });
  if (due.length === CLOCK_BATCH) return { attempted: due.length, nextDueAt: at };
  const [next] = await services.db
    .select({ at: min(webhookAttempts.scheduledFor) })
    .from(webhookAttempts)
    .where(onThisClock);
  return { attempted: due.length, nextDueAt: next?.at ? new Date(next.at) : null };
}

/**
 * A deleted clock's scheduled retries go back to real time: the sweep publishes those already
 * due, so no delivery stays pending for a clock that will never advance again.
 */
export async function releaseClockWebhookRetries(ctx: ServiceContext, clockId: string): Promise<number> {
  const released = await ctx.services.db
    .update(webhookAttempts)
    .set({ testClockId: null })
    .where(
      and(
        ...tenantScope(webhookAttempts, ctx),
        eq(webhookAttempts.testClockId, clockId),
        eq(webhookAttempts.status, "scheduled"),
      ),
    )
    .returning({ id: webhookAttempts.id });
  return released.length;
}
