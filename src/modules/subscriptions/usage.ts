import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import type { ChangeRecord } from "../../core/events";
import { MAX_AMOUNT } from "../../core/money";
import { type PendingLine, pendingLinesInsert } from "../invoice-items/service";
import { type MeterRow, metersQuery } from "../meters/service";
import { type PriceRow, priceAmount, pricesQuery } from "../prices/service";
import { normalizeDecimal, usageIngestedQuery, usageTotalQuery } from "../usage-records/service";
import { day, issueInvoice } from "./invoicing";
import { readSubscription, writeSubscription } from "./rows";
import type { SubscriptionUsage } from "./schemas";
import type { SubscriptionItemColumn, SubscriptionRow } from "./tables";

/** invoice_items.quantity is a bigint read as a number: exact up to 2^53 − 1. */
const MAX_LINE_QUANTITY = BigInt(Number.MAX_SAFE_INTEGER);

export interface MeteredUsage {
  item: SubscriptionItemColumn;
  price: PriceRow;
  meter: MeterRow;
  /** The meter's exact aggregate over the period (decimal string). */
  value: string;
  quantity: bigint;
  amount: bigint;
}

/**
 * The rounding rule of metered billing: the aggregate (an exact decimal, fractional for sum, max,
 * latest or weighted_sum of decimal values) is rounded half up to a whole quantity (2.5 → 3,
 * 2.4999 → 2), which priceAmount then prices exactly. Aggregates are never negative (values are ≥ 0).
 */
export function wholeQuantity(value: string): bigint {
  if (!/^\d+(\.\d+)?$/.test(value)) throw new RangeError(`not a non-negative decimal: ${value}`);
  const [whole = "0", fraction = ""] = value.split(".");
  return BigInt(whole) + (fraction >= "5" ? 1n : 0n);
}

/** A trial's usage is not billed (the trial is free), as Stripe does. */
export function billsUsage(row: SubscriptionRow): boolean {
  return row.status !== "trialing";
}

/** Per meter, the ingestion high-water mark a billing counts up to (the epoch when no record was stored yet). */
export type UsageMarks = Map<string, Date>;

const NO_RECORD = new Date(0);

/** The meters of the subscription's metered items. */
export function meteredMeterIds(row: SubscriptionRow): string[] {
  return [...new Set(row.items.flatMap((item) => (item.meter === undefined ? [] : [item.meter])))];
}

/**
 * The ingestion marks of a renewal that bills up to `end`, read before its usage: the usage is
 * then counted up to them, so a record stored meanwhile is late (billed at the next renewal), never
 * lost or counted twice. One read batch; none without metered items.
 */
export async function readUsageMarks(
  ctx: ServiceContext,
  row: SubscriptionRow,
  end: Date,
): Promise<UsageMarks> {
  const meterIds = meteredMeterIds(row);
  const [first, ...rest] = meterIds.map((id) => usageIngestedQuery(ctx, id, row.customerId, end));
  if (!first) return new Map();
  const results = await ctx.services.db.batch([first, ...rest]);
  return new Map(
    meterIds.map((id, index) => {
      const at = results[index]?.rows[0]?.at;
      return [id, at ? new Date(at) : NO_RECORD];
    }),
  );
}

/**
 * The usage of each metered item of the subscription over [start, end): its meter's aggregate of
 * the customer's records (usage-records' one aggregation query), rounded (wholeQuantity) and
 * priced. Two read batches (the prices and meters; the aggregates), none without metered items.
 */
export async function meteredUsage(
  ctx: ServiceContext,
  row: SubscriptionRow,
  start: Date,
  end: Date,
  marks: UsageMarks | null = null,
): Promise<MeteredUsage[]> {
  const metered = row.items.flatMap((item) =>
    item.meter === undefined ? [] : [{ item, meterId: item.meter }],
  );
  if (metered.length === 0) return [];
  const { db } = ctx.services;
  const [prices, meters] = await db.batch([
    pricesQuery(
      ctx,
      metered.map(({ item }) => item.price),
    ),
    metersQuery(
      ctx,
      metered.map(({ meterId }) => meterId),
    ),
  ]);
  const pairs = metered.map(({ item, meterId }) => {
    const price = prices.find((candidate) => candidate.id === item.price);
    const meter = meters.find((candidate) => candidate.id === meterId);
    if (!price || !meter) throw new Error(`subscription ${row.id}: item ${item.id} lost its price or meter`);
    return { item, price, meter };
  });
  const [first, ...rest] = pairs.map(({ meter }) =>
    usageTotalQuery(ctx, meter, row.customerId, start, end, marks?.get(meter.id) ?? null),
  );
  if (!first) return [];
  const totals = await db.batch([first, ...rest]);
  return pairs.map((pair, index) => {
    const value = normalizeDecimal(totals[index]?.rows[0]?.value ?? "0");
    const quantity = wholeQuantity(value);
    return { ...pair, value, quantity, amount: priceAmount(pair.price, quantity) };
  });
}

