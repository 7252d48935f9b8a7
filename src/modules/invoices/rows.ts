import { and, eq, type SQL, sql } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { raisedRefusal } from "../../core/db-errors";
import { ApiError, type ErrorCode, notFound } from "../../core/errors";
import { type ChangeRecord, gatedChangeMembers } from "../../core/events";
import { tenantRow, tenantScope } from "../../core/tenancy";
import type { Invoice } from "./schemas";
import { type InvoiceRow, type InvoiceStatus, invoices } from "./tables";

/** What the customer owes in all: the total less what credit notes took off before payment. */
export function amountDue(row: InvoiceRow): number {
  return row.total - row.prePaymentCreditNotesAmount;
}

/** What is still owed: nothing once paid, voided (or never, for a draft not yet owed but shown). */
export function amountRemaining(row: InvoiceRow): number {
  return row.status === "paid" || row.status === "void" ? 0 : amountDue(row) - row.amountPaid;
}

/** The hosted invoice page (HTML); /api/v1/hosted/invoices/{id} with the same token answers its JSON view. */
function hostedUrl(row: InvoiceRow, publicUrl: string): string {
  const url = new URL(`/invoice/${row.id}`, publicUrl);
  url.searchParams.set("token", row.hostedToken);
  return url.toString();
}

/** The invoice as the API shows it; `publicUrl` is the API's origin, for the document links. */
export function toInvoice(row: InvoiceRow, publicUrl: string): Invoice {
  const tax = row.taxes.reduce((sum, rate) => sum + rate.amount, 0);
  return {
    id: row.id,
    object: "invoice",
    environment: row.environment,
    customer: row.customerId,
    status: row.status,
    number: row.number,
    currency: row.currency,
    collection_method: row.collectionMethod,
    days_until_due: row.daysUntilDue,
    due_date: row.dueAt?.toISOString() ?? null,
    description: row.description,
    coupon: row.couponId,
    lines: row.lines.map((line) => ({
      invoice_item: line.invoiceItem,
      description: line.description,
      amount: line.amount,
      quantity: line.quantity,
      unit_amount: line.unitAmount,
      price: line.price,
      discountable: line.discountable,
      discount_amount_precise: line.discountPrecise,
      tax_amounts: line.taxes.map((lineTax) => ({
        tax_rate: lineTax.taxRate,
        amount_precise: lineTax.amountPrecise,
      })),
    })),
    taxes: row.taxes.map((rate) => ({
      tax_rate: rate.taxRate,
      inclusive: rate.inclusive,
      percentage: rate.percentage,
      amount: rate.amount,
      amount_precise: rate.amountPrecise,
      taxable_amount_precise: rate.taxableAmountPrecise,
    })),
    subtotal: row.subtotal,
    discount_amount: row.discountAmount,
    total_excluding_tax: row.totalExcludingTax,
    tax,
    total: row.total,
    amount_due: amountDue(row),
    amount_paid: row.amountPaid,
    amount_remaining: amountRemaining(row),
    pre_payment_credit_notes_amount: row.prePaymentCreditNotesAmount,
    post_payment_credit_notes_amount: row.postPaymentCreditNotesAmount,
    paid_out_of_band: row.paidOutOfBand,
    payment_reference: row.paymentReference,
    payment: row.paymentId,
    attempt_count: row.attemptCount,
    // A draft can still change: its documents are linked once it is finalized.
    hosted_invoice_url: row.status === "draft" ? null : hostedUrl(row, publicUrl),
    invoice_pdf:
      row.status === "draft" ? null : new URL(`/api/v1/invoices/${row.id}/pdf`, publicUrl).toString(),
    automatically_finalizes_at: row.status === "draft" ? (row.autoFinalizeAt?.toISOString() ?? null) : null,
    status_transitions: {
      finalized_at: row.finalizedAt?.toISOString() ?? null,
      paid_at: row.paidAt?.toISOString() ?? null,
      voided_at: row.voidedAt?.toISOString() ?? null,
      marked_uncollectible_at: row.markedUncollectibleAt?.toISOString() ?? null,
    },
    metadata: row.metadata,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** The invoice, as a query for a caller's read batch. */
export function invoiceQuery(ctx: ServiceContext, id: string) {
  return ctx.services.db
    .select()
    .from(invoices)
    .where(tenantRow(invoices, ctx, id))
    .limit(1);
}

/** The invoice whose id a scalar subquery gives, as a query for a caller's read batch. */
export function invoiceQueryOf(ctx: ServiceContext, idQuery: SQL) {
  return ctx.services.db
    .select()
    .from(invoices)
    .where(and(eq(invoices.id, idQuery), ...tenantScope(invoices, ctx)))
    .limit(1);
}

export function invoiceOf(rows: InvoiceRow[], id: string): InvoiceRow {
  const [row] = rows;
  if (!row) throw notFound("invoice", id);
  return row;
}

export async function readInvoice(ctx: ServiceContext, id: string): Promise<InvoiceRow> {
  return invoiceOf(await invoiceQuery(ctx, id), id);
}

/** Refuses an action the invoice's status doesn't allow, naming the status it is in. */
export function requireStatus(row: InvoiceRow, allowed: InvoiceStatus[], action: string): void {
  if (!allowed.includes(row.status)) {
    throw new ApiError("invoice_status_invalid", {
      message: `A ${row.status} invoice can't be ${action}; it must be ${allowed.join(" or ")}.`,
    });
  }
}

/** `billing_require(exists(select 1 from <member>), '<code>')`, for the select of a gated statement. */
export function requireRow(member: string, refusal: ErrorCode): SQL {
  return sql`billing_require(exists(select 1 from ${sql.raw(member)}), ${refusal})`;
}

/** A billing_require refusal raised in a batch, as the API error it names; undefined for anything else. */
export function billingRefusal(error: unknown): ApiError | undefined {
  const code = raisedRefusal(error);
  return code ? new ApiError(code) : undefined;
}

/** One statement: `changes` by compare-and-set on `condition`, the event only when it matched. */
export async function applyGated(
  ctx: ServiceContext,
  id: string,
  condition: ReturnType<typeof and>,
  changes: Partial<InvoiceRow>,
  change: ChangeRecord | null,
  refusal: "invoice_status_invalid" | "invoice_payment_in_progress",
): Promise<void> {
  const { db } = ctx.services;
  const update = db
    .update(invoices)
    .set(changes)
    .where(and(tenantRow(invoices, ctx, id), condition))
    .returning({ id: invoices.id });
  const members = change ? sql`, ${gatedChangeMembers(ctx, change, "applied", "change")}` : sql``;
  try {
    await runBatch(ctx.services, [
      db.execute(sql`with applied as ${update}${members} select ${requireRow("applied", refusal)}`),
    ]);
  } catch (error) {
    throw billingRefusal(error) ?? error;
  }
}
