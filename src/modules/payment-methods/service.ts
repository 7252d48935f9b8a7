import { eq, isNull, type SQL } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import type { Executor } from "../../core/db";
import { ApiError, notFound } from "../../core/errors";
import { changeStatement, recordChange } from "../../core/events";
import { newId } from "../../core/ids";
import { type ListPage, type ListQuery, paginateTable } from "../../core/pagination";
import { exactlyOne, tenantRow, tenantScope } from "../../core/tenancy";
import { clearDefaultPaymentMethod, requireCustomer, setDefaultPaymentMethod } from "../customers/service";
import { cardFingerprint, checkCard } from "./card";
import { findMethodType, paymentMethodTypes } from "./catalog";
import type { CreatePaymentMethodInput, PaymentMethod, PaymentMethodData } from "./schemas";
import { type PaymentMethodRow, paymentMethods } from "./tables";
import { behaviorForVpa, testCards } from "./test-behaviors";

export function listMethodTypes() {
  return paymentMethodTypes.map((method) => ({
    object: "payment_method_type" as const,
    type: method.type,
    name: method.name,
    flow: method.flow,
    countries: [...method.countries],
    currencies: [...method.currencies],
    refundable: method.refundable,
    manual_capture: method.manualCapture,
  }));
}

export function toPaymentMethod(row: PaymentMethodRow): PaymentMethod {
  return {
    id: row.id,
    object: "payment_method",
    environment: row.environment,
    type: row.type,
    customer: row.customerId,
    card: row.card,
    upi: row.upiVpa === null ? null : { vpa: row.upiVpa },
    billing_details: row.billing,
    metadata: row.metadata,
    created_at: row.createdAt.toISOString(),
  };
}

/** The card as typed, kept in memory for the request that carried it and handed to providers only. */
export interface TransientCard {
  number: string;
  exp_month: number;
  exp_year: number;
  cvc: string | null;
}

export interface PreparedPaymentMethod {
  values: Omit<typeof paymentMethods.$inferInsert, "id" | "merchantId" | "environment" | "createdAt">;
  card: TransientCard | null;
}

function paramOf(prefix: string, field: string): string {
  return prefix ? `${prefix}.${field}` : field;
}

const VPA = /^[A-Za-z0-9._-]{2,256}@[A-Za-z][A-Za-z0-9]{1,63}$/;

/**
 * Validates payment method details and turns them into what may be stored: for a card, brand,
 * last4, expiry, BIN country, funding and a keyed fingerprint. `paramPrefix` names the body field.
 */
export async function preparePaymentMethod(
  ctx: ServiceContext,
  data: PaymentMethodData,
  paramPrefix: string,
): Promise<PreparedPaymentMethod> {
  const billing = {
    name: data.billing_details?.name ?? null,
    email: data.billing_details?.email ?? null,
    country: data.billing_details?.country ?? null,
  };
  const sandbox = ctx.environment === "sandbox";
  // The schema's union ties `card` to type card and `upi` to type upi (and refuses them elsewhere).
  if ("card" in data) {
    const checked = checkCard(data.card, ctx.services.clock.now());
    if (!checked.ok) {
      throw new ApiError(checked.code, {
        param: paramOf(paramPrefix, checked.param.replace("payment_method_data.", "")),
      });
    }
    const number = data.card.number.replace(/[\s-]/g, "");
    return {
      values: {
        type: "card",
        card: {
          brand: checked.brand,
          last4: checked.last4,
          exp_month: data.card.exp_month,
          exp_year: data.card.exp_year,
          country: checked.country,
          funding: checked.funding,
          fingerprint: await cardFingerprint(number, ctx.services.config.CARD_FINGERPRINT_KEY),
          holder_name: data.card.holder_name ?? billing.name,
        },
        billing,
        sandboxBehavior: sandbox ? (testCards[number] ?? null) : null,
      },
      card: {
        number,
        exp_month: data.card.exp_month,
        exp_year: data.card.exp_year,
        cvc: data.card.cvc ?? null,
      },
    };
  }
  if ("upi" in data) {
    if (!VPA.test(data.upi.vpa))
      throw new ApiError("vpa_invalid", { param: paramOf(paramPrefix, "upi.vpa") });
    return {
      values: {
        type: "upi",
        upiVpa: data.upi.vpa,
        billing,
        sandboxBehavior: sandbox ? behaviorForVpa(data.upi.vpa) : null,
      },
      card: null,
    };
  }
  return { values: { type: data.type, billing, sandboxBehavior: null }, card: null };
}

