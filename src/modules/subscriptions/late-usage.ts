import type { ServiceContext } from "../../core/context";
import type { PendingLine } from "../invoice-items/service";
import { priceAmount } from "../prices/service";
import { MAX_LATENESS_MS, normalizeDecimal, usageTotalQuery } from "../usage-records/service";
import { day } from "./invoicing";
import { periodBoundary } from "./periods";
import type { SubscriptionRow } from "./tables";
import { type MeteredUsage, type UsageMarks, wholeQuantity } from "./usage";

interface Period {
  start: Date;
  end: Date;
}

/**
 * The billed periods before `before` (the start of the period a renewal bills) that a late record
 * can still land in: usage is at most 35 days old when stored, and a record is late only when
 * stored after the last renewal, so periods that ended more than 35 days before `before` are
 * closed. Nothing before the subscription's first billed period (its creation, or its trial's end).
 */
function openPeriods(row: SubscriptionRow, before: Date): Period[] {
  const first = row.trialEnd ?? row.createdAt;
  const closed = before.getTime() - MAX_LATENESS_MS;
  const periods: Period[] = [];
  for (let index = row.periodIndex - 1; index >= -1; index -= 1) {
    const end = periodBoundary(row.billingCycleAnchor, row.interval, row.intervalCount, index + 1);
    if (end <= first || end.getTime() <= closed) break;
    const start = periodBoundary(row.billingCycleAnchor, row.interval, row.intervalCount, index);
    periods.unshift({ start: new Date(Math.max(start.getTime(), first.getTime())), end });
  }
  return periods;
}

/**
 * Late usage as adjustment lines ("Usage adjustment for …"), one per metered item and earlier
 * period whose price changed: the period's usage priced now (up to `marks`, the renewal's new
 * ingestion marks; everything stored, without them, for a preview) less the usage priced as billed
 * so far (up to the subscription's marks). Priced as a difference, so a tiered price or a max or
 * latest aggregate bills exactly what the late records change. Only meters billed with a mark
 * before; one read batch, none when there is nothing to look at.
 */
export async function lateUsageLines(
  ctx: ServiceContext,
  row: SubscriptionRow,
  usage: MeteredUsage[],
  before: Date,
  marks: UsageMarks | null,
): Promise<PendingLine[]> {
  const periods = openPeriods(row, before);
  const checks = usage.flatMap((entry) => {
    const billedMark = row.usageMarks[entry.meter.id];
    if (billedMark === undefined) return [];
    return periods.map((period) => ({ entry, period, billedMark: new Date(billedMark) }));
  });
  const [first, ...rest] = checks.flatMap(({ entry, period, billedMark }) => [
    usageTotalQuery(ctx, entry.meter, row.customerId, period.start, period.end, billedMark),
    usageTotalQuery(ctx, entry.meter, row.customerId, period.start, period.end, marks?.get(entry.meter.id)),
  ]);
  if (!first) return [];
  const totals = await ctx.services.db.batch([first, ...rest]);
  return checks.flatMap(({ entry, period }, index) => {
    const billed = normalizeDecimal(totals[2 * index]?.rows[0]?.value ?? "0");
    const now = normalizeDecimal(totals[2 * index + 1]?.rows[0]?.value ?? "0");
    const [billedQuantity, nowQuantity] = [wholeQuantity(billed), wholeQuantity(now)];
    const amount = priceAmount(entry.price, nowQuantity) - priceAmount(entry.price, billedQuantity);
    if (amount === 0n) return [];
    const change = nowQuantity > billedQuantity ? nowQuantity - billedQuantity : billedQuantity - nowQuantity;
    return [
      {
        customerId: row.customerId,
        currency: row.currency,
        amount: Number(amount),
        quantity: Number(change > 0n ? change : 1n),
        unitAmount: null,
        priceId: entry.price.id,
        description: `Usage adjustment for ${entry.meter.displayName} (${day(period.start)} – ${day(period.end)})`,
        discountable: true,
        metadata: {
          subscription: row.id,
          subscription_item: entry.item.id,
          period_start: period.start.toISOString(),
          period_end: period.end.toISOString(),
          usage: now,
          billed_usage: billed,
          adjustment: "true",
        },
      },
    ];
  });
}

/** The subscription's marks after a renewal counted up to `marks`. */
export function advancedMarks(row: SubscriptionRow, marks: UsageMarks): Record<string, string> {
  const next = { ...row.usageMarks };
  for (const [meter, at] of marks) next[meter] = at.toISOString();
  return next;
}
