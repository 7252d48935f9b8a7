import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { couponQuery, discountAmount } from "../coupons/service";
import type { PendingLine } from "../invoice-items/service";
import { pendingItemsQuery, pendingTaxRateIds } from "../invoice-items/service";
import { coveredLines, invoiceTotals } from "../invoices/service";
import { pricesQuery } from "../prices/service";
import { taxRatesQuery } from "../tax-rates/service";
import { couponApplies, periodLines, prorationLines } from "./invoicing";
import { itemOf, requireInvoiceable, usablePrice } from "./items";
import { lateUsageLines } from "./late-usage";
import { readSubscription, requireLive, subscriptionContext } from "./rows";
import type { InvoicePreview, UpdateSubscriptionInput } from "./schemas";
import type { SubscriptionItemColumn, SubscriptionRow } from "./tables";
import { billsUsage, meteredUsage, usageLines } from "./usage";

export type ProrationBehavior = NonNullable<UpdateSubscriptionInput["proration_behavior"]>;

export interface PlannedChange {
  ctx: ServiceContext;
  row: SubscriptionRow;
  at: Date;
  /** The items the next period starts with: the changed ones, or a change scheduled before. */
  items: SubscriptionItemColumn[];
  /** The items change at the period's end (schedule: period_end), not now. */
  scheduled: boolean;
  behavior: ProrationBehavior;
  prorations: PendingLine[];
}

/** The items after the change: each entry changes (id), removes (id + deleted) or adds (no id) one. */
async function changedItems(ctx: ServiceContext, row: SubscriptionRow, input: UpdateSubscriptionInput) {
  if (input.items === undefined) return row.items;
  const priceIds = [
    ...input.items.flatMap((item) => (item.price ? [item.price] : [])),
    ...row.items.map((item) => item.price),
  ];
  const prices = await pricesQuery(ctx, [...new Set(priceIds)]);
  const terms = { currency: row.currency, interval: row.interval, intervalCount: row.intervalCount };
  let items = [...row.items];
  input.items.forEach((change, index) => {
    const current = change.id === undefined ? undefined : items.find((item) => item.id === change.id);
    if (change.id !== undefined && !current) {
      throw new ApiError("resource_missing", {
        param: `items[${index}].id`,
        message: `No such item: ${change.id}`,
      });
    }
    if (change.deleted) {
      items = items.filter((item) => item.id !== change.id);
      return;
    }
    const priceId = change.price ?? current?.price;
    if (priceId === undefined) {
      throw new ApiError("parameter_missing", {
        param: `items[${index}].price`,
        message: "A new item needs a price.",
      });
    }
    const price = usablePrice(prices, priceId, terms, `items[${index}].price`);
    // A metered price takes no quantity: the current item's is not carried over to one.
    const quantity =
      price.meterId === null ? (change.quantity ?? current?.quantity ?? undefined) : change.quantity;
    const next = itemOf(price, quantity, `items[${index}].quantity`, current?.id);
    items = current ? items.map((item) => (item.id === current.id ? next : item)) : [...items, next];
  });
  if (items.length === 0) {
    throw new ApiError("parameter_invalid", {
      param: "items",
      message: "A subscription keeps at least one item; cancel it instead.",
    });
  }
  if (new Set(items.map((item) => item.price)).size !== items.length) {
    throw new ApiError("parameter_invalid", {
      param: "items",
      message: "A price appears twice; raise its quantity.",
    });
  }
  requireInvoiceable(items);
  return items;
}

/**
 * What a change does, before anything is written: the new items and, unless `none` or while
 * trialing, the proration lines at the subscription's time (its test clock's, if it has one).
 */
export async function planChange(
  ctx: ServiceContext,
  id: string,
  input: UpdateSubscriptionInput,
): Promise<PlannedChange> {
  const found = await readSubscription(ctx, id);
  requireLive(found);
  const own = await subscriptionContext(ctx, found.testClockId);
  const at = own.services.clock.now();
  const scheduled = input.schedule === "period_end";
  if (scheduled && input.items === undefined) {
    throw new ApiError("parameter_missing", {
      param: "items",
      message: "schedule: period_end schedules items.",
    });
  }
  if (scheduled && (input.proration_behavior ?? "none") !== "none") {
    throw new ApiError("parameter_invalid", {
      param: "proration_behavior",
      message: "A change at the period's end prorates nothing: the new items start with the next period.",
    });
  }
  const items =
    input.items === undefined ? (found.scheduledItems ?? found.items) : await changedItems(ctx, found, input);
  const behavior = scheduled ? "none" : (input.proration_behavior ?? "create_prorations");
  const prorates = behavior !== "none" && (found.status === "active" || found.status === "past_due");
  return {
    ctx: own,
    row: found,
    at,
    items,
    scheduled,
    behavior,
    prorations: prorates && input.items !== undefined ? prorationLines(found, found.items, items, at) : [],
  };
}

