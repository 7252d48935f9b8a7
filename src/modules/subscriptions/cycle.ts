import { and, asc, eq, inArray, isNull, lte, min, sql } from "drizzle-orm";
import type { ServiceContext, Services } from "../../core/context";
import { ApiError } from "../../core/errors";
import { systemContext } from "../../core/http";
import { errorText, log } from "../../core/log";
import type { Environment } from "../../core/tables";
import { onlyMerchant, tenantScope } from "../../core/tenancy";
import { retrieveCustomer } from "../customers/service";
import { pendingLinesInsert } from "../invoice-items/service";
import { retrieveInvoice, voidInvoice } from "../invoices/service";
import { type ChargeOutcome, chargeInvoice, periodLines } from "./invoicing";
import { advancedMarks, lateUsageLines } from "./late-usage";
import { resumedAt } from "./pause";
import { periodBoundary } from "./periods";
import {
  atTime,
  INCOMPLETE_EXPIRY_MS,
  liveStatuses,
  readSubscription,
  subscriptionContext,
  TRIAL_WARNING_MS,
  toSubscription,
  writeSubscription,
} from "./rows";
import { dunningSchedule } from "./settings";
import { afterCharge, collectRenewal, settleInvoice } from "./settle";
import { type SubscriptionRow, type SubscriptionStatus, subscriptions } from "./tables";
import { billsUsage, endWithFinalUsage, meteredUsage, readUsageMarks, usageLines } from "./usage";

const DAY_MS = 86_400_000;
/** One subscription's catch-up in one run is bounded: a year of daily periods. */
const MAX_STEPS_PER_SUBSCRIPTION = 400;
const BATCH_SIZE = 100;

/** Ends the subscription at `at`: canceled (customer.subscription.deleted) or another final status. */
function endAt(ctx: ServiceContext, row: SubscriptionRow, at: Date, status: SubscriptionStatus = "canceled") {
  const { after, change } = ending(row, at, status);
  return writeSubscription(ctx, row, after, change);
}

/** The end the merchant scheduled (cancel_at, cancel_at_period_end): the last period's usage is billed. */
function scheduledEnd(ctx: ServiceContext, row: SubscriptionRow, at: Date) {
  const { after, change } = ending(row, at, "canceled");
  return endWithFinalUsage(ctx, row, after, change, at);
}

function ending(row: SubscriptionRow, at: Date, status: SubscriptionStatus) {
  const after: SubscriptionRow = {
    ...row,
    status,
    canceledAt: status === "canceled" ? (row.canceledAt ?? at) : row.canceledAt,
    endedAt: at,
    nextRetryAt: null,
    updatedAt: at,
  };
  const change = {
    type:
      status === "unpaid" || status === "incomplete_expired"
        ? ("customer.subscription.updated" as const)
        : ("customer.subscription.deleted" as const),
    object: toSubscription(after),
    previousAttributes: { status: row.status },
  };
  return { after, change };
}

/**
 * Starts period `index` (the first after a trial or the next one), writing its lines (the new
 * period's licensed items, and the usage of the period that ended on its metered items) in the same
 * batch as the period's compare-and-set: of two cycles renewing one subscription, one moves the
 * version and writes the lines, the other is refused whole, so a period's usage is billed once.
 * Then the lines are invoiced and charged.
 */
