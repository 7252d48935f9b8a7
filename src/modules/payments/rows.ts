import { and, eq, type SQL } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import type { Executor } from "../../core/db";
import { type ApiError, notFound } from "../../core/errors";
import { type ChangeRecord, previousAttributes, recordChange } from "../../core/events";
import { type EntryInput, type PostingInput, post } from "../../core/ledger";
import { tenantRow } from "../../core/tenancy";
import type { PaymentProvider } from "../providers/types";
import type { Payment } from "./schemas";
import { type PaymentRow, type PaymentStatus, payments } from "./tables";
import { statusEvents } from "./transitions";

/** Internal to the payments module: the row helpers every verb shares. */

const DAY_MS = 86_400_000;

export type PaymentValues = Partial<typeof payments.$inferInsert>;

/** The merchant's share of a captured payment: what was received less the fee. The one place it is computed. */
export function netAmount(row: Pick<PaymentRow, "amountReceived" | "fee">): number {
  return row.amountReceived > 0 ? row.amountReceived - row.fee : 0;
}

export function availableOn(now: Date, provider: Pick<PaymentProvider, "settlementDelayDays">): Date {
  return new Date(now.getTime() + provider.settlementDelayDays * DAY_MS);
}

export function toPayment(row: PaymentRow): Payment {
  return {
    id: row.id,
    object: "payment",
    environment: row.environment,
    amount: row.amount,
    currency: row.currency,
    status: row.status,
    processing_reason: row.status === "processing" ? (row.processingReason ?? "awaiting_provider") : null,
    capture_method: row.captureMethod,
    customer: row.customerId,
    payment_method: row.paymentMethodId,
    payment_method_type: row.paymentMethodType,
    payment_method_details: row.paymentMethodDetails,
    country: row.country,
    amount_capturable: row.amountCapturable,
    amount_received: row.amountReceived,
    amount_refunded: row.amountRefunded,
    fee: row.fee,
    net: netAmount(row),
    description: row.description,
    statement_descriptor: row.statementDescriptor,
    metadata: row.metadata,
    return_url: row.returnUrl,
    next_action: row.nextAction,
    routing: row.routing,
    provider: row.provider,
    failure_code: row.failureCode,
    failure_message: row.failureMessage,
    decline_code: row.declineCode,
    cancellation_reason: row.cancellationReason,
    canceled_at: row.canceledAt?.toISOString() ?? null,
    available_on: row.availableOn?.toISOString() ?? null,
    settled: row.settledAt !== null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** The tenant scope of every payments query. */
export function paymentNotFound(id: string): ApiError {
  return notFound("payment", id);
}

export async function findPayment(ctx: ServiceContext, id: string, db: Executor): Promise<PaymentRow> {
  return onePayment(await paymentQuery(ctx, id, db), id);
}

/** A payment by id, as a query for the caller's read batch; onePayment() reads the answer. */
export function paymentQuery(ctx: ServiceContext, id: string, db: Executor) {
  return db
    .select()
    .from(payments)
    .where(tenantRow(payments, ctx, id))
    .limit(1);
}

/** Exactly one payment, or its 404. */
export function onePayment(rows: readonly PaymentRow[], id: string): PaymentRow {
  const [row] = rows;
  if (!row) throw paymentNotFound(id);
  return row;
}

export async function lockPayment(ctx: ServiceContext, id: string, tx: Executor): Promise<PaymentRow> {
  const [row] = await tx
    .select()
    .from(payments)
    .where(tenantRow(payments, ctx, id))
    .for("update")
    .limit(1);
  if (!row) throw paymentNotFound(id);
  return row;
}

/** The ledger movement of money captured: provider clearing → merchant pending (net) + fees. */
export function capturePosting(row: PaymentRow, at: Date): PostingInput {
  const provider = row.provider ?? "unknown";
  const net = netAmount(row);
  const entries: EntryInput[] = [
    {
      account: { kind: `provider_clearing:${provider}`, currency: row.currency },
      amount: -row.amountReceived,
    },
  ];
  if (net > 0) entries.push({ account: { kind: "merchant_pending", currency: row.currency }, amount: net });
  if (row.fee > 0) entries.push({ account: { kind: "fees", currency: row.currency }, amount: row.fee });
  return {
    merchantId: row.merchantId,
    environment: row.environment,
    source: `payment:${row.id}:captured`,
    type: "payment",
    status: "pending",
    sourceObjectId: row.id,
    description: row.description ?? `Payment ${row.id}`,
    entries,
    at,
  };
}

/** Whether a change from `before` to `after` first captured money (and so posts capturePosting). */
export function firstCapture(before: Pick<PaymentRow, "amountReceived">, after: PaymentRow): boolean {
  return after.amountReceived > 0 && before.amountReceived === 0;
}

/** The event a status change is announced with, and what it changed; null when nothing shows. */
export function statusChangeEvent(
  before: PaymentRow,
  after: PaymentRow,
  event?: string,
): ChangeRecord | null {
  const payment = toPayment(after);
  const { updated_at: _updated, ...changed } = previousAttributes(toPayment(before), payment);
  if (Object.keys(changed).length === 0 && !event) return null;
  return {
    type: event ?? (before.status === after.status ? "payment.updated" : statusEvents[after.status]),
    object: payment,
    previousAttributes: changed,
  };
}

interface StatusChange {
  ctx: ServiceContext;
  before: PaymentRow;
  status: PaymentStatus;
  values: PaymentValues;
  event?: string;
}

/**
 * Writes a status change, its event, and the ledger posting when money was first captured, in
 * the caller's transaction. `guard` makes it a compare-and-set: when the row no longer matches
 * (another request, the webhook or the reconciler applied first) nothing is written and the
 * result is null. It reads nothing before writing, so the step is one batch.
 */
export async function recordStatusChange(
  { ctx, before, status, values, event, guard = [] }: StatusChange & { guard?: SQL[] },
  tx: Executor,
): Promise<PaymentRow | null> {
  const now = ctx.services.clock.now();
  const [row] = await tx
    .update(payments)
    .set({ ...values, status, updatedAt: now })
    .where(and(eq(payments.id, before.id), ...guard))
    .returning();
  if (!row) return null;
  if (firstCapture(before, row)) await post(capturePosting(row, now), tx);
  const change = statusChangeEvent(before, row, event);
  if (change) await recordChange(ctx, change, tx);
  return row;
}

/** recordStatusChange without a guard: the caller holds the row lock, so it always writes. */
export async function writeStatusChange(change: StatusChange, tx: Executor): Promise<PaymentRow> {
  const row = await recordStatusChange(change, tx);
  if (!row) throw new Error("update returned no row");
  return row;
}