export async function insertPaymentMethod(
  {
    ctx,
    prepared,
    ...options
  }: {
    ctx: ServiceContext;
    prepared: PreparedPaymentMethod;
    customerId: string | null;
    metadata: Record<string, string>;
  },
  tx: Executor,
): Promise<PaymentMethodRow> {
  const { row, statements } = paymentMethodInsert(ctx, prepared, options);
  const [insert, event] = statements;
  await tx.execute(insert);
  await tx.execute(event);
  return row;
}

/**
 * The row of a new payment method and its writes (the insert, its event and audit row), as
 * statements for the caller's batch: the row is known before it is written.
 */
export function paymentMethodInsert(
  ctx: ServiceContext,
  prepared: PreparedPaymentMethod,
  options: { customerId: string | null; metadata: Record<string, string> },
): { row: PaymentMethodRow; statements: [SQL, SQL] } {
  const { values } = prepared;
  const row: PaymentMethodRow = {
    id: newId("paymentMethod"),
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    type: values.type,
    customerId: options.customerId,
    card: values.card ?? null,
    upiVpa: values.upiVpa ?? null,
    billing: values.billing,
    sandboxBehavior: values.sandboxBehavior ?? null,
    metadata: options.metadata,
    detachedAt: null,
    createdAt: ctx.services.clock.now(),
  };
  const insert = ctx.services.db.insert(paymentMethods).values(row).getSQL();
  const event = changeStatement(ctx, { type: "payment_method.created", object: toPaymentMethod(row) });
  return { row, statements: [insert, event] };
}

export async function createPaymentMethod({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreatePaymentMethodInput;
}): Promise<PaymentMethod> {
  const { customer, metadata, ...data } = input;
  const prepared = await preparePaymentMethod(ctx, data, "");
  if (customer) await requireCustomer({ ctx, id: customer, param: "customer" });
  return ctx.services.transaction(async (tx) =>
    toPaymentMethod(
      await insertPaymentMethod(
        { ctx, prepared, customerId: customer ?? null, metadata: metadata ?? {} },
        tx,
      ),
    ),
  );
}

async function findRow(
  { ctx, id, lock = false }: { ctx: ServiceContext; id: string; lock?: boolean },
  db: Executor,
): Promise<PaymentMethodRow> {
  const query = db
    .select()
    .from(paymentMethods)
    .where(tenantRow(paymentMethods, ctx, id))
    .limit(1);
  const [row] = lock ? await query.for("update") : await query;
  if (!row) throw notFound("payment method", id);
  return row;
}

