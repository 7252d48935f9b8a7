import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError, notFound } from "../../core/errors";
import { changeStatement } from "../../core/events";
import { newId } from "../../core/ids";
import { couponQuery, couponValid, discountAmount } from "../coupons/service";
import type { CouponRow } from "../coupons/tables";
import type { Customer } from "../customers/schemas";
import { retrieveCustomer } from "../customers/service";
import { pendingLinesInsert } from "../invoice-items/service";
import { pricesQuery } from "../prices/service";
import { type ChargeOptions, periodLines } from "./invoicing";
import { type ItemTerms, itemOf, requireInvoiceable, usablePrice } from "./items";
import { periodBoundary } from "./periods";
import { atTime, nextActionAt, subscriptionContext, toSubscription } from "./rows";
import type { CreateSubscriptionInput, Subscription } from "./schemas";
import { settleInvoice } from "./settle";
import { type SubscriptionItemColumn, type SubscriptionRow, subscriptions } from "./tables";

const DAY_MS = 86_400_000;

export async function customerOf(ctx: ServiceContext, id: string): Promise<Customer> {
  try {
    return await retrieveCustomer({ ctx, id });
  } catch (error) {
    if (error instanceof ApiError && error.code === "resource_missing")
      throw notFound("customer", id, "customer");
    throw error;
  }
}

function subscriptionItems(input: CreateSubscriptionInput, prices: Parameters<typeof usablePrice>[0]) {
  let terms: ItemTerms | null = null;
  const items: SubscriptionItemColumn[] = [];
  input.items.forEach((item, index) => {
    const param = `items[${index}].price`;
    if (input.items.findIndex((other) => other.price === item.price) !== index) {
      throw new ApiError("parameter_invalid", {
        param,
        message: "A price appears twice; raise its quantity.",
      });
    }
    const price = usablePrice(prices, item.price, terms, param);
    terms ??= { currency: price.currency, interval: price.interval, intervalCount: price.intervalCount };
    items.push(itemOf(price, item.quantity, `items[${index}].quantity`));
  });
  if (!terms) throw new ApiError("parameter_missing", { param: "items" });
  requireInvoiceable(items);
  return { terms: terms as ItemTerms, items };
}

function usableCoupon(coupon: CouponRow | undefined, id: string, currency: string, now: Date): CouponRow {
  if (!coupon) throw new ApiError("resource_missing", { param: "coupon", message: `No such coupon: ${id}` });
  if (coupon.redeemBy !== null && coupon.redeemBy <= now)
    throw new ApiError("coupon_expired", { param: "coupon" });
  if (!couponValid(coupon, now)) throw new ApiError("coupon_max_redemptions_reached", { param: "coupon" });
  if (coupon.appliesToProducts || discountAmount(coupon, 0, currency) === null) {
    throw new ApiError("coupon_not_applicable", {
      param: "coupon",
      message: coupon.appliesToProducts
        ? "A coupon restricted to products can't discount a subscription's invoices."
        : `The coupon has no amount_off in ${currency}.`,
    });
  }
  return coupon;
}

/** When the trial ends (null without one), checked against `now`. */
function trialEnd(input: CreateSubscriptionInput, now: Date): Date | null {
  if (input.trial_end !== undefined && input.trial_period_days !== undefined) {
    throw new ApiError("parameter_invalid", {
      param: "trial_end",
      message: "Send trial_end or trial_period_days.",
    });
  }
  if (input.trial_period_days !== undefined)
    return new Date(now.getTime() + input.trial_period_days * DAY_MS);
  if (input.trial_end === undefined) return null;
  const end = new Date(input.trial_end);
  if (end <= now)
    throw new ApiError("parameter_invalid", {
      param: "trial_end",
      message: "trial_end must be in the future.",
    });
  return end;
}

function anchorOf(input: CreateSubscriptionInput, terms: ItemTerms, trial: Date | null, now: Date): Date {
  if (input.billing_cycle_anchor === undefined) return trial ?? now;
  const anchor = new Date(input.billing_cycle_anchor);
  const limit = periodBoundary(now, terms.interval, terms.intervalCount, 1);
  if (trial !== null || anchor <= now || anchor > limit) {
    throw new ApiError("parameter_invalid", {
      param: "billing_cycle_anchor",
      message: `billing_cycle_anchor is a future time up to one interval ahead (${limit.toISOString()}), without a trial.`,
    });
  }
  return anchor;
}