async function renew(ctx: ServiceContext, row: SubscriptionRow, index: number): Promise<SubscriptionRow> {
  const start = periodBoundary(row.billingCycleAnchor, row.interval, row.intervalCount, index);
  const end = periodBoundary(row.billingCycleAnchor, row.interval, row.intervalCount, index + 1);
  const now = ctx.services.clock.now();
  const renewed: SubscriptionRow = {
    ...row,
    // A change scheduled for the period's end starts with this period; the ended period's usage
    // below is still the old items'.
    items: row.scheduledItems ?? row.items,
    scheduledItems: null,
    periodIndex: index,
    currentPeriodStart: start,
    currentPeriodEnd: end,
    status: row.status === "trialing" ? "active" : row.status,
    updatedAt: now,
  };
  const ended = { start: row.currentPeriodStart, end: row.currentPeriodEnd };
  // Ingestion marks first: what they don't cover is late at the next renewal (late-usage.ts).
  const marks = billsUsage(row) ? await readUsageMarks(ctx, row, ended.end) : new Map();
  const usage = billsUsage(row) ? await meteredUsage(ctx, row, ended.start, ended.end, marks) : [];
  const late = await lateUsageLines(ctx, row, usage, ended.start, marks);
  renewed.usageMarks = advancedMarks(row, marks);
  const lines = [
    ...periodLines(renewed, renewed.items, index),
    ...usageLines(row, usage, ended.start, ended.end),
    ...late,
  ];
  const written = await writeSubscription(
    ctx,
    row,
    renewed,
    {
      type: "customer.subscription.updated",
      object: toSubscription(renewed),
      previousAttributes: {
        status: row.status,
        current_period_start: row.currentPeriodStart.toISOString(),
        current_period_end: row.currentPeriodEnd.toISOString(),
        ...(row.scheduledItems ? { items: toSubscription(row).items } : {}),
      },
    },
    lines.length > 0 ? [pendingLinesInsert(ctx, lines, now)] : [],
  );
  return settleInvoice(ctx, written, lines.length > 0, "draft");
}

/** Charges a past_due subscription's latest invoice (paid already counts as paid). */
async function chargeLatest(ctx: ServiceContext, row: SubscriptionRow): Promise<ChargeOutcome> {
  const invoice = row.latestInvoiceId ? await retrieveInvoice({ ctx, id: row.latestInvoiceId }) : null;
  if (invoice === null || invoice.status !== "open") return "paid";
  return (await chargeInvoice(ctx, invoice.id, invoice)).outcome;
}

/** A past_due subscription whose invoice got paid: active, dunning cleared. */
function recovered(ctx: ServiceContext, row: SubscriptionRow, now: Date): Promise<SubscriptionRow> {
  const after = afterCharge(row, null, "paid", now, null);
  return writeSubscription(ctx, row, after, {
    type: "customer.subscription.updated",
    object: toSubscription(after),
    previousAttributes: { status: row.status },
  });
}

/** A dunning retry of the latest invoice: recovered, the next retry, or the end of the subscription. */
async function retry(ctx: ServiceContext, row: SubscriptionRow): Promise<SubscriptionRow> {
  const now = ctx.services.clock.now();
  if ((await chargeLatest(ctx, row)) === "paid") return recovered(ctx, row, now);
  const dunning = await dunningSchedule(ctx);
  const failed = row.failedAttempts + 1;
  const retryDay = dunning.retryDays[failed - 1];
  if (retryDay === undefined || row.firstFailureAt === null)
    return endAt(ctx, row, now, dunning.afterFinalFailure);
  const after: SubscriptionRow = {
    ...row,
    failedAttempts: failed,
    nextRetryAt: new Date(row.firstFailureAt.getTime() + retryDay * DAY_MS),
    updatedAt: now,
  };
  return writeSubscription(ctx, row, after, null);
}