export async function retrievePaymentMethod({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<PaymentMethod> {
  return toPaymentMethod(await findRow({ ctx, id }, ctx.services.db));
}

/** A saved method a payment may use: not detached, and the payment's customer's if attached. */
export async function usablePaymentMethod(
  { ctx, id, customerId }: { ctx: ServiceContext; id: string; customerId: string | null },
  db: Executor,
): Promise<PaymentMethodRow> {
  return usableFrom(await paymentMethodQuery({ ctx, id }, db), id, customerId);
}

/** A payment method by id, as a query for the caller's read batch; usableFrom() checks the answer. */
export function paymentMethodQuery(
  { ctx, id }: { ctx: ServiceContext; id: string | null },
  db: Executor = ctx.services.db,
) {
  return db
    .select()
    .from(paymentMethods)
    .where(tenantRow(paymentMethods, ctx, id))
    .limit(1);
}

/** usablePaymentMethod's checks on the rows paymentMethodQuery read. */
export function usableFrom(
  rows: readonly PaymentMethodRow[],
  id: string,
  customerId: string | null,
): PaymentMethodRow {
  const [row] = rows;
  if (!row) throw notFound("payment method", id, "payment_method");
  if (row.detachedAt) {
    throw new ApiError("payment_method_unusable", {
      param: "payment_method",
      message: "The payment method was detached.",
    });
  }
  if (row.customerId && row.customerId !== customerId) {
    throw new ApiError("payment_method_unusable", {
      param: "payment_method",
      message: "The payment method is attached to another customer than the payment's.",
    });
  }
  return row;
}

export async function attachPaymentMethod({
  ctx,
  id,
  customerId,
  setDefault,
}: {
  ctx: ServiceContext;
  id: string;
  customerId: string;
  setDefault: boolean;
}): Promise<PaymentMethod> {
  await requireCustomer({ ctx, id: customerId, param: "customer" });
  return ctx.services.transaction(async (tx) => {
    const before = await findRow({ ctx, id, lock: true }, tx);
    if (before.detachedAt || (before.customerId && before.customerId !== customerId)) {
      throw new ApiError("payment_method_unusable", {
        param: "id",
        message: "The payment method is detached or attached to another customer.",
      });
    }
    const row = exactlyOne(
      await tx.update(paymentMethods).set({ customerId }).where(eq(paymentMethods.id, id)).returning(),
    );
    const method = toPaymentMethod(row);
    if (!before.customerId) {
      await recordChange(
        ctx,
        {
          type: "payment_method.attached",
          object: method,
          previousAttributes: { customer: null },
        },
        tx,
      );
    }
    if (setDefault) await setDefaultPaymentMethod({ ctx, customerId, paymentMethodId: id }, tx);
    return method;
  });
}

/** Detached methods can no longer be used or re-attached; a customer's default pointing at one is cleared. */
export async function detachPaymentMethod({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<PaymentMethod> {
  return ctx.services.transaction(async (tx) => {
    const before = await findRow({ ctx, id, lock: true }, tx);
    if (!before.customerId || before.detachedAt) {
      throw new ApiError("payment_method_unusable", {
        param: "id",
        message: "The payment method is not attached to a customer.",
      });
    }
    const row = exactlyOne(
      await tx
        .update(paymentMethods)
        .set({ customerId: null, detachedAt: ctx.services.clock.now() })
        .where(eq(paymentMethods.id, id))
        .returning(),
    );
    const method = toPaymentMethod(row);
    await recordChange(
      ctx,
      {
        type: "payment_method.detached",
        object: method,
        previousAttributes: { customer: before.customerId },
      },
      tx,
    );
    await clearDefaultPaymentMethod({ ctx, customerId: before.customerId, paymentMethodId: id }, tx);
    return method;
  });
}

export async function listPaymentMethods({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListQuery & { customer?: string | undefined; type?: string | undefined };
}): Promise<ListPage<PaymentMethod>> {
  const { db } = ctx.services;
  const filters = tenantScope(paymentMethods, ctx);
  if (query.customer)
    filters.push(eq(paymentMethods.customerId, query.customer), isNull(paymentMethods.detachedAt));
  if (query.type) {
    if (!findMethodType(query.type)) throw new ApiError("parameter_invalid", { param: "type" });
    filters.push(eq(paymentMethods.type, query.type));
  }
  const page = await paginateTable({
    db,
    table: paymentMethods,
    scope: filters,
    tenantScope: tenantScope(paymentMethods, ctx),
    query,
  });
  return { data: page.data.map(toPaymentMethod), hasMore: page.hasMore };
}

export async function listCustomerPaymentMethods({
  ctx,
  customerId,
  query,
}: {
  ctx: ServiceContext;
  customerId: string;
  query: ListQuery & { type?: string | undefined };
}): Promise<ListPage<PaymentMethod>> {
  await requireCustomer({ ctx, id: customerId, param: "id" });
  return listPaymentMethods({ ctx, query: { ...query, customer: customerId } });
}

export { findMethodType, methodSupports } from "./catalog";
export { updateCustomerWithDefault } from "./defaults";
export { behaviorForAmount, type SandboxBehavior, testCards } from "./test-behaviors";
