import { and, eq, inArray, type SQL } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import type { ApiError } from "../../core/errors";
import { notFound } from "../../core/errors";
import { changeStatement, previousAttributes } from "../../core/events";
import { newId } from "../../core/ids";
import { type ListPage, type ListQuery, paginateTable } from "../../core/pagination";
import { tenantScope } from "../../core/tenancy";
import type { CreateProductInput, Product, UpdateProductInput } from "./schemas";
import { type ProductRow, products } from "./tables";

export function toProduct(row: ProductRow): Product {
  return {
    id: row.id,
    object: "product",
    environment: row.environment,
    name: row.name,
    description: row.description,
    images: row.images,
    active: row.active,
    tax_code: row.taxCode,
    metadata: row.metadata,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

function scope(ctx: ServiceContext): SQL[] {
  return tenantScope(products, ctx);
}

function missing(id: string, param = "id"): ApiError {
  return notFound("product", id, param);
}

/** The product, as a query for a caller's read batch; productOf() reads the answer. */
export function productQuery(ctx: ServiceContext, id: string) {
  return ctx.services.db
    .select()
    .from(products)
    .where(and(eq(products.id, id), ...scope(ctx)))
    .limit(1);
}

/** Which of `ids` name products of this merchant and environment, as a query for a read batch. */
export function productIdsQuery(ctx: ServiceContext, ids: string[]) {
  return ctx.services.db
    .select({ id: products.id })
    .from(products)
    .where(and(inArray(products.id, ids), ...scope(ctx)));
}

/** The products of `ids` in this merchant's scope, as a query for a read batch. */
export function productsQuery(ctx: ServiceContext, ids: string[]) {
  return ctx.services.db
    .select()
    .from(products)
    .where(and(inArray(products.id, ids), ...scope(ctx)));
}

/** The product productQuery read, or a 404 naming `param`. */
export function productOf(rows: ProductRow[], id: string, param: string): ProductRow {
  const [row] = rows;
  if (!row) throw missing(id, param);
  return row;
}

export async function createProduct({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateProductInput;
}): Promise<Product> {
  const now = ctx.services.clock.now();
  const row: ProductRow = {
    id: newId("product"),
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    name: input.name,
    description: input.description ?? null,
    images: input.images ?? [],
    active: input.active ?? true,
    taxCode: input.tax_code ?? null,
    metadata: input.metadata ?? {},
    createdAt: now,
    updatedAt: now,
  };
  const product = toProduct(row);
  const { db } = ctx.services;
  await runBatch(
    ctx.services,
    [
      db.insert(products).values(row),
      db.execute(changeStatement(ctx, { type: "product.created", object: product })),
    ],
    { response: product },
  );
  return product;
}

export async function retrieveProduct({ ctx, id }: { ctx: ServiceContext; id: string }): Promise<Product> {
  return toProduct(productOf(await productQuery(ctx, id), id, "id"));
}

/** PATCH: fields left out stay; `active: false` archives the product (it then takes no new prices). */
export async function updateProduct({
  ctx,
  id,
  input,
}: {
  ctx: ServiceContext;
  id: string;
  input: UpdateProductInput;
}): Promise<Product> {
  const before = productOf(await productQuery(ctx, id), id, "id");
  // Only the fields sent are written (drizzle skips undefined), so concurrent updates of other fields survive.
  const values = {
    name: input.name,
    description: input.description,
    images: input.images,
    active: input.active,
    taxCode: input.tax_code,
    metadata: input.metadata,
    updatedAt: ctx.services.clock.now(),
  };
  const after: ProductRow = { ...before };
  for (const [key, value] of Object.entries(values))
    if (value !== undefined) Object.assign(after, { [key]: value });
  const product = toProduct(after);
  const { updated_at: _updated, ...changed } = previousAttributes(toProduct(before), product);
  const { db } = ctx.services;
  await runBatch(ctx.services, [
    db
      .update(products)
      .set(values)
      .where(and(eq(products.id, id), ...scope(ctx))),
    db.execute(
      changeStatement(ctx, { type: "product.updated", object: product, previousAttributes: changed }),
    ),
  ]);
  return product;
}

export async function listProducts({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListQuery & { active?: boolean | undefined };
}): Promise<ListPage<Product>> {
  const filters = scope(ctx);
  if (query.active !== undefined) filters.push(eq(products.active, query.active));
  const page = await paginateTable({
    db: ctx.services.db,
    table: products,
    scope: filters,
    tenantScope: scope(ctx),
    query,
  });
  return { data: page.data.map(toProduct), hasMore: page.hasMore };
}
