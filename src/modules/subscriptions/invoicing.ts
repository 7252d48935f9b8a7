import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { couponQuery, couponValid, discountAmount } from "../coupons/service";
import type { CouponRow } from "../coupons/tables";
import type { PendingLine } from "../invoice-items/service";
import type { Invoice } from "../invoices/schemas";
import {
  createInvoice,
  finalizeInvoice,
  markInvoiceUncollectible,
  payInvoice,
  retrieveInvoice,
  voidInvoice,
} from "../invoices/service";
import { periodBoundary, prorate, secondsBetween } from "./periods";
import type { PauseBehavior, SubscriptionItemColumn, SubscriptionRow } from "./tables";

export function day(time: Date): string {
  return time.toISOString().slice(0, 10);
}

/** The lines of period `index` for `items`: the whole period's amounts, or the part from `from` on. */
export function periodLines(
  row: SubscriptionRow,
  items: SubscriptionItemColumn[],
  index: number,
  from?: Date,
): PendingLine[] {
  const start = periodBoundary(row.billingCycleAnchor, row.interval, row.intervalCount, index);
  const end = periodBoundary(row.billingCycleAnchor, row.interval, row.intervalCount, index + 1);
  const begins = from ?? start;
  return licensedItems(items)
    .map((item) => ({
      customerId: row.customerId,
      currency: row.currency,
      amount: from
        ? prorate(item.amount, secondsBetween(from, end), secondsBetween(start, end))
        : item.amount,
      quantity: item.quantity,
      unitAmount: null,
      priceId: item.price,
      description: `${item.description} (${day(begins)} – ${day(end)})`,
      discountable: true,
      metadata: { subscription: row.id, subscription_item: item.id, period_start: begins.toISOString() },
    }))
    .filter((line) => line.amount !== 0);
}

/** The items charged up front, with their quantity (metered ones are billed in arrears, usage.ts). */
function licensedItems(
  items: SubscriptionItemColumn[],
): Array<SubscriptionItemColumn & { quantity: number }> {
  return items.flatMap((item) => (item.quantity === null ? [] : [{ ...item, quantity: item.quantity }]));
}

function sameTerms(a: SubscriptionItemColumn, b: SubscriptionItemColumn): boolean {
  return a.price === b.price && a.quantity === b.quantity;
}

/**
 * The proration lines of replacing `before` by `after` at `at`, to the second: a credit for the
 * unused rest of the period on each item that changed or went, a charge for the same rest on each
 * item that changed or came. Each line rounds half away from zero, so a change and its reversal at
 * the same second net to exactly zero.
 */
export function prorationLines(
  row: SubscriptionRow,
  before: SubscriptionItemColumn[],
  after: SubscriptionItemColumn[],
  at: Date,
): PendingLine[] {
  const start = periodBoundary(row.billingCycleAnchor, row.interval, row.intervalCount, row.periodIndex);
  const end = periodBoundary(row.billingCycleAnchor, row.interval, row.intervalCount, row.periodIndex + 1);
  if (at >= end || at < row.currentPeriodStart) return [];
  const remaining = secondsBetween(at, end);
  const whole = secondsBetween(start, end);
  const line = (item: SubscriptionItemColumn & { quantity: number }, sign: 1 | -1): PendingLine => ({
    customerId: row.customerId,
    currency: row.currency,
    amount: prorate(sign * item.amount, remaining, whole),
    quantity: item.quantity,
    unitAmount: null,
    priceId: item.price,
    description: `${sign < 0 ? "Unused time on" : "Remaining time on"} ${item.description} after ${at.toISOString()}`,
    discountable: false,
    metadata: { subscription: row.id, subscription_item: item.id, proration: "true" },
  });
  const credits = licensedItems(before)
    .filter((old) => !after.some((next) => next.id === old.id && sameTerms(next, old)))
    .map((old) => line(old, -1));
  const charges = licensedItems(after)
    .filter((next) => !before.some((old) => old.id === next.id && sameTerms(next, old)))
    .map((next) => line(next, 1));
  return [...credits, ...charges].filter((entry) => entry.amount !== 0);
}

/**
 * Whether the subscription's coupon discounts its next invoice at `at`: within its duration
 * (once: the first invoice; repeating: the first N invoices; forever), still redeemable, and with
 * an amount in the subscription's currency. The preview and the real invoice both ask this.
 */
export function couponApplies(row: SubscriptionRow, coupon: CouponRow | undefined, at: Date): boolean {
  if (!coupon || coupon.id !== row.couponId) return false;
  const inDuration =
    row.couponDuration === "forever" ||
    (row.couponDuration === "once" && row.invoicesIssued === 0) ||
    (row.couponDuration === "repeating" && row.invoicesIssued < (row.couponPeriods ?? 0));
  return (
    inDuration &&
    (coupon.redeemBy === null || coupon.redeemBy > at) &&
    couponValid(coupon, at) &&
    !coupon.appliesToProducts &&
    discountAmount(coupon, 0, row.currency) !== null
  );
}

export type ChargeOutcome = "paid" | "failed" | "open";

/** How a charge made now is taken: where 3-D Secure sends the customer back (hosted checkout's first charge). */
export interface ChargeOptions {
  returnUrl?: string;
}

/** A renewal's draft is finalized and charged this long after its creation (Stripe's automatic finalization). */
export const AUTO_FINALIZE_MS = 3_600_000;