/** What is due for the subscription at `at`, done once; the caller repeats while more is due. */
async function step(ctx: ServiceContext, row: SubscriptionRow, at: Date): Promise<SubscriptionRow> {
  if (row.collectInvoiceAt !== null && row.collectInvoiceAt <= at) return collectRenewal(ctx, row);
  if (row.status === "incomplete") {
    const invoice = row.latestInvoiceId ? await retrieveInvoice({ ctx, id: row.latestInvoiceId }) : null;
    if (invoice?.status === "paid") {
      const after = afterCharge(row, null, "paid", at, null);
      return writeSubscription(ctx, row, after, {
        type: "customer.subscription.updated",
        object: toSubscription(after),
        previousAttributes: { status: row.status },
      });
    }
    if (invoice?.status === "open") await voidInvoice({ ctx, id: invoice.id });
    return endAt(ctx, row, new Date(row.createdAt.getTime() + INCOMPLETE_EXPIRY_MS), "incomplete_expired");
  }
  if (row.cancelAt !== null && row.cancelAt <= at) return scheduledEnd(ctx, row, row.cancelAt);
  if (row.status === "trialing" && row.trialEnd !== null) {
    if (row.trialEnd <= at) {
      const customer = await retrieveCustomer({ ctx, id: row.customerId });
      // A trial that ends without a way to pay ends the subscription (Stripe's missing_payment_method:
      // cancel), as does one canceled at its period's end (the trial is that period).
      const noWayToPay =
        row.collectionMethod === "charge_automatically" && customer.default_payment_method === null;
      if (row.cancelAtPeriodEnd || noWayToPay) {
        return endAt(ctx, row, row.trialEnd);
      }
      return renew(ctx, row, 0);
    }
    if (!row.trialWillEndSent && row.trialEnd.getTime() - TRIAL_WARNING_MS <= at.getTime()) {
      const after: SubscriptionRow = { ...row, trialWillEndSent: true, updatedAt: at };
      return writeSubscription(ctx, row, after, {
        type: "customer.subscription.trial_will_end",
        object: toSubscription(after),
      });
    }
    return row;
  }
  // A resume due by the period's end comes first, so that renewal is charged again.
  if (
    row.status === "paused" &&
    row.pauseResumesAt !== null &&
    row.pauseResumesAt <= at &&
    row.pauseResumesAt <= row.currentPeriodEnd
  ) {
    const after = resumedAt(row, row.pauseResumesAt);
    return writeSubscription(ctx, row, after, {
      type: "customer.subscription.resumed",
      object: toSubscription(after),
      previousAttributes: { status: row.status },
    });
  }
  if (row.currentPeriodEnd <= at) {
    if (row.cancelAtPeriodEnd) return scheduledEnd(ctx, row, row.currentPeriodEnd);
    return renew(ctx, row, row.periodIndex + 1);
  }
  if (
    row.status === "past_due" &&
    row.collectInvoiceId === null &&
    row.nextRetryAt !== null &&
    row.nextRetryAt <= at
  )
    return retry(ctx, row);
  return row;
}

export interface CycleScope {
  /** Subscriptions of this clock (with the merchant and environment that own it); null: those on real time. */
  testClock: { id: string; merchantId: string; environment: Environment } | null;
  /** On real time, only this merchant's subscriptions (an operator's re-run, or a test's). */
  merchantId?: string;
}

/**
 * The subscription-cycle: everything due at `at` for the subscriptions of the scope, each
 * subscription until nothing more is due (renewals it fell behind on included). Answers how many
 * were worked on and the next time one is due (for the test clock's advance).
 */
export async function runSubscriptionCycle(
  services: Services,
  scope: CycleScope,
  at: Date,
): Promise<{ worked: number; failed: number; nextDueAt: Date | null }> {
  const clock = scope.testClock;
  const where = clock
    ? and(
        eq(subscriptions.testClockId, clock.id),
        eq(subscriptions.merchantId, clock.merchantId),
        eq(subscriptions.environment, clock.environment),
      )
    : and(isNull(subscriptions.testClockId), onlyMerchant(subscriptions, scope.merchantId));
  const due = await services.db
    .select({
      id: subscriptions.id,
      merchantId: subscriptions.merchantId,
      environment: subscriptions.environment,
    })
    .from(subscriptions)
    .where(and(where, lte(subscriptions.nextActionAt, at)))
    .orderBy(asc(subscriptions.nextActionAt))
    .limit(BATCH_SIZE);
  let failed = 0;
  for (const target of due) {
    const ctx = atTime(systemContext(services, target, "subscription-cycle"), at);
    try {
      let row = await readSubscription(ctx, target.id);
      for (let steps = 0; row.nextActionAt !== null && row.nextActionAt <= at; steps += 1) {
        if (steps >= MAX_STEPS_PER_SUBSCRIPTION) throw new Error(`subscription ${row.id}: too many steps`);
        const next = await step(ctx, row, at);
        if (next.version === row.version) break;
        row = next;
      }
    } catch (error) {
      if (clock) throw error;
      failed += 1;
      log("error", "subscription_cycle_failed", {
        subscription: target.id,
        error: errorText(error),
      });
    }
  }
  const [next] = await services.db
    .select({ at: min(subscriptions.nextActionAt) })
    .from(subscriptions)
    .where(and(where, sql`${subscriptions.nextActionAt} is not null`));
  return { worked: due.length, failed, nextDueAt: next?.at ? new Date(next.at) : null };
}