/** The pending lines of the usage of [start, end): one per metered item that costs something. */
export function usageLines(
  row: SubscriptionRow,
  usage: MeteredUsage[],
  start: Date,
  end: Date,
): PendingLine[] {
  return usage
    .filter((entry) => entry.amount > 0n)
    .map((entry) => {
      if (entry.amount > BigInt(MAX_AMOUNT) || entry.quantity > MAX_LINE_QUANTITY) {
        throw new ApiError("amount_invalid", {
          message: `The usage of subscription item ${entry.item.id} is priced above ${MAX_AMOUNT} minor units, too large to invoice.`,
        });
      }
      return {
        customerId: row.customerId,
        currency: row.currency,
        amount: Number(entry.amount),
        quantity: Number(entry.quantity),
        unitAmount: null,
        priceId: entry.price.id,
        description: `Usage of ${entry.meter.displayName} (${day(start)} – ${day(end)})`,
        discountable: true,
        metadata: {
          subscription: row.id,
          subscription_item: entry.item.id,
          period_start: start.toISOString(),
          period_end: end.toISOString(),
          usage: entry.value,
        },
      };
    });
}

/**
 * GET /subscriptions/{id}/usage: each metered item's usage so far in the current period and what
 * it would cost if the period ended now (0 during a trial, which bills no usage).
 */
export async function retrieveSubscriptionUsage({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<SubscriptionUsage> {
  const row = await readSubscription(ctx, id);
  const start = row.currentPeriodStart;
  const end = row.currentPeriodEnd;
  const period = { start: start.toISOString(), end: end.toISOString() };
  const usage = await meteredUsage(ctx, row, start, end);
  return {
    object: "subscription_usage",
    subscription: row.id,
    currency: row.currency,
    period,
    data: usage.map((entry) => ({
      object: "subscription_item_usage" as const,
      item: entry.item.id,
      price: entry.price.id,
      meter: entry.meter.id,
      period,
      value: entry.value,
      quantity: Number(entry.quantity),
      amount_estimate: billsUsage(row) ? Number(entry.amount) : 0,
    })),
  };
}

/** The usage lines of the last period, [current_period_start, end): none unless active or past_due. */
export async function finalUsageLines(ctx: ServiceContext, row: SubscriptionRow, end: Date) {
  const billed = row.status === "active" || row.status === "past_due";
  const usage = billed ? await meteredUsage(ctx, row, row.currentPeriodStart, end) : [];
  return usageLines(row, usage, row.currentPeriodStart, end);
}

/**
 * Ends the subscription (`after`, written by compare-and-set with `change`) and bills the usage of
 * its last period, [current_period_start, end), on a final invoice, as Stripe does at a scheduled
 * end and at a cancel with invoice_now (with a prorated cancel's `credits` first). The lines ride in the end's batch, so a racing end is
 * refused whole and the usage is billed once; then they are invoiced and charged. A failed charge
 * leaves that invoice open: the subscription has ended, so there is no dunning. Only an active or
 * past_due subscription bills its usage (a trial's is free, an incomplete one never started).
 */
export async function endWithFinalUsage(
  ctx: ServiceContext,
  row: SubscriptionRow,
  after: SubscriptionRow,
  change: ChangeRecord,
  end: Date,
  credits: PendingLine[] = [],
): Promise<SubscriptionRow> {
  const lines = [...credits, ...(await finalUsageLines(ctx, row, end))];
  const now = ctx.services.clock.now();
  const extra = lines.length > 0 ? [pendingLinesInsert(ctx, lines, now)] : [];
  const ended = await writeSubscription(ctx, row, after, change, extra);
  // Credits alone make no invoice: they stay pending (an invoice total is never negative).
  if (!lines.some((line) => line.amount > 0)) return ended;
  const { invoice } = await issueInvoice(ctx, ended);
  const invoiced = {
    ...ended,
    latestInvoiceId: invoice.id,
    invoicesIssued: ended.invoicesIssued + 1,
    updatedAt: now,
  };
  return writeSubscription(ctx, ended, invoiced, null);
}