/**
 * The invoice the change would produce, computed as createInvoice computes it (same pending
 * items, coupon rule and invoiceTotals): with always_invoice the invoice made now, otherwise the
 * next renewal's (the prorations and pending items, then the next period on the new items, and
 * the current period's usage of the metered ones so far, as renew would bill it if it ended now).
 */
export async function previewChange(plan: PlannedChange): Promise<InvoicePreview> {
  const { ctx, row } = plan;
  const { db } = ctx.services;
  const invoicedNow = plan.behavior === "always_invoice" && plan.prorations.length > 0;
  const when = invoicedNow ? plan.at : row.currentPeriodEnd;
  const [pending, rates, coupons] = await db.batch([
    pendingItemsQuery(ctx, row.customerId),
    taxRatesQuery(ctx, pendingTaxRateIds(ctx, row.customerId)),
    couponQuery(ctx, row.couponId ?? ""),
  ]);
  const nextIndex = row.status === "trialing" ? 0 : row.periodIndex + 1;
  const changed = { ...row, items: plan.items };
  const period = { start: row.currentPeriodStart, end: row.currentPeriodEnd };
  const usage =
    invoicedNow || !billsUsage(row) ? [] : await meteredUsage(ctx, changed, period.start, period.end);
  const upcoming = invoicedNow
    ? []
    : [
        ...periodLines(changed, plan.items, nextIndex),
        ...usageLines(changed, usage, period.start, period.end),
        ...(await lateUsageLines(ctx, changed, usage, period.start, null)),
      ];
  const [coupon] = coupons;
  const discounts = coupon && couponApplies(row, coupon, when);
  const discountOf = (discountable: number) =>
    coupon && discounts ? (discountAmount(coupon, discountable, row.currency) ?? 0) : 0;
  // As createInvoice takes them: a credit the invoice can't cover stays pending.
  const lines = coveredLines(
    [
      ...pending
        .filter((item) => item.currency === row.currency)
        .map((item) => ({
          description: item.description ?? "",
          amount: item.amount,
          proration: item.metadata.proration === "true",
          invoice_item: item.id as string | null,
          discountable: item.discountable,
          taxRateIds: item.taxRateIds,
        })),
      ...[...plan.prorations, ...upcoming].map((line) => ({
        description: line.description ?? "",
        amount: line.amount,
        proration: line.metadata.proration === "true",
        invoice_item: null,
        discountable: line.discountable,
        taxRateIds: [] as string[],
      })),
    ],
    discountOf,
  );
  const discountable = lines.reduce((sum, line) => sum + (line.discountable ? line.amount : 0), 0);
  const discount = discountOf(discountable);
  const totals = invoiceTotals(
    lines.map((line) => ({
      amount: line.amount,
      discountable: line.discountable,
      taxRates: line.taxRateIds.map((rateId) => {
        const rate = rates.find((candidate) => candidate.id === rateId);
        if (!rate) throw new Error(`tax rate ${rateId} is gone`);
        return { id: rateId, percentageMicros: rate.percentageMicros, inclusive: rate.inclusive };
      }),
    })),
    discount,
  );
  return {
    object: "invoice_preview",
    subscription: row.id,
    customer: row.customerId,
    currency: row.currency,
    billing_reason: invoicedNow ? "subscription_update" : "subscription_cycle",
    created_at: when.toISOString(),
    lines: lines.map(({ description, amount, proration, invoice_item }) => ({
      description,
      amount,
      proration,
      invoice_item,
    })),
    subtotal: totals.subtotal,
    discount_amount: totals.discount,
    tax: totals.taxes.reduce((sum, tax) => sum + tax.amount, 0),
    total: totals.total,
  };
}