/** A draft of the customer's pending items (the subscription's lines and anything else waiting), with the coupon while it applies. */
function draftInvoice(
  ctx: ServiceContext,
  row: SubscriptionRow,
  coupon: CouponRow | undefined,
  autoFinalizeAt: Date | null = null,
): Promise<Invoice> {
  return createInvoice({
    ctx,
    autoFinalizeAt,
    input: {
      customer: row.customerId,
      currency: row.currency,
      collection_method: row.collectionMethod,
      days_until_due: row.collectionMethod === "send_invoice" ? (row.daysUntilDue ?? 30) : undefined,
      coupon: couponApplies(row, coupon, ctx.services.clock.now()) ? (row.couponId ?? undefined) : undefined,
      description: `Subscription ${row.id}`,
      metadata: { subscription: row.id },
    },
  });
}

/**
 * Invoices the customer's pending items through the invoices module: create, finalize, and for
 * charge_automatically pay with the default payment method. A decline or a missing method is
 * `failed`; the invoice stays open for dunning.
 */
export async function issueInvoice(
  ctx: ServiceContext,
  row: SubscriptionRow,
  charge: ChargeOptions = {},
): Promise<{ invoice: Invoice; outcome: ChargeOutcome }> {
  const [coupon] = row.couponId ? await couponQuery(ctx, row.couponId) : [];
  const draft = await draftInvoice(ctx, row, coupon);
  const open = await finalizeInvoice({ ctx, id: draft.id });
  if (row.collectionMethod === "send_invoice") return { invoice: open, outcome: "open" };
  return chargeInvoice(ctx, open.id, open, charge);
}

/**
 * A renewal's draft of the customer's pending items: the merchant may add items to it or finalize
 * it until `automatically_finalizes_at`, when the subscription-cycle finalizes and charges it.
 */
export async function draftRenewalInvoice(ctx: ServiceContext, row: SubscriptionRow): Promise<Invoice> {
  const [coupon] = row.couponId ? await couponQuery(ctx, row.couponId) : [];
  return draftInvoice(ctx, row, coupon, new Date(ctx.services.clock.now().getTime() + AUTO_FINALIZE_MS));
}

/**
 * Collects a renewal's invoice at its automatic finalization: finalized while still a draft (the
 * invoice's compare-and-set refuses a concurrent finalization with 409), then charged unless it
 * was charged before (a declined attempt counts) or needs no charge. An invoice the merchant
 * settled meanwhile (paid, void, uncollectible) is not charged: `paid` (nothing left to collect).
 */
export async function collectInvoice(
  ctx: ServiceContext,
  id: string,
): Promise<{ invoice: Invoice; outcome: ChargeOutcome }> {
  const current = await retrieveInvoice({ ctx, id });
  const invoice = current.status === "draft" ? await finalizeInvoice({ ctx, id }) : current;
  if (invoice.status !== "open") return { invoice, outcome: "paid" };
  if (invoice.collection_method === "send_invoice") return { invoice, outcome: "open" };
  if (invoice.attempt_count > 0) return { invoice, outcome: "failed" };
  return chargeInvoice(ctx, id, invoice);
}

/**
 * A paused subscription's invoice, never charged: left a draft (keep_as_draft), or finalized and
 * then voided or marked uncollectible. An invoice that finalizing settled (a total of 0) stays as it is.
 */
export async function issuePausedInvoice(
  ctx: ServiceContext,
  row: SubscriptionRow,
  behavior: PauseBehavior,
): Promise<Invoice> {
  const [coupon] = row.couponId ? await couponQuery(ctx, row.couponId) : [];
  return applyPauseBehavior(ctx, await draftInvoice(ctx, row, coupon), behavior);
}

/** What a pause does to a draft: keeps it, or finalizes it and voids it or marks it uncollectible. */
export async function applyPauseBehavior(
  ctx: ServiceContext,
  draft: Invoice,
  behavior: PauseBehavior,
): Promise<Invoice> {
  if (behavior === "keep_as_draft") return draft;
  const finalized = await finalizeInvoice({ ctx, id: draft.id });
  if (finalized.status !== "open") return finalized;
  return behavior === "void"
    ? voidInvoice({ ctx, id: finalized.id })
    : markInvoiceUncollectible({ ctx, id: finalized.id });
}

/**
 * Pays an open invoice; a refusal to charge (decline, no method) is `failed`, not an error, and a
 * charge still pending (3-D Secure, a bank debit) is `open`.
 */
export async function chargeInvoice(
  ctx: ServiceContext,
  invoiceId: string,
  open: Invoice,
  charge: ChargeOptions = {},
): Promise<{ invoice: Invoice; outcome: ChargeOutcome }> {
  try {
    const input = charge.returnUrl ? { return_url: charge.returnUrl } : {};
    const paid = await payInvoice({ ctx, id: invoiceId, input });
    return { invoice: paid, outcome: paid.status === "paid" ? "paid" : "open" };
  } catch (error) {
    if (
      error instanceof ApiError &&
      (error.status === 402 || error.code === "invoice_payment_method_missing")
    ) {
      return { invoice: open, outcome: "failed" };
    }
    if (error instanceof ApiError && error.code === "invoice_payment_in_progress") {
      return { invoice: open, outcome: "open" };
    }
    throw error;
  }
}
