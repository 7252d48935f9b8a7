import { and, asc, eq, gte, notInArray, sql } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import type { Executor } from "../../core/db";
import { recordChange } from "../../core/events";
import { type ListPage, paginateTable } from "../../core/pagination";
import type { StatusDocument } from "../../core/status";
import { events } from "../../core/tables";
import { exactlyOne, tenantRow, tenantScope } from "../../core/tenancy";
import { findPayment, lockPayment, netAmount, toPayment } from "./rows";
import type { ListPaymentsQuery, Payment } from "./schemas";
import { type PaymentRow, type PaymentStatus, payments } from "./tables";

/**
 * The payments module's door: other modules and functions/ import payments only from here. The
 * verbs live in files named by what happens: authorize.ts (create, confirm, routing outcome),
 * capture.ts (capture, cancel), settle.ts, sandbox-actions.ts, reconcile.ts; rows.ts holds the
 * row helpers they share.
 */
export { confirmPayment } from "./authorize";
export { cancelPayment, capturePayment } from "./capture";
export { createPayment } from "./create";
export { reconcileOpenAttempts } from "./reconcile";
export {
  completePaymentFromProviderEvent,
  describeSandboxAction,
  type SandboxActionView,
  simulatePaymentOutcome,
  submitSandboxAction,
} from "./sandbox-actions";
export { settlePaymentNow } from "./settle";
export { netAmount, toPayment };

export async function retrievePayment({ ctx, id }: { ctx: ServiceContext; id: string }): Promise<Payment> {
  return toPayment(await findPayment(ctx, id, ctx.services.db));
}

/**
 * An object's status history from its events (each carries the object as it was), oldest first;
 * events of one transaction share a timestamp, so `rank` orders them by the state machine.
 */
export async function statusTimeline(
  ctx: ServiceContext,
  id: string,
  rank: (status: string) => number,
): Promise<StatusDocument["timeline"]> {
  const rows = await ctx.services.db
    .select({ data: events.data, createdAt: events.createdAt })
    .from(events)
    .where(and(eq(events.objectId, id), ...tenantScope(events, ctx)))
    .orderBy(asc(events.createdAt));
  const steps = rows
    .map((row) => ({ status: String(row.data.status ?? ""), at: row.createdAt }))
    .filter((step) => step.status !== "")
    .sort((a, b) => a.at.getTime() - b.at.getTime() || rank(a.status) - rank(b.status));
  const timeline: StatusDocument["timeline"] = [];
  for (const step of steps) {
    if (timeline.at(-1)?.status !== step.status)
      timeline.push({ status: step.status, at: step.at.toISOString() });
  }
  return timeline;
}

const paymentStatusOrder: readonly PaymentStatus[] = [
  "requires_payment_method",
  "requires_confirmation",
  "requires_action",
  "processing",
  "requires_capture",
  "succeeded",
  "failed",
  "canceled",
];

/** The polling document for /status/payments/{id} (status module's registry). */
export async function paymentStatus({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<StatusDocument | undefined> {
  const [row] = await ctx.services.db
    .select()
    .from(payments)
    .where(tenantRow(payments, ctx, id))
    .limit(1);
  if (!row) return undefined;
  return {
    id: row.id,
    object: "payment",
    status: row.status,
    amount: row.amount,
    currency: row.currency,
    updated_at: row.updatedAt.toISOString(),
    timeline: await statusTimeline(ctx, id, (status) => paymentStatusOrder.indexOf(status as PaymentStatus)),
  };
}

export async function listPayments({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListPaymentsQuery;
}): Promise<ListPage<Payment>> {
  const { db } = ctx.services;
  const filters = tenantScope(payments, ctx);
  if (query.status) filters.push(eq(payments.status, query.status));
  if (query.customer) filters.push(eq(payments.customerId, query.customer));
  if (query.payment_method_type) filters.push(eq(payments.paymentMethodType, query.payment_method_type));
  if (query.currency) filters.push(eq(payments.currency, query.currency));
  const page = await paginateTable({
    db,
    table: payments,
    scope: filters,
    tenantScope: tenantScope(payments, ctx),
    query,
  });
  return { data: page.data.map((row) => toPayment(row)), hasMore: page.hasMore };
}

/**
 * The payments whose metadata names `key` = `value` and that may still charge or have charged (not
 * failed, not canceled): what an earlier request left when it died before recording it. Narrowed to
 * the customer's (`customerId`), or to those created since `createdSince` (the merchant's
 * created_at index bounds the scan) when the caller has no customer.
 */
export async function livePaymentsTagged({
  ctx,
  key,
  value,
  ...narrowed
}: {
  ctx: ServiceContext;
  key: string;
  value: string;
} & ({ customerId: string } | { createdSince: Date })): Promise<Payment[]> {
  const rows = await ctx.services.db
    .select()
    .from(payments)
    .where(
      and(
        ...tenantScope(payments, ctx),
        "customerId" in narrowed
          ? eq(payments.customerId, narrowed.customerId)
          : gte(payments.createdAt, narrowed.createdSince),
        sql`${payments.metadata}->>${key} = ${value}`,
        notInArray(payments.status, ["failed", "canceled"]),
      ),
    )
    .orderBy(asc(payments.createdAt));
  return rows.map((row) => toPayment(row));
}

/** For refunds: the payment locked for the refund's short transaction, scoped like every read. */
export async function lockPaymentForRefund(
  { ctx, id }: { ctx: ServiceContext; id: string },
  tx: Executor,
): Promise<PaymentRow> {
  return lockPayment(ctx, id, tx);
}

/**
 * For refunds: adds to (or, for a failed refund, takes back from) amount_refunded, and what the
 * refund drew from this payment's own pending funds, with an event.
 */
export async function recordRefundedAmount(
  {
    ctx,
    payment: row,
    delta,
    fromPending = 0,
  }: { ctx: ServiceContext; payment: Pick<PaymentRow, "id">; delta: number; fromPending?: number },
  tx: Executor,
): Promise<PaymentRow> {
  // Relative updates: the caller need not have read the row in this transaction.
  const updated = exactlyOne(
    await tx
      .update(payments)
      .set({
        amountRefunded: sql`${payments.amountRefunded} + ${delta}`,
        refundedFromPending: sql`${payments.refundedFromPending} + ${fromPending}`,
        updatedAt: ctx.services.clock.now(),
      })
      .where(and(eq(payments.id, row.id), ...tenantScope(payments, ctx)))
      .returning(),
  );
  if (delta !== 0) {
    await recordChange(
      ctx,
      {
        type: "payment.refunded",
        object: toPayment(updated),
        previousAttributes: { amount_refunded: updated.amountRefunded - delta },
      },
      tx,
    );
  }
  return updated;
}

/** For refunds: what of this payment's net is still in pending (not settled, not drawn by refunds). */
export function pendingFundsOf(row: PaymentRow): number {
  if (row.settledAt) return 0;
  return Math.max(0, netAmount(row) - row.refundedFromPending);
}

/** For refunds: the provider's reference of the payment (what a refund is sent against). */
export async function paymentProviderReference({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<string> {
  return (await findPayment(ctx, id, ctx.services.db)).providerReference ?? "";
}
