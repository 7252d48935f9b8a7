import { type SQL, sql } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import { execute } from "../../core/db";
import { ApiError } from "../../core/errors";
import { type MeterRow, readMeter } from "../meters/service";
import type { UsageSummary, UsageSummaryQuery } from "./schemas";
import { usageRecords } from "./tables";

/** The aggregate of one group of the period's records (`r`, with `next_at`: the next record's time). */
function aggregate(meter: MeterRow, start: Date, end: Date): SQL {
  switch (meter.formula) {
    case "count":
      return sql`count(*)::numeric`;
    case "count_unique":
      return sql`count(distinct r.properties ->> ${meter.uniqueProperty})::numeric`;
    case "sum":
      return sql`sum(r.value)`;
    case "max":
      return sql`max(r.value)`;
    case "latest":
      return sql`(array_agg(r.value order by r.timestamp desc, r.created_at desc, r.id desc))[1]`;
    case "weighted_sum": {
      // Each value holds from its record until the next one (or the period's end), weighted by its share of the period.
      const seconds = (end.getTime() - start.getTime()) / 1000;
      return sql`sum(r.value * extract(epoch from (coalesce(r.next_at, ${end.toISOString()}::timestamptz) - r.timestamp)))
        / ${seconds}::numeric`;
    }
  }
}

/**
 * The meter's groups of a customer's records in [start, end): `grp` (the group_by value, or null)
 * and `value` (numeric), the formula over the records its filter keeps. The one implementation of
 * the aggregation: the summary endpoint and subscription invoicing both read it.
 */
function usageGroups(
  ctx: ServiceContext,
  meter: MeterRow,
  customerId: string,
  start: Date,
  end: Date,
  ingestedBy: Date | null = null,
): SQL {
  const group =
    meter.groupBy === null ? sql`null::text` : sql`${usageRecords.properties} ->> ${meter.groupBy}`;
  return sql`with r as (
      select ${usageRecords.id} as id, ${usageRecords.value} as value, ${usageRecords.properties} as properties,
        ${usageRecords.timestamp} as timestamp, ${usageRecords.createdAt} as created_at, ${group} as grp,
        lead(${usageRecords.timestamp}) over (partition by ${group}
          order by ${usageRecords.timestamp}, ${usageRecords.createdAt}, ${usageRecords.id}) as next_at
      from ${usageRecords}
      where ${usageRecords.merchantId} = ${ctx.merchantId} and ${usageRecords.environment} = ${ctx.environment}
        and ${usageRecords.meterId} = ${meter.id} and ${usageRecords.customerId} = ${customerId}
        and ${usageRecords.timestamp} >= ${start.toISOString()}::timestamptz
        and ${usageRecords.timestamp} < ${end.toISOString()}::timestamptz
        and ${usageRecords.properties} @> ${JSON.stringify(meter.filter)}::jsonb
        ${ingestedBy === null ? sql`` : sql`and ${usageRecords.createdAt} <= ${ingestedBy.toISOString()}::timestamptz`}
    )
    select r.grp, (${aggregate(meter, start, end)}) as value from r group by r.grp`;
}

/**
 * A customer's billable usage on a meter over [start, end), as a statement for a read batch: the
 * sum of the meter's groups (the whole aggregate without group_by), an exact decimal string in `value`.
 * With `ingestedBy`, only the records stored by then (created_at): what a billing saw.
 */
export function usageTotalQuery(
  ctx: ServiceContext,
  meter: MeterRow,
  customerId: string,
  start: Date,
  end: Date,
  ingestedBy: Date | null = null,
) {
  return ctx.services.db.execute<{ value: string }>(
    sql`select coalesce(sum(g.value), 0)::text as value
      from (${usageGroups(ctx, meter, customerId, start, end, ingestedBy)}) g`,
  );
}

/**
 * When the last of a customer's records on a meter dated before `end` was stored (its created_at;
 * null when there is none), as a statement for a read batch: a billing's ingestion high-water mark.
 */
export function usageIngestedQuery(ctx: ServiceContext, meterId: string, customerId: string, end: Date) {
  return ctx.services.db.execute<{ at: string | null }>(
    sql`select max(${usageRecords.createdAt}) as at from ${usageRecords}
      where ${usageRecords.merchantId} = ${ctx.merchantId} and ${usageRecords.environment} = ${ctx.environment}
        and ${usageRecords.meterId} = ${meterId} and ${usageRecords.customerId} = ${customerId}
        and ${usageRecords.timestamp} < ${end.toISOString()}::timestamptz`,
  );
}

/**
 * A customer's usage on a meter over [start_time, end_time): the meter's formula over the records
 * its filter keeps, one total per group_by value. Computed in one query, exactly (numeric).
 */
export async function summarizeUsage({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: UsageSummaryQuery;
}): Promise<UsageSummary> {
  const start = new Date(query.start_time);
  const end = new Date(query.end_time);
  if (end <= start)
    throw new ApiError("parameter_invalid", {
      param: "end_time",
      message: "end_time must be after start_time.",
    });
  const meter = await readMeter(ctx, query.meter, "meter");
  const result = await execute<{ group: string | null; value: string | null }>(
    sql`select g.grp as "group", g.value::text as value
      from (${usageGroups(ctx, meter, query.customer, start, end)}) g order by g.grp nulls first`,
    ctx.services.db,
  );
  const data = result.rows.map((row) => ({ group: row.group, value: normalizeDecimal(row.value ?? "0") }));
  return {
    object: "usage_summary",
    meter: meter.id,
    customer: query.customer,
    formula: meter.formula,
    start_time: start.toISOString(),
    end_time: end.toISOString(),
    data: data.length === 0 && meter.groupBy === null ? [{ group: null, value: "0" }] : data,
  };
}

/** Numeric text without trailing zeros after the point: "2.500000" is "2.5", "3.000" is "3". */
export function normalizeDecimal(value: string): string {
  return value.includes(".") ? value.replace(/0+$/, "").replace(/\.$/, "") : value;
}
