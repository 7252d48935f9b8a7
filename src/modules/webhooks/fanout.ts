import { and, eq, inArray, isNull, max, type SQL, type SQLWrapper, sql } from "drizzle-orm";
import type { RecordedEvent, Services } from "../../core/context";
import { type Executor, execute, type Transaction } from "../../core/db";
import { newId } from "../../core/ids";
import { errorText, log } from "../../core/log";
import { type Environment, events } from "../../core/tables";
import { clockOfCustomer } from "../customers/service";
import { eventTypeMatches } from "../events/service";
import { isQuiet, noteScope } from "./quiet-scopes";
import {
  type AttemptTrigger,
  type WebhookDeliveryRow,
  type WebhookEndpointRow,
  webhookAttempts,
  webhookDeliveries,
  webhookEndpoints,
} from "./tables";

/** The background function that makes one attempt; functions/webhook-deliver.ts registers it. */
export const DELIVER_FUNCTION = "webhook-deliver";
export const TEST_EVENT_TYPE = "webhook.test";

/** QStash must answer within this, so that it does not retry a call that is still sending. */
const DELIVER_CALL_TIMEOUT_SECONDS = 30;

export interface QueuedAttempt {
  id: string;
  merchantId: string;
  delaySeconds: number;
}

/** Schedules one attempt of a delivery; the caller holds the delivery's row lock (or just created it). */
export async function queueAttempt(
  delivery: Pick<WebhookDeliveryRow, "id" | "merchantId" | "environment">,
  options: {
    trigger: AttemptTrigger;
    scheduleIndex: number | null;
    delaySeconds: number;
    now: Date;
    /** An attempt on this clock's time, made by its advance. */
    testClockId?: string | null;
  },
  tx: Transaction,
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
    testClockId: options.testClockId ?? null,
    createdAt: options.now,
  });
  return { id, merchantId: delivery.merchantId, delaySeconds: options.delaySeconds };
}

/** A delivery's next_attempt_at follows its earliest scheduled attempt. */
export async function refreshNextAttempt(deliveryId: string, tx: Executor): Promise<void> {
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
        { attempt_id: attempt.id, merchant_id: attempt.merchantId },
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

/**
 * Cancels the deliveries' scheduled attempts; with `automaticOnly`, a manual attempt the merchant
 * asked for (a retry) still goes out.
 */
export async function cancelScheduledAttempts(
  {
    deliveryIds,
    now,
    reason,
    automaticOnly = false,
  }: {
    deliveryIds: string[];
    now: Date;
    reason: string;
    automaticOnly?: boolean;
  },
  tx: Executor,
) {
  if (deliveryIds.length === 0) return;
  const scheduled = and(
    inArray(webhookAttempts.deliveryId, deliveryIds),
    eq(webhookAttempts.status, "scheduled"),
  );
  await tx
    .update(webhookAttempts)
    .set({ status: "canceled", finishedAt: now, error: reason })
    .where(automaticOnly ? and(scheduled, eq(webhookAttempts.trigger, "automatic")) : scheduled);
}

/** Fails every pending delivery of an endpoint that stops receiving (disabled or deleted). */
export async function stopEndpointDeliveries(
  endpointId: string,
  now: Date,
  reason: string,
  tx: Executor,
): Promise<void> {
  const stopped = await tx
    .update(webhookDeliveries)
    .set({ status: "failed", nextAttemptAt: null, lastError: reason, updatedAt: now })
    .where(and(eq(webhookDeliveries.endpointId, endpointId), eq(webhookDeliveries.status, "pending")))
    .returning({ id: webhookDeliveries.id });
  await cancelScheduledAttempts({ deliveryIds: stopped.map((row) => row.id), now, reason }, tx);
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

/**
 * The dispatcher requests and functions hand their recorded events to (core/events.ts): events of a
 * merchant environment this isolate last saw without endpoints were marked dispatched as they were
 * written, so they cost no round trip; the rest go to dispatchEvents.
 */
export function dispatchRecorded(services: Services, recorded: RecordedEvent[]): Promise<number> {
  const now = Date.now();
  return dispatchEvents(
    services,
    recorded.filter((event) => !isQuiet(event, now)).map((event) => event.id),
  );
}

/** What the first statement of a dispatch learns of each event. */
type DispatchRead = {
  id: string;
  merchant_id: string;
  environment: Environment;
  /** Not dispatched yet, and not settled by this statement either: it needs its deliveries. */
  pending: boolean;
  /** Whether its merchant environment has an enabled endpoint. */
  receiving: boolean;
};

/**
 * Creates one delivery per subscribed, enabled endpoint of each event not yet dispatched, and marks
 * the events dispatched, in one transaction; then publishes the first attempts. Safe to run twice
 * for the same event (the request's after-commit hook and the sweep): rows are locked with SKIP
 * LOCKED and deliveries are unique per (event, endpoint).
 */
export async function dispatchEvents(services: Services, eventIds: string[]): Promise<number> {
  if (eventIds.length === 0) return 0;
  const now = services.clock.now();
  const receiving = sql`exists (select 1 from ${webhookEndpoints}
    where ${receivingEndpoints(events.merchantId, events.environment)})`;
  // The common case costs this one statement: events of a merchant environment without endpoints
  // (marked as they were written, or settled here when their endpoints went away since), and events
  // another dispatch took. The select sees the rows as they were before the update, hence the
  // exclusion of what it settled.
  const { rows } = await execute<DispatchRead>(
    sql`with settled as (
        update ${events} set dispatched_at = ${now.toISOString()}::timestamptz
        where ${inArray(events.id, eventIds)} and ${events.dispatchedAt} is null and not ${receiving}
        returning ${events.id})
      select ${events.id} as id, ${events.merchantId} as merchant_id, ${events.environment} as environment,
        (${events.dispatchedAt} is null and ${events.id} not in (select id from settled)) as pending,
        ${receiving} as receiving
      from ${events} where ${inArray(events.id, eventIds)}`,
    services.db,
  );
  for (const row of rows)
    noteScope({ merchantId: row.merchant_id, environment: row.environment }, row.receiving);
  const remaining = rows.filter((row) => row.pending).map((row) => row.id);
  if (remaining.length === 0) return 0;
  const queued = await services.transaction(async (tx) => {
    const rows = await tx
      .select({
        id: events.id,
        merchantId: events.merchantId,
        environment: events.environment,
        type: events.type,
        // A customer's own events, and those of objects naming a customer (subscriptions, invoices, payments).
        testClockId: clockOfCustomer(
          sql`coalesce(case when ${events.objectType} = 'customer' then ${events.objectId} end, ${events.data}->>'customer')`,
          events.merchantId,
        ),
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
          testClockId: row.testClockId,
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
    return attempts.map((attempt) => ({ id: attempt.id, merchantId: attempt.merchantId, delaySeconds: 0 }));
  });
  await publishAttempts(services, queued);
  return queued.length;
}
