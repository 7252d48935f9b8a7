import { and, eq, inArray, isNotNull, isNull, type SQL } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { databaseErrorFacts } from "../../core/db-errors";
import { ApiError, notFound } from "../../core/errors";
import { changeStatement, previousAttributes } from "../../core/events";
import { newId } from "../../core/ids";
import { type ListPage, paginateTable } from "../../core/pagination";
import { idIs, tenantScope } from "../../core/tenancy";
import { metersQuery } from "../meters/service";
import { productOf, productQuery } from "../products/service";
import type { CreatePriceInput, ListPricesQuery, Price, UpdatePriceInput } from "./schemas";
import { type PriceRow, prices } from "./tables";
import { priceTerms, toPrice } from "./terms";

export { type PriceTerms, priceAmount } from "./amount";
export type { PriceRow } from "./tables";
export { priceTerms } from "./terms";

/** The price, as a query for a caller's read batch (invoice items price their lines with it). */
export function priceQuery(ctx: ServiceContext, id: string | null) {
  return ctx.services.db
    .select()
    .from(prices)
    .where(and(idIs(prices.id, id), ...scope(ctx)))
    .limit(1);
}

/** The prices of `ids` in this merchant's scope, as a query for a caller's read batch. */
export function pricesQuery(ctx: ServiceContext, ids: string[]) {
  return ctx.services.db
    .select()
    .from(prices)
    .where(and(inArray(prices.id, ids), ...scope(ctx)));
}

function scope(ctx: ServiceContext): SQL[] {
  return tenantScope(prices, ctx);
}

function missing(id: string): ApiError {
  return notFound("price", id);
}

/** The active price holding `lookupKey`, as a query for a read batch. */
function lookupKeyHolder(ctx: ServiceContext, lookupKey: string) {
  return ctx.services.db
    .select()
    .from(prices)
    .where(and(...scope(ctx), eq(prices.active, true), eq(prices.lookupKey, lookupKey)))
    .limit(1);
}

/** A write that hit the one-active-price-per-lookup-key index, as the API error it means. */
async function lookupKeyGuard<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (databaseErrorFacts(error)?.constraint === "prices_active_lookup_key_idx") {
      throw new ApiError("price_lookup_key_taken", { param: "lookup_key" });
    }
    throw error;
  }
}

export async function createPrice({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreatePriceInput;
}): Promise<Price> {
  const terms = priceTerms(input);
  const { db } = ctx.services;
  const lookupKey = input.lookup_key ?? null;
  const transfer = input.transfer_lookup_key === true && lookupKey !== null;
  // One read: the product, the key's holder (for a transfer) and the meter (for a metered price);
  // "" names no lookup key and no meter, so those queries find nothing when not asked for.
  const [productRows, holders, meterRows] = await db.batch([
    productQuery(ctx, input.product),
    lookupKeyHolder(ctx, transfer ? lookupKey : ""),
    metersQuery(ctx, [input.meter ?? ""]),
  ]);
  const product = productOf(productRows, input.product, "product");
  if (!product.active) {
    throw new ApiError("product_archived", {
      param: "product",
      message: `Product ${product.id} is archived.`,
    });
  }
  if (input.meter !== undefined) {
    const [meter] = meterRows;
    if (!meter)
      throw new ApiError("resource_missing", { param: "meter", message: `No such meter: ${input.meter}` });
    if (!meter.active) throw new ApiError("meter_inactive", { param: "meter" });
  }
  const now = ctx.services.clock.now();
  const row: PriceRow = {
    id: newId("price"),
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    productId: product.id,
    active: input.active ?? true,
    currency: input.currency,
    ...terms,
    nickname: input.nickname ?? null,
    lookupKey,
    metadata: input.metadata ?? {},
    createdAt: now,
    updatedAt: now,
  };
  const price = toPrice(row);
  const statements: BatchItem<"pg">[] = [];
  // The transfer clears the key from whichever active price holds it when the batch runs, in the
  // same transaction as the insert: the key is never on two active prices, nor briefly on none.
  if (transfer) {
    statements.push(
      db
        .update(prices)
        .set({ lookupKey: null, updatedAt: now })
        .where(and(...scope(ctx), eq(prices.active, true), eq(prices.lookupKey, lookupKey))),
    );
    for (const holder of holders) {
      const released = toPrice({ ...holder, lookupKey: null, updatedAt: now });
      statements.push(
        db.execute(
          changeStatement(ctx, {
            type: "price.updated",
            object: released,
            previousAttributes: { lookup_key: lookupKey },
          }),
        ),
      );
    }
  }
  statements.push(
    db.insert(prices).values(row),
    db.execute(changeStatement(ctx, { type: "price.created", object: price })),
  );
  await lookupKeyGuard(runBatch(ctx.services, statements, { response: price }));
  return price;
}

async function readPrice(ctx: ServiceContext, id: string): Promise<PriceRow> {
  const [row] = await ctx.services.db
    .select()
    .from(prices)
    .where(and(eq(prices.id, id), ...scope(ctx)))
    .limit(1);
  if (!row) throw missing(id);
  return row;
}

export async function retrievePrice({ ctx, id }: { ctx: ServiceContext; id: string }): Promise<Price> {
  return toPrice(await readPrice(ctx, id));
}

/**
 * Only active, nickname, lookup_key and metadata change: a price's amounts are fixed once it
 * exists (it may already be on invoices); a new amount is a new price, and the old one archived.
 */
export async function updatePrice({
  ctx,
  id,
  input,
}: {
  ctx: ServiceContext;
  id: string;
  input: UpdatePriceInput;
}): Promise<Price> {
  const before = await readPrice(ctx, id);
  const values = {
    active: input.active,
    nickname: input.nickname,
    lookupKey: input.lookup_key,
    metadata: input.metadata,
    updatedAt: ctx.services.clock.now(),
  };
  const after: PriceRow = { ...before };
  for (const [key, value] of Object.entries(values))
    if (value !== undefined) Object.assign(after, { [key]: value });
  const price = toPrice(after);
  const { updated_at: _updated, ...changed } = previousAttributes(toPrice(before), price);
  const { db } = ctx.services;
  await lookupKeyGuard(
    runBatch(ctx.services, [
      db
        .update(prices)
        .set(values)
        .where(and(eq(prices.id, id), ...scope(ctx))),
      db.execute(changeStatement(ctx, { type: "price.updated", object: price, previousAttributes: changed })),
    ]),
  );
  return price;
}

export async function listPrices({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListPricesQuery;
}): Promise<ListPage<Price>> {
  const filters = scope(ctx);
  if (query.active !== undefined) filters.push(eq(prices.active, query.active));
  if (query.product !== undefined) filters.push(eq(prices.productId, query.product));
  if (query.type === "recurring") filters.push(isNotNull(prices.recurringInterval));
  if (query.type === "one_time") filters.push(isNull(prices.recurringInterval));
  const lookupKeys = [...(query.lookup_keys ?? []), ...(query["lookup_keys[]"] ?? [])];
  if (lookupKeys.length > 0) filters.push(inArray(prices.lookupKey, lookupKeys));
  const page = await paginateTable({
    db: ctx.services.db,
    table: prices,
    scope: filters,
    tenantScope: scope(ctx),
    query,
  });
  return { data: page.data.map(toPrice), hasMore: page.hasMore };
}
