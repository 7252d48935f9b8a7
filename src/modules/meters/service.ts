import { and, eq, inArray, type SQL } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError, notFound } from "../../core/errors";
import { changeStatement, previousAttributes } from "../../core/events";
import { newId } from "../../core/ids";
import { type ListPage, type ListQuery, paginateTable } from "../../core/pagination";
import { tenantScope } from "../../core/tenancy";
import type { CreateMeterInput, Meter, UpdateMeterInput } from "./schemas";
import { type MeterRow, meters } from "./tables";

export function toMeter(row: MeterRow): Meter {
  return {
    id: row.id,
    object: "meter",
    environment: row.environment,
    display_name: row.displayName,
    aggregation: { formula: row.formula, property: row.uniqueProperty },
    filter: row.filter,
    group_by: row.groupBy,
    active: row.active,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

function scope(ctx: ServiceContext): SQL[] {
  return tenantScope(meters, ctx);
}

/** The meters among `ids` of this merchant and environment, as a query for a read batch. */
export function metersQuery(ctx: ServiceContext, ids: string[]) {
  return ctx.services.db
    .select()
    .from(meters)
    .where(and(inArray(meters.id, ids), ...scope(ctx)));
}

export async function readMeter(ctx: ServiceContext, id: string, param = "id"): Promise<MeterRow> {
  const [row] = await metersQuery(ctx, [id]);
  if (!row) throw notFound("meter", id, param);
  return row;
}

export async function createMeter({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateMeterInput;
}): Promise<Meter> {
  const { formula, property } = input.aggregation;
  if ((formula === "count_unique") !== (property !== undefined)) {
    throw new ApiError(formula === "count_unique" ? "parameter_missing" : "parameter_unknown", {
      param: "aggregation.property",
      message: "aggregation.property goes with count_unique, and only with it.",
    });
  }
  const now = ctx.services.clock.now();
  const row: MeterRow = {
    id: newId("meter"),
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    displayName: input.display_name,
    formula,
    uniqueProperty: property ?? null,
    filter: input.filter ?? {},
    groupBy: input.group_by ?? null,
    active: true,
    createdAt: now,
    updatedAt: now,
  };
  const meter = toMeter(row);
  const { db } = ctx.services;
  await runBatch(
    ctx.services,
    [
      db.insert(meters).values(row),
      db.execute(changeStatement(ctx, { type: "meter.created", object: meter })),
    ],
    { response: meter },
  );
  return meter;
}

export async function retrieveMeter({ ctx, id }: { ctx: ServiceContext; id: string }): Promise<Meter> {
  return toMeter(await readMeter(ctx, id));
}

/** display_name and active change; how a meter aggregates is fixed, as invoices already count on it. */
export async function updateMeter({
  ctx,
  id,
  input,
}: {
  ctx: ServiceContext;
  id: string;
  input: UpdateMeterInput;
}): Promise<Meter> {
  const before = await readMeter(ctx, id);
  const values = {
    displayName: input.display_name,
    active: input.active,
    updatedAt: ctx.services.clock.now(),
  };
  const after: MeterRow = { ...before };
  for (const [key, value] of Object.entries(values))
    if (value !== undefined) Object.assign(after, { [key]: value });
  const meter = toMeter(after);
  const { updated_at: _updated, ...changed } = previousAttributes(toMeter(before), meter);
  const { db } = ctx.services;
  await runBatch(ctx.services, [
    db
      .update(meters)
      .set(values)
      .where(and(eq(meters.id, id), ...scope(ctx))),
    db.execute(changeStatement(ctx, { type: "meter.updated", object: meter, previousAttributes: changed })),
  ]);
  return meter;
}

export async function listMeters({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListQuery & { active?: boolean | undefined };
}): Promise<ListPage<Meter>> {
  const filters = scope(ctx);
  if (query.active !== undefined) filters.push(eq(meters.active, query.active));
  const page = await paginateTable({
    db: ctx.services.db,
    table: meters,
    scope: filters,
    tenantScope: scope(ctx),
    query,
  });
  return { data: page.data.map(toMeter), hasMore: page.hasMore };
}

export { type MeterFormula, type MeterRow, meterFormulas } from "./tables";
