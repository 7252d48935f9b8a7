import { and, eq, sql } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { newId } from "../../core/ids";
import { tenantScope } from "../../core/tenancy";
import { validationError } from "../../core/validation";
import { customerIdsQuery } from "../customers/service";
import { metersQuery } from "../meters/service";
import {
  createUsageRecordBody,
  type UsageRecord,
  type UsageRecordBatch,
  type UsageRecordInput,
} from "./schemas";
import { type UsageRecordRow, usageRecords } from "./tables";

export { normalizeDecimal, summarizeUsage, usageIngestedQuery, usageTotalQuery } from "./summary";

const DAY_MS = 86_400_000;
/** How late a record may arrive, and so how long its identifier is remembered at least. */
export const MAX_LATENESS_MS = 35 * DAY_MS;
const MAX_AHEAD_MS = 5 * 60_000;

export function toUsageRecord(row: UsageRecordRow, duplicate: boolean): UsageRecord {
  return {
    id: row.id,
    object: "usage_record",
    environment: row.environment,
    meter: row.meterId,
    customer: row.customerId,
    identifier: row.identifier,
    value: row.value,
    properties: row.properties,
    timestamp: row.timestamp.toISOString(),
    created_at: row.createdAt.toISOString(),
    duplicate,
  };
}

type Checked = { row: UsageRecordRow; timed: boolean } | { error: ApiError };

/** One record's shape, with no I/O; its timestamp (default: now) is checked once its customer's time is known. */
function checkShape(ctx: ServiceContext, item: unknown, now: Date): Checked {
  const parsed = createUsageRecordBody.safeParse(item);
  if (!parsed.success) return { error: validationError(parsed.error, item) };
  const input: UsageRecordInput = parsed.data;
  return {
    timed: input.timestamp !== undefined,
    row: {
      id: newId("usageRecord"),
      merchantId: ctx.merchantId,
      environment: ctx.environment,
      meterId: input.meter,
      customerId: input.customer,
      identifier: input.identifier,
      value: String(input.value ?? 1),
      properties: input.properties ?? {},
      timestamp: input.timestamp === undefined ? now : new Date(input.timestamp),
      createdAt: now,
    },
  };
}

/**
 * The record dated on its customer's time (its test clock's frozen time when it has one, as
 * Stripe checks usage against the clock): at most 35 days old and 5 minutes ahead of it.
 */
function onCustomerTime(entry: { row: UsageRecordRow; timed: boolean }, customerNow: Date): Checked {
  const at = entry.timed ? entry.row.timestamp : customerNow;
  const time = at.getTime();
  if (time < customerNow.getTime() - MAX_LATENESS_MS || time > customerNow.getTime() + MAX_AHEAD_MS) {
    return { error: new ApiError("usage_timestamp_out_of_range", { param: "timestamp" }) };
  }
  return { ...entry, row: { ...entry.row, timestamp: at } };
}

/**
 * The rows as ONE insert whose only parameter is their JSON (jsonb_to_recordset), not ten
 * parameters per row: a batch of 1,000 stays one small statement. Returns the kept rows' ids with
 * their value as PostgreSQL writes it; the others were duplicates.
 */
async function insertRecords(ctx: ServiceContext, rows: UsageRecordRow[]): Promise<Map<string, string>> {
  const json = JSON.stringify(
    rows.map((row) => ({
      id: row.id,
      meter_id: row.meterId,
      customer_id: row.customerId,
      identifier: row.identifier,
      value: row.value,
      properties: row.properties,
      timestamp: row.timestamp.toISOString(),
    })),
  );
  const now = ctx.services.clock.now().toISOString();
  const [result] = await runBatch(ctx.services, [
    ctx.services.db.execute(sql`
      insert into ${usageRecords} (id, merchant_id, environment, meter_id, customer_id, identifier, value, properties,
        timestamp, created_at)
      select r.id, ${ctx.merchantId}, ${ctx.environment}, r.meter_id, r.customer_id, r.identifier, r.value, r.properties,
        r.timestamp, ${now}::timestamptz
      from jsonb_to_recordset(${json}::jsonb) as r(id text, meter_id text, customer_id text, identifier text,
        value numeric, properties jsonb, timestamp timestamptz)
      on conflict do nothing
      returning id, value::text as value`),
  ]);
  const kept = (result as { rows: Array<{ id: string; value: string }> }).rows;
  return new Map(kept.map((row) => [row.id, row.value]));
}

