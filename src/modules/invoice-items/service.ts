import { and, eq, inArray, isNotNull, isNull, type SQL, sql } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError, notFound } from "../../core/errors";
import { changeStatement } from "../../core/events";
import { newId } from "../../core/ids";
import { MAX_AMOUNT } from "../../core/money";
import { type ListPage, paginateTable } from "../../core/pagination";
import { tenantRow, tenantScope } from "../../core/tenancy";
import { countryOf, customerAddressQuery } from "../customers/service";
import { type PriceRow, priceAmount, priceQuery } from "../prices/service";
import { activeTaxRates, taxRatesQuery } from "../tax-rates/service";
import type { CreateInvoiceItemInput, InvoiceItem, ListInvoiceItemsQuery } from "./schemas";
import { type InvoiceItemRow, invoiceItems } from "./tables";

export type { InvoiceItemRow } from "./tables";

export function toInvoiceItem(row: InvoiceItemRow): InvoiceItem {
  return {
    id: row.id,
    object: "invoiceitem",
    environment: row.environment,
    customer: row.customerId,
    invoice: row.invoiceId,
    amount: row.amount,
    currency: row.currency,
    quantity: row.quantity,
    unit_amount: row.unitAmount,
    price: row.priceId,
    description: row.description,
    tax_rates: row.taxRateIds,
    discountable: row.discountable,
    metadata: row.metadata,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** The amount, quantity and currency of the line: a one-time price's, or the amount sent. */
function lineAmount(
  input: CreateInvoiceItemInput,
  price: PriceRow | undefined,
): Pick<InvoiceItemRow, "amount" | "quantity" | "unitAmount" | "currency" | "priceId"> {
  if (input.price !== undefined) {
    if (!price) throw notFound("price", input.price, "price");
    for (const field of ["amount", "currency"] as const) {
      if (input[field] !== undefined) {
        throw new ApiError("parameter_invalid", {
          param: field,
          message: `${field} does not go with price.`,
        });
      }
    }
    if (!price.active) throw new ApiError("price_inactive", { param: "price" });
    if (price.recurringInterval !== null || price.meterId !== null) {
      throw new ApiError("parameter_invalid", {
        param: "price",
        message: "An invoice item takes a one-time price; recurring prices belong on subscriptions.",
      });
    }
    const quantity = input.quantity ?? 1;
    const amount = priceAmount(price, quantity);
    if (amount < 1n || amount > BigInt(MAX_AMOUNT)) {
      throw new ApiError("amount_invalid", {
        param: "quantity",
        message: `The price for this quantity is ${amount}, outside 1 to ${MAX_AMOUNT}.`,
      });
    }
    return {
      amount: Number(amount),
      quantity,
      unitAmount: price.pricingModel === "per_unit" ? price.unitAmount : null,
      currency: price.currency,
      priceId: price.id,
    };
  }
  if (input.amount === undefined) {
    throw new ApiError("parameter_missing", {
      param: "amount",
      message: "Send amount (with currency) or price.",
    });
  }
  if (input.currency === undefined) {
    throw new ApiError("parameter_missing", { param: "currency", message: "amount needs its currency." });
  }
  if (input.quantity !== undefined) {
    throw new ApiError("parameter_invalid", { param: "quantity", message: "quantity goes with price only." });
  }
  return { amount: input.amount, quantity: 1, unitAmount: null, currency: input.currency, priceId: null };
}

/** A line another area (subscriptions) leaves pending for the customer's next invoice. */
export type PendingLine = Pick<
  InvoiceItemRow,
  | "customerId"
  | "currency"
  | "amount"
  | "quantity"
  | "unitAmount"
  | "priceId"
  | "description"
  | "discountable"
> & { metadata: Record<string, string> };

/**
 * The insert of pending lines, for the caller's batch: they land on the customer's next invoice.
 * Invoices take items in created_at order; the lines are dated a millisecond apart so that they
 * keep their given order there (ids are random, so they can't break a tie in a known way).
 */
export function pendingLinesInsert(ctx: ServiceContext, lines: PendingLine[], now: Date) {
  const rows: InvoiceItemRow[] = lines.map((line, index) => ({
    id: newId("invoiceItem"),
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    invoiceId: null,
    taxRateIds: [],
    ...line,
    createdAt: new Date(now.getTime() + index),
    updatedAt: now,
  }));
  return ctx.services.db.insert(invoiceItems).values(rows);
}

/**
 * The item `input` describes, validated against its customer, price and tax rates (one read
 * batch), not yet written: pending (no invoice) and dated now.
 */
export async function newInvoiceItemRow({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateInvoiceItemInput;
}): Promise<InvoiceItemRow> {
  const { db } = ctx.services;
  const rateIds = input.tax_rates ?? [];
  if (new Set(rateIds).size !== rateIds.length) {
    throw new ApiError("parameter_invalid", { param: "tax_rates", message: "A tax rate appears twice." });
  }
  const [customerRows, priceRows, rateRows] = await db.batch([
    customerAddressQuery({ ctx, id: input.customer }),
    priceQuery(ctx, input.price ?? null),
    taxRatesQuery(ctx, rateIds),
  ]);
  countryOf(customerRows, input.customer, "customer");
  const line = lineAmount(input, priceRows[0]);
  const rates = activeTaxRates(rateRows, rateIds, "tax_rates");
  if (new Set(rates.map((rate) => rate.inclusive)).size > 1) {
    throw new ApiError("parameter_invalid", {
      param: "tax_rates",
      message: "A line's tax rates are all inclusive or all exclusive.",
    });
  }
  const now = ctx.services.clock.now();
  return {
    id: newId("invoiceItem"),
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    customerId: input.customer,
    invoiceId: null,
    ...line,
    description: input.description ?? null,
    taxRateIds: rateIds,
    discountable: input.discountable ?? true,
    metadata: input.metadata ?? {},
    createdAt: now,
    updatedAt: now,
  };
}

/** Creates a pending line for the customer's next invoice. */
export async function createInvoiceItem({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateInvoiceItemInput;
}): Promise<InvoiceItem> {
  const { db } = ctx.services;
  const row = await newInvoiceItemRow({ ctx, input });
  const item = toInvoiceItem(row);
  await runBatch(
    ctx.services,
    [
      db.insert(invoiceItems).values(row),
      db.execute(changeStatement(ctx, { type: "invoiceitem.created", object: item })),
    ],
    { response: item },
  );
  return item;
}

export async function retrieveInvoiceItem({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<InvoiceItem> {
  const [row] = await ctx.services.db
    .select()
    .from(invoiceItems)
    .where(tenantRow(invoiceItems, ctx, id))
    .limit(1);
  if (!row) throw notFound("invoiceitem", id);
  return toInvoiceItem(row);
}

export async function listInvoiceItems({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListInvoiceItemsQuery;
}): Promise<ListPage<InvoiceItem>> {
  const filters = tenantScope(invoiceItems, ctx);
  if (query.customer) filters.push(eq(invoiceItems.customerId, query.customer));
  if (query.invoice) filters.push(eq(invoiceItems.invoiceId, query.invoice));
  if (query.pending !== undefined)
    filters.push(query.pending ? isNull(invoiceItems.invoiceId) : isNotNull(invoiceItems.invoiceId));
  const page = await paginateTable({
    db: ctx.services.db,
    table: invoiceItems,
    scope: filters,
    tenantScope: tenantScope(invoiceItems, ctx),
    query,
  });
  return { data: page.data.map(toInvoiceItem), hasMore: page.hasMore };
}

/** The items on an invoice (in the order it lists them), as a query for a read batch. */
export function invoiceItemsQuery(ctx: ServiceContext, invoiceId: string) {
  return ctx.services.db
    .select()
    .from(invoiceItems)
    .where(and(...tenantScope(invoiceItems, ctx), eq(invoiceItems.invoiceId, invoiceId)))
    .orderBy(invoiceItems.createdAt, invoiceItems.id);
}

/** An item's insert, for the caller's batch. */
export function invoiceItemInsert(ctx: ServiceContext, row: InvoiceItemRow) {
  return ctx.services.db.insert(invoiceItems).values(row);
}

/** A customer's pending items (oldest first), as a query for the invoice's read batch. */
export function pendingItemsQuery(ctx: ServiceContext, customerId: string) {
  return ctx.services.db
    .select()
    .from(invoiceItems)
    .where(
      and(
        ...tenantScope(invoiceItems, ctx),
        eq(invoiceItems.customerId, customerId),
        isNull(invoiceItems.invoiceId),
      ),
    )
    .orderBy(invoiceItems.createdAt, invoiceItems.id);
}

/** The ids of the tax rates on a customer's pending items, as a subquery for taxRatesQuery. */
export function pendingTaxRateIds(ctx: ServiceContext, customerId: string): SQL {
  return sql`(select jsonb_array_elements_text(${invoiceItems.taxRateIds}) from ${invoiceItems}
    where ${and(...tenantScope(invoiceItems, ctx), eq(invoiceItems.customerId, customerId), isNull(invoiceItems.invoiceId))})`;
}

/**
 * The data-modifying CTE member `name` that puts `itemIds` on the invoice, each only while still
 * pending: it returns fewer rows than `itemIds` when a concurrent invoice took one first.
 */
export function attachItemsMember(
  ctx: ServiceContext,
  name: string,
  invoiceId: string,
  itemIds: string[],
): SQL {
  const update = ctx.services.db
    .update(invoiceItems)
    .set({ invoiceId, updatedAt: ctx.services.clock.now() })
    .where(
      and(
        ...tenantScope(invoiceItems, ctx),
        inArray(invoiceItems.id, itemIds),
        isNull(invoiceItems.invoiceId),
      ),
    )
    .returning({ id: invoiceItems.id });
  return sql`${sql.raw(name)} as ${update}`;
}
