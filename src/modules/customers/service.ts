import { and, eq, inArray, isNull, type SQL, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import type { Executor } from "../../core/db";
import { ApiError, notFound } from "../../core/errors";
import { changeStatement, previousAttributes, recordChange } from "../../core/events";
import { newId } from "../../core/ids";
import { type ListPage, type ListQuery, paginateTable } from "../../core/pagination";
import { exactlyOne, idIs, type TenantTable, tenantScope } from "../../core/tenancy";
import { frozenTimeOf, readTestClock } from "../test-clocks/service";
import type { CreateCustomerInput, Customer, UpdateCustomerInput } from "./schemas";
import { type CustomerRow, customers } from "./tables";

export function toCustomer(row: CustomerRow): Customer {
  return {
    id: row.id,
    object: "customer",
    environment: row.environment,
    email: row.email,
    name: row.name,
    phone: row.phone,
    description: row.description,
    address: row.address,
    preferred_currency: row.preferredCurrency,
    invoice_email: row.invoiceEmail,
    tax_ids: row.taxIds,
    default_payment_method: row.defaultPaymentMethod,
    test_clock: row.testClockId,
    metadata: row.metadata,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** Every customer query goes through this: merchant, environment, not deleted. */
function scope(ctx: ServiceContext): SQL[] {
  return [...tenantScope(customers, ctx), isNull(customers.deletedAt)];
}

function columnValues(input: CreateCustomerInput | UpdateCustomerInput) {
  const address = input.address
    ? {
        line1: input.address.line1 ?? null,
        line2: input.address.line2 ?? null,
        city: input.address.city ?? null,
        state: input.address.state ?? null,
        postal_code: input.address.postal_code ?? null,
        country: input.address.country ?? null,
      }
    : input.address;
  return {
    email: input.email,
    name: input.name,
    phone: input.phone,
    description: input.description,
    address,
    preferredCurrency: input.preferred_currency,
    invoiceEmail: input.invoice_email,
    taxIds: input.tax_ids,
    defaultPaymentMethod: input.default_payment_method,
    metadata: input.metadata,
  };
}

/** Drops fields the caller did not send, so PATCH leaves them alone (null clears). */
function sent<T extends Record<string, unknown>>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

export async function createCustomer({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateCustomerInput;
}): Promise<Customer> {
  if (input.default_payment_method) {
    // A default must be attached to the customer, which does not exist yet: attach first.
    throw new ApiError("payment_method_unusable", {
      param: "default_payment_method",
      message: "Create the customer, attach the payment method, then set it as the default.",
    });
  }
  // A test clock is checked by a read before the batch (sandbox only, of this account).
  const clock =
    input.test_clock === undefined ? null : await readTestClock(ctx, input.test_clock, "test_clock");
  const now = ctx.services.clock.now();
  const row: CustomerRow = {
    id: newId("customer"),
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    email: null,
    name: null,
    phone: null,
    description: null,
    address: null,
    preferredCurrency: null,
    invoiceEmail: null,
    taxIds: [],
    defaultPaymentMethod: null,
    testClockId: clock?.id ?? null,
    metadata: {},
    ...sent(columnValues(input)),
    deletedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  const customer = toCustomer(row);
  // The row is known before it is written: the idempotency claim, the insert, its event and audit
  // row and the stored response go in one batch.
  const { db } = ctx.services;
  await runBatch(
    ctx.services,
    [
      db.insert(customers).values(row),
      db.execute(changeStatement(ctx, { type: "customer.created", object: customer })),
    ],
    { response: customer },
  );
  return customer;
}

export async function retrieveCustomer({ ctx, id }: { ctx: ServiceContext; id: string }): Promise<Customer> {
  const [row] = await ctx.services.db
    .select()
    .from(customers)
    .where(and(eq(customers.id, id), ...scope(ctx)))
    .limit(1);
  if (!row) throw notFound("customer", id);
  return toCustomer(row);
}

/**
 * Updates the customer's own fields. A `default_payment_method` must be checked by its owner,
 * the payment-methods area, in the same transaction: it calls this verb with its `tx`.
 */
export async function updateCustomer(
  { ctx, id, input }: { ctx: ServiceContext; id: string; input: UpdateCustomerInput },
  tx?: Executor,
): Promise<Customer> {
  if (!tx) return ctx.services.transaction((own) => updateCustomer({ ctx, id, input }, own));
  {
    const [before] = await tx
      .select()
      .from(customers)
      .where(and(eq(customers.id, id), ...scope(ctx)))
      .for("update")
      .limit(1);
    if (!before) throw notFound("customer", id);
    const values = sent(columnValues(input));
    const row = exactlyOne(
      await tx
        .update(customers)
        .set({ ...values, updatedAt: ctx.services.clock.now() })
        .where(eq(customers.id, id))
        .returning(),
    );
    const previous = toCustomer(before);
    const customer = toCustomer(row);
    const { updated_at: _ignored, ...changed } = previousAttributes(previous, customer);
    await recordChange(ctx, { type: "customer.updated", object: customer, previousAttributes: changed }, tx);
    return customer;
  }
}

export async function deleteCustomer({ ctx, id }: { ctx: ServiceContext; id: string }) {
  return ctx.services.transaction(async (tx) => {
    const now = ctx.services.clock.now();
    const [row] = await tx
      .update(customers)
      .set({ deletedAt: now, updatedAt: now })
      .where(and(eq(customers.id, id), ...scope(ctx)))
      .returning();
    if (!row) throw notFound("customer", id);
    await recordChange(ctx, { type: "customer.deleted", object: toCustomer(row) }, tx);
    return { id: row.id, object: "customer" as const, deleted: true as const };
  });
}

export async function listCustomers({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListQuery & { email?: string | undefined };
}): Promise<ListPage<Customer>> {
  const { db } = ctx.services;
  const filters = scope(ctx);
  if (query.email) filters.push(sql`lower(${customers.email}) = lower(${query.email})`);
  const page = await paginateTable({ db, table: customers, scope: filters, tenantScope: scope(ctx), query });
  return { data: page.data.map(toCustomer), hasMore: page.hasMore };
}

/** The customer, or a 404 naming `param`; with its country (for payment routing). */
export async function requireCustomer(
  { ctx, id, param }: { ctx: ServiceContext; id: string; param: string },
  db: Executor = ctx.services.db,
): Promise<{ id: string; country: string | null }> {
  return { id, country: countryOf(await customerAddressQuery({ ctx, id }, db), id, param) };
}

/** A customer's address, as a query for the caller's read batch; countryOf() reads the answer. */
export function customerAddressQuery(
  { ctx, id }: { ctx: ServiceContext; id: string | null },
  db: Executor = ctx.services.db,
) {
  return db
    .select({ address: customers.address })
    .from(customers)
    .where(and(idIs(customers.id, id), ...scope(ctx)))
    .limit(1);
}

/** The country of the customer customerAddressQuery read; a 404 (on `param`) when there is none. */
export function countryOf(
  rows: ReadonlyArray<{ address: CustomerRow["address"] }>,
  id: string,
  param: string,
): string | null {
  const [row] = rows;
  if (!row) throw notFound("customer", id, param);
  return row.address?.country ?? null;
}

async function changeDefault(
  {
    ctx,
    customerId,
    value,
    only,
  }: { ctx: ServiceContext; customerId: string; value: string | null; only?: string },
  tx: Executor,
) {
  const conditions = [eq(customers.id, customerId), ...scope(ctx)];
  if (only) conditions.push(eq(customers.defaultPaymentMethod, only));
  const [before] = await tx
    .select()
    .from(customers)
    .where(and(...conditions))
    .for("update")
    .limit(1);
  if (!before || before.defaultPaymentMethod === value) return;
  const [row] = await tx
    .update(customers)
    .set({ defaultPaymentMethod: value, updatedAt: ctx.services.clock.now() })
    .where(eq(customers.id, customerId))
    .returning();
  if (!row) return;
  await recordChange(
    ctx,
    {
      type: "customer.updated",
      object: toCustomer(row),
      previousAttributes: { default_payment_method: before.defaultPaymentMethod },
    },
    tx,
  );
}

/** Called by the payment-methods area once it has attached the method to this customer. */
export function setDefaultPaymentMethod(
  { ctx, customerId, paymentMethodId }: { ctx: ServiceContext; customerId: string; paymentMethodId: string },
  tx: Executor,
) {
  return changeDefault({ ctx, customerId, value: paymentMethodId }, tx);
}

/** Called when a method is detached: the customer's default stops pointing at it. */
export function clearDefaultPaymentMethod(
  { ctx, customerId, paymentMethodId }: { ctx: ServiceContext; customerId: string; paymentMethodId: string },
  tx: Executor,
) {
  return changeDefault({ ctx, customerId, value: null, only: paymentMethodId }, tx);
}

/**
 * Which of `ids` name customers of this merchant and environment, with their test clock and its
 * frozen time (null on real time), as a query for a read batch.
 */
export function customerIdsQuery(ctx: ServiceContext, ids: string[]) {
  return ctx.services.db
    .select({
      id: customers.id,
      clockId: customers.testClockId,
      clockTime: frozenTimeOf(customers.testClockId),
    })
    .from(customers)
    .where(and(inArray(customers.id, ids), ...scope(ctx)));
}

/** The ids of the customers attached to a test clock (deleted with it). */
export async function customersOnClock(ctx: ServiceContext, clockId: string): Promise<string[]> {
  const rows = await ctx.services.db
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.testClockId, clockId), ...scope(ctx)));
  return rows.map((row) => row.id);
}

/**
 * Whether the customer a column names lives on `clockId`'s time (null: on real time, no clock), as
 * a condition for another module's background scan: objects of clock customers are worked on only
 * when their clock advances.
 */
export function customerOnClock(customerId: AnyPgColumn | SQL, clockId: string | null): SQL {
  const clock =
    clockId === null ? sql`${customers.testClockId} is null` : sql`${customers.testClockId} = ${clockId}`;
  return sql`exists (select 1 from ${customers} where ${customers.id} = ${customerId} and ${clock})`;
}

/**
 * The test clock of the customer an expression names (null: none, or a customer on real time), as a
 * scalar subquery scoped to `merchantId`: for another module to tell a clock's objects apart.
 */
export function clockOfCustomer(customerId: SQL, merchantId: AnyPgColumn | SQL): SQL<string | null> {
  return sql<string | null>`(select ${customers.testClockId} from ${customers}
    where ${customers.id} = ${customerId} and ${customers.merchantId} = ${merchantId})`;
}

/**
 * Whether the object a column ties to a customer (null: none) lives on real time: no customer, or
 * one without a test clock. For scans that must leave a clock's objects to their clock.
 */
export function notOnClock(customerId: AnyPgColumn | SQL): SQL {
  return sql`not exists (select 1 from ${customers} where ${customers.id} = ${customerId} and ${customers.testClockId} is not null)`;
}

/**
 * Where the invoices of the customer a column names are emailed: its invoice_email, else its email
 * (null when it has neither), as a scalar subquery scoped to the row's merchant and environment.
 */
export function invoiceRecipientOf(table: TenantTable & { customerId: AnyPgColumn }) {
  return sql<string | null>`(select coalesce(${customers.invoiceEmail}, ${customers.email}) from ${customers}
    where ${customers.id} = ${table.customerId} and ${customers.merchantId} = ${table.merchantId}
      and ${customers.environment} = ${table.environment} and ${customers.deletedAt} is null)`;
}
