import { and, eq, inArray, type SQLWrapper } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError, notFound } from "../../core/errors";
import { changeStatement, previousAttributes } from "../../core/events";
import { newId } from "../../core/ids";
import { type ListPage, paginateTable } from "../../core/pagination";
import { tenantRow, tenantScope } from "../../core/tenancy";
import type { CreateTaxRateInput, ListTaxRatesQuery, TaxRate, UpdateTaxRateInput } from "./schemas";
import { type TaxRateRow, taxRates } from "./tables";

export type { TaxRateRow } from "./tables";

export function toTaxRate(row: TaxRateRow): TaxRate {
  return {
    id: row.id,
    object: "tax_rate",
    environment: row.environment,
    display_name: row.displayName,
    description: row.description,
    percentage: row.percentageMicros / 10_000,
    inclusive: row.inclusive,
    jurisdiction: row.jurisdiction,
    country: row.country,
    active: row.active,
    metadata: row.metadata,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/**
 * The tax rates among `ids` (a list, or a subquery of ids) of this merchant and environment, as a
 * query for a caller's read batch.
 */
export function taxRatesQuery(ctx: ServiceContext, ids: string[] | SQLWrapper) {
  return ctx.services.db
    .select()
    .from(taxRates)
    .where(and(inArray(taxRates.id, ids), ...tenantScope(taxRates, ctx)));
}

/**
 * The rows `taxRatesQuery` read for `ids`, in the order of `ids`: an unknown id is a 404 and an
 * archived rate a 400, both naming `param` (with the index of the id).
 */
export function activeTaxRates(rows: TaxRateRow[], ids: string[], param: string): TaxRateRow[] {
  return ids.map((id, index) => {
    const row = rows.find((candidate) => candidate.id === id);
    if (!row) throw notFound("tax_rate", id, `${param}.${index}`);
    if (!row.active) throw new ApiError("tax_rate_inactive", { param: `${param}.${index}` });
    return row;
  });
}

export async function createTaxRate({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateTaxRateInput;
}): Promise<TaxRate> {
  const now = ctx.services.clock.now();
  const row: TaxRateRow = {
    id: newId("taxRate"),
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    displayName: input.display_name,
    description: input.description ?? null,
    percentageMicros: Math.round(input.percentage * 10_000),
    inclusive: input.inclusive,
    jurisdiction: input.jurisdiction ?? null,
    country: input.country ?? null,
    active: true,
    metadata: input.metadata ?? {},
    createdAt: now,
    updatedAt: now,
  };
  const taxRate = toTaxRate(row);
  const { db } = ctx.services;
  await runBatch(
    ctx.services,
    [
      db.insert(taxRates).values(row),
      db.execute(changeStatement(ctx, { type: "tax_rate.created", object: taxRate })),
    ],
    { response: taxRate },
  );
  return taxRate;
}

async function readTaxRate(ctx: ServiceContext, id: string): Promise<TaxRateRow> {
  const [row] = await ctx.services.db
    .select()
    .from(taxRates)
    .where(tenantRow(taxRates, ctx, id))
    .limit(1);
  if (!row) throw notFound("tax_rate", id);
  return row;
}

export async function retrieveTaxRate({ ctx, id }: { ctx: ServiceContext; id: string }): Promise<TaxRate> {
  return toTaxRate(await readTaxRate(ctx, id));
}

/** The percentage and inclusiveness are fixed (invoices point at the rate); `active: false` archives it. */
export async function updateTaxRate({
  ctx,
  id,
  input,
}: {
  ctx: ServiceContext;
  id: string;
  input: UpdateTaxRateInput;
}): Promise<TaxRate> {
  const before = await readTaxRate(ctx, id);
  // Only the fields sent are written (drizzle skips undefined), so concurrent updates of other fields survive.
  const values = {
    active: input.active,
    displayName: input.display_name,
    description: input.description,
    metadata: input.metadata,
    updatedAt: ctx.services.clock.now(),
  };
  const after: TaxRateRow = { ...before };
  for (const [key, value] of Object.entries(values))
    if (value !== undefined) Object.assign(after, { [key]: value });
  const taxRate = toTaxRate(after);
  const { updated_at: _updated, ...changed } = previousAttributes(toTaxRate(before), taxRate);
  const { db } = ctx.services;
  await runBatch(ctx.services, [
    db
      .update(taxRates)
      .set(values)
      .where(tenantRow(taxRates, ctx, id)),
    db.execute(
      changeStatement(ctx, { type: "tax_rate.updated", object: taxRate, previousAttributes: changed }),
    ),
  ]);
  return taxRate;
}

export async function listTaxRates({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListTaxRatesQuery;
}): Promise<ListPage<TaxRate>> {
  const filters = tenantScope(taxRates, ctx);
  if (query.active !== undefined) filters.push(eq(taxRates.active, query.active));
  const page = await paginateTable({
    db: ctx.services.db,
    table: taxRates,
    scope: filters,
    tenantScope: tenantScope(taxRates, ctx),
    query,
  });
  return { data: page.data.map(toTaxRate), hasMore: page.hasMore };
}