/**
 * Creates a subscription. With a trial it is `trialing` and nothing is invoiced until the trial
 * ends. Without one, the first period's lines (prorated up to a future billing_cycle_anchor) are
 * written with the subscription in one batch, then invoiced, finalized and charged through the
 * invoices module: `active` once paid (or sent, for send_invoice), `incomplete` while unpaid.
 */
export async function createSubscription({
  ctx,
  input,
  firstCharge = {},
}: {
  ctx: ServiceContext;
  input: CreateSubscriptionInput;
  /** How the first invoice's charge is taken (hosted checkout passes where 3-D Secure returns). */
  firstCharge?: ChargeOptions;
}): Promise<Subscription> {
  const customer = await customerOf(ctx, input.customer);
  const own = await subscriptionContext(ctx, customer.test_clock);
  const now = own.services.clock.now();
  const { db } = ctx.services;
  const [priceRows, couponRows] = await db.batch([
    pricesQuery(
      ctx,
      input.items.map((item) => item.price),
    ),
    couponQuery(ctx, input.coupon ?? ""),
  ]);
  const { terms, items } = subscriptionItems(input, priceRows);
  const coupon =
    input.coupon === undefined ? null : usableCoupon(couponRows[0], input.coupon, terms.currency, now);
  const collectionMethod = input.collection_method ?? "charge_automatically";
  if (collectionMethod === "charge_automatically" && input.days_until_due !== undefined) {
    throw new ApiError("parameter_invalid", {
      param: "days_until_due",
      message: "days_until_due goes with collection_method send_invoice.",
    });
  }
  const cancelAt = input.cancel_at === undefined ? null : new Date(input.cancel_at);
  if (cancelAt !== null && cancelAt <= now) {
    throw new ApiError("parameter_invalid", {
      param: "cancel_at",
      message: "cancel_at must be in the future.",
    });
  }
  const trial = trialEnd(input, now);
  const anchor = anchorOf(input, terms, trial, now);
  const beforeAnchor = anchor > now;
  const row: SubscriptionRow = {
    id: newId("subscription"),
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    customerId: customer.id,
    testClockId: customer.test_clock,
    status: trial ? "trialing" : "incomplete",
    currency: terms.currency,
    interval: terms.interval,
    intervalCount: terms.intervalCount,
    items,
    scheduledItems: null,
    collectionMethod,
    daysUntilDue: collectionMethod === "send_invoice" ? (input.days_until_due ?? 30) : null,
    couponId: coupon?.id ?? null,
    couponDuration: coupon?.duration ?? null,
    couponPeriods: coupon?.durationInMonths ?? null,
    invoicesIssued: 0,
    billingCycleAnchor: anchor,
    periodIndex: beforeAnchor ? -1 : 0,
    currentPeriodStart: now,
    currentPeriodEnd: beforeAnchor ? anchor : periodBoundary(anchor, terms.interval, terms.intervalCount, 1),
    trialStart: trial ? now : null,
    trialEnd: trial,
    trialWillEndSent: false,
    cancelAt,
    cancelAtPeriodEnd: input.cancel_at_period_end ?? false,
    canceledAt: null,
    endedAt: null,
    latestInvoiceId: null,
    usageMarks: {},
    collectInvoiceId: null,
    collectInvoiceAt: null,
    pauseBehavior: null,
    pauseResumesAt: null,
    failedAttempts: 0,
    firstFailureAt: null,
    nextRetryAt: null,
    nextActionAt: null,
    version: 0,
    metadata: input.metadata ?? {},
    createdAt: now,
    updatedAt: now,
  };
  row.nextActionAt = nextActionAt(row);
  const lines = trial ? [] : periodLines(row, items, row.periodIndex, beforeAnchor ? now : undefined);
  await runBatch(own.services, [
    db.insert(subscriptions).values(row),
    db.execute(changeStatement(own, { type: "customer.subscription.created", object: toSubscription(row) })),
    ...(lines.length > 0 ? [pendingLinesInsert(own, lines, now)] : []),
  ]);
  if (trial) return toSubscription(row);
  return toSubscription(await settleInvoice(atTime(own, now), row, lines.length > 0, "now", firstCharge));
}