/**
 * How far one advance of a test clock may go from `from` (Stripe's rule): two intervals of the
 * shortest live subscription on the clock, so that no renewal is skipped over unseen; null when
 * none is live.
 */
export async function furthestClockAdvance(
  services: Services,
  clock: { id: string; merchantId: string; environment: Environment },
  from: Date,
): Promise<Date | null> {
  const terms = await services.db
    .selectDistinct({ interval: subscriptions.interval, intervalCount: subscriptions.intervalCount })
    .from(subscriptions)
    .where(
      and(
        ...tenantScope(subscriptions, clock),
        eq(subscriptions.testClockId, clock.id),
        inArray(subscriptions.status, liveStatuses),
      ),
    );
  const limits = terms.map((term) => periodBoundary(from, term.interval, term.intervalCount, 2).getTime());
  return limits.length > 0 ? new Date(Math.min(...limits)) : null;
}

/**
 * Subscriptions whose latest invoice was just paid by a charge that completed later (3-D Secure,
 * a bank debit; the invoice-payments function): an incomplete or past_due one is active at once,
 * as Stripe activates it on the invoice's payment, instead of at its next check. A concurrent
 * cycle that moved the subscription first wins; the cycle sees the paid invoice itself.
 */
export async function activateOnPaidInvoices(
  services: Services,
  paid: readonly { id: string; merchantId: string; environment: Environment }[],
): Promise<number> {
  let activated = 0;
  for (const invoice of paid) {
    const ctx = systemContext(services, invoice, "invoice_payments");
    const waiting = await services.db
      .select()
      .from(subscriptions)
      .where(
        and(
          ...tenantScope(subscriptions, ctx),
          eq(subscriptions.latestInvoiceId, invoice.id),
          inArray(subscriptions.status, ["incomplete", "past_due"]),
        ),
      );
    for (const row of waiting) {
      try {
        const clocked = await subscriptionContext(ctx, row.testClockId);
        await recovered(clocked, row, clocked.services.clock.now());
        activated += 1;
      } catch (error) {
        if (error instanceof ApiError && error.code === "subscription_update_conflict") continue;
        log("error", "subscription_activation_failed", { subscription: row.id, error: errorText(error) });
      }
    }
  }
  return activated;
}

/**
 * A payment-method update's immediate retry (Stripe's): each past_due subscription of the customer
 * charges its open invoice now, on its own clock. Paid is active again; a refusal leaves the
 * dunning schedule as it was, and a failure is logged, never raised: the update itself succeeded.
 */
export async function retryPastDueSubscriptions({
  ctx,
  customerId,
}: {
  ctx: ServiceContext;
  customerId: string;
}): Promise<void> {
  const pastDue = await ctx.services.db
    .select()
    .from(subscriptions)
    .where(
      and(
        ...tenantScope(subscriptions, ctx),
        eq(subscriptions.customerId, customerId),
        eq(subscriptions.status, "past_due"),
        // A renewal's draft waiting to be charged is charged at its time, with the new default.
        isNull(subscriptions.collectInvoiceId),
      ),
    );
  for (const row of pastDue) {
    try {
      const clocked = await subscriptionContext(ctx, row.testClockId);
      // Its own context: the request's Idempotency-Key is the update's, not the charge's.
      const own = atTime(clocked, clocked.services.clock.now());
      const now = own.services.clock.now();
      if ((await chargeLatest(own, row)) === "paid") await recovered(own, row, now);
    } catch (error) {
      log("error", "subscription_method_retry_failed", {
        request_id: ctx.requestId,
        subscription: row.id,
        error: errorText(error),
      });
    }
  }
}
