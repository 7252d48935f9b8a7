import { and, asc, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Services } from "../../core/context";
import { events } from "../../core/tables";
import { dispatchEvents, publishAttempts } from "./fanout";
import { sealLegacySecrets } from "./secrets";
import { webhookAttempts, webhookDeliveries } from "./tables";

const SWEEP_EVENT_AGE_MS = 60_000;
const SWEEP_ATTEMPT_OVERDUE_MS = 5 * 60_000;
const SWEEP_SENDING_STALE_MS = 2 * 60_000;
const SWEEP_BATCH = 200;

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
    .select({ id: webhookAttempts.id, merchantId: webhookAttempts.merchantId })
    .from(webhookAttempts)
    .where(
      or(
        and(
          eq(webhookAttempts.status, "scheduled"),
          // A test clock's retries wait for its advance, whatever real time says.
          isNull(webhookAttempts.testClockId),
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
    overdue.map((row) => ({ ...row, delaySeconds: 0 })),
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
