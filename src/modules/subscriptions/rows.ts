import { and, eq, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { databaseErrorCode } from "../../core/db";
import { ApiError, notFound } from "../../core/errors";
import { type ChangeRecord, gatedChangeMembers } from "../../core/events";
import { tenantRow } from "../../core/tenancy";
import { testClockTime } from "../test-clocks/service";
import type { Subscription } from "./schemas";
import {
  type SubscriptionItemColumn,
  type SubscriptionRow,
  type SubscriptionStatus,
  subscriptionStatuses,
  subscriptions,
} from "./tables";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** An incomplete subscription whose first invoice is still unpaid expires after this long. */
export const INCOMPLETE_EXPIRY_MS = 23 * HOUR_MS;
/** trial_will_end is sent this long before the trial ends. */
export const TRIAL_WARNING_MS = 3 * DAY_MS;

export const endedStatuses: readonly SubscriptionStatus[] = ["canceled", "incomplete_expired", "unpaid"];

function toSubscriptionItem(item: SubscriptionItemColumn) {
  return {
    id: item.id,
    object: "subscription_item" as const,
    price: item.price,
    quantity: item.quantity,
    amount: item.amount,
  };
}

export function toSubscription(row: SubscriptionRow): Subscription {
  return {
    id: row.id,
    object: "subscription",
    environment: row.environment,
    customer: row.customerId,
    test_clock: row.testClockId,
    status: row.status,
    currency: row.currency,
    items: row.items.map(toSubscriptionItem),
    scheduled_change: row.scheduledItems
      ? { items: row.scheduledItems.map(toSubscriptionItem), applies_at: row.currentPeriodEnd.toISOString() }
      : null,
    interval: row.interval,
    interval_count: row.intervalCount,
    collection_method: row.collectionMethod,
    days_until_due: row.daysUntilDue,
    coupon: row.couponId,
    billing_cycle_anchor: row.billingCycleAnchor.toISOString(),
    current_period_start: row.currentPeriodStart.toISOString(),
    current_period_end: row.currentPeriodEnd.toISOString(),
    trial_start: row.trialStart?.toISOString() ?? null,
    trial_end: row.trialEnd?.toISOString() ?? null,
    cancel_at: row.cancelAt?.toISOString() ?? null,
    cancel_at_period_end: row.cancelAtPeriodEnd,
    canceled_at: row.canceledAt?.toISOString() ?? null,
    ended_at: row.endedAt?.toISOString() ?? null,
    latest_invoice: row.latestInvoiceId,
    next_payment_attempt: row.nextRetryAt?.toISOString() ?? null,
    pause_collection: row.pauseBehavior
      ? { behavior: row.pauseBehavior, resumes_at: row.pauseResumesAt?.toISOString() ?? null }
      : null,
    metadata: row.metadata,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

function earliest(times: Array<Date | null>): Date | null {
  let first: Date | null = null;
  for (const time of times) if (time !== null && (first === null || time < first)) first = time;
  return first;
}

/** The earliest time the subscription-cycle has work for this subscription, or null when it has ended. */
export function nextActionAt(row: SubscriptionRow): Date | null {
  // A renewal's draft is finalized and charged even when the subscription ended meanwhile (as Stripe).
  if (endedStatuses.includes(row.status)) return row.collectInvoiceAt;
  if (row.status === "incomplete") return new Date(row.createdAt.getTime() + INCOMPLETE_EXPIRY_MS);
  if (row.status === "trialing" && row.trialEnd !== null) {
    const warning = row.trialWillEndSent ? null : new Date(row.trialEnd.getTime() - TRIAL_WARNING_MS);
    return earliest([row.cancelAt, warning, row.trialEnd]);
  }
  return earliest([
    row.collectInvoiceAt,
    row.cancelAt,
    row.currentPeriodEnd,
    // A renewal's draft waiting to be charged replaces the dunning of the invoice before it.
    row.status === "past_due" && row.collectInvoiceAt === null ? row.nextRetryAt : null,
    row.status === "paused" ? row.pauseResumesAt : null,
  ]);
}

export function subscriptionQuery(ctx: ServiceContext, id: string) {
  return ctx.services.db
    .select()
    .from(subscriptions)
    .where(tenantRow(subscriptions, ctx, id))
    .limit(1);
}

export async function readSubscription(ctx: ServiceContext, id: string): Promise<SubscriptionRow> {
  const [row] = await subscriptionQuery(ctx, id);
  if (!row) throw notFound("subscription", id);
  return row;
}

/**
 * The context a subscription lives in: its test clock's frozen time when it has one (the services
 * clock answers that time, so invoices, payments and events made for it are dated on the clock),
 * else the request's clock.
 */
export async function subscriptionContext(
  ctx: ServiceContext,
  testClockId: string | null,
): Promise<ServiceContext> {
  if (testClockId === null) return ctx;
  const at = await testClockTime(ctx, testClockId);
  return atTime(ctx, at);
}

/** `ctx` with its clock stopped at `at` and no Idempotency-Key to claim (the request's is claimed by the middleware). */
export function atTime(ctx: ServiceContext, at: Date): ServiceContext {
  return { ...ctx, services: { ...ctx.services, clock: { now: () => at }, idempotency: undefined } };
}

/** 409 subscription_status_invalid unless the subscription is in one of `allowed`. */
export function requireStatus(
  row: SubscriptionRow,
  allowed: readonly SubscriptionStatus[],
  verb: string,
): void {
  if (!allowed.includes(row.status)) {
    throw new ApiError("subscription_status_invalid", {
      message: `Only a subscription that is ${allowed.join(" or ")} can be ${verb}; this one is ${row.status}.`,
    });
  }
}

export const liveStatuses = subscriptionStatuses.filter((status) => !endedStatuses.includes(status));

/** Every status but the ended ones (canceled, incomplete_expired, unpaid) may still change. */
export function requireLive(row: SubscriptionRow): void {
  requireStatus(row, liveStatuses, "changed");
}

/**
 * Writes `after` over `before` by compare-and-set on the version, with its event in the same
 * statement, and `extra` statements in the same batch: when another writer moved the subscription
 * first, nothing is written and the answer is 409 subscription_update_conflict.
 */
export async function writeSubscription(
  ctx: ServiceContext,
  before: SubscriptionRow,
  after: SubscriptionRow,
  change: ChangeRecord | null,
  extra: BatchItem<"pg">[] = [],
): Promise<SubscriptionRow> {
  const { db } = ctx.services;
  const written: SubscriptionRow = {
    ...after,
    version: before.version + 1,
    nextActionAt: nextActionAt(after),
  };
  const { id, merchantId, environment, createdAt, ...columns } = written;
  const update = db
    .update(subscriptions)
    .set(columns)
    .where(and(tenantRow(subscriptions, ctx, id), eq(subscriptions.version, before.version)))
    .returning({ id: subscriptions.id });
  const members: SQL = change ? sql`, ${gatedChangeMembers(ctx, change, "moved", "change")}` : sql``;
  try {
    await runBatch(ctx.services, [
      db.execute(
        sql`with moved as ${update}${members}
          select billing_require(exists(select 1 from moved), ${"subscription_update_conflict"})`,
      ),
      ...extra,
    ]);
  } catch (error) {
    // billing_require's refusal (migrations/0014): another writer moved the version first.
    if (databaseErrorCode(error) === "MP020") throw new ApiError("subscription_update_conflict");
    throw error;
  }
  return written;
}