interface Ingested {
  results: Array<{ row: UsageRecordRow; inserted: boolean } | { error: ApiError }>;
}

/**
 * Checks every record (shape, timestamp, meter active, customer known) and inserts the good ones in
 * ONE statement with ON CONFLICT DO NOTHING on the identifier: a duplicate, within the request or
 * of an earlier one, is kept once. One read batch (meters, customers), one write.
 */
async function ingest(ctx: ServiceContext, items: unknown[]): Promise<Ingested> {
  const now = ctx.services.clock.now();
  const checked = items.map((item) => checkShape(ctx, item, now));
  const rows = checked.flatMap((entry) => ("row" in entry ? [entry.row] : []));
  const meterIds = [...new Set(rows.map((row) => row.meterId))];
  const customerIds = [...new Set(rows.map((row) => row.customerId))];
  const { db } = ctx.services;
  const [meterRows, customerRows] =
    rows.length > 0
      ? await db.batch([metersQuery(ctx, meterIds), customerIdsQuery(ctx, customerIds)])
      : [[], []];
  const meters = new Map(meterRows.map((meter) => [meter.id, meter]));
  const customerTimes = new Map(customerRows.map((customer) => [customer.id, customer.clockTime ?? now]));
  const known = checked.map((entry): Checked => {
    if (!("row" in entry)) return entry;
    const meter = meters.get(entry.row.meterId);
    if (!meter) {
      return {
        error: new ApiError("resource_missing", {
          param: "meter",
          message: `No such meter: ${entry.row.meterId}`,
        }),
      };
    }
    if (!meter.active) return { error: new ApiError("meter_inactive", { param: "meter" }) };
    const customerNow = customerTimes.get(entry.row.customerId);
    if (!customerNow) {
      return {
        error: new ApiError("resource_missing", {
          param: "customer",
          message: `No such customer: ${entry.row.customerId}`,
        }),
      };
    }
    return onCustomerTime(entry, customerNow);
  });
  // In identifier order, so concurrent batches take the unique index's locks in the same order.
  const good = known
    .flatMap((entry) => ("row" in entry ? [entry.row] : []))
    .sort((a, b) => (a.identifier < b.identifier ? -1 : a.identifier > b.identifier ? 1 : 0));
  const stored = good.length > 0 ? await insertRecords(ctx, good) : new Map<string, string>();
  return {
    results: known.map((entry) => {
      if (!("row" in entry)) return entry;
      const value = stored.get(entry.row.id);
      return value === undefined
        ? { row: entry.row, inserted: false }
        : { row: { ...entry.row, value }, inserted: true };
    }),
  };
}

export async function createUsageRecord({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: unknown;
}): Promise<UsageRecord> {
  const [result] = (await ingest(ctx, [input])).results;
  if (!result) throw new Error("ingest returned no result");
  if ("error" in result) throw result.error;
  if (result.inserted) return toUsageRecord(result.row, false);
  // A duplicate: answer with the record stored first, unchanged.
  const [stored] = await ctx.services.db
    .select()
    .from(usageRecords)
    .where(and(...tenantScope(usageRecords, ctx), eq(usageRecords.identifier, result.row.identifier)))
    .limit(1);
  return toUsageRecord(stored ?? result.row, true);
}

export async function createUsageRecordBatch({
  ctx,
  records,
}: {
  ctx: ServiceContext;
  records: unknown[];
}): Promise<UsageRecordBatch> {
  const { results } = await ingest(ctx, records);
  const out: UsageRecordBatch["results"] = results.map((result, index) => {
    if ("error" in result) {
      const { code, message, param } = result.error;
      return { index, status: "rejected", id: null, error: { code, message, param: param ?? null } };
    }
    return result.inserted
      ? { index, status: "accepted", id: result.row.id, error: null }
      : { index, status: "duplicate", id: null, error: null };
  });
  const count = (status: string) => out.filter((result) => result.status === status).length;
  return {
    object: "usage_record_batch",
    accepted: count("accepted"),
    duplicates: count("duplicate"),
    rejected: count("rejected"),
    results: out,
  };
}
