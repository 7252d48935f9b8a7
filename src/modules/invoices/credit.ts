import { and, eq, isNull, type SQL, sql } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import { type ChangeRecord, gatedChangeMembers } from "../../core/events";
import { tenantRow } from "../../core/tenancy";
import { amountDue, requireRow, toInvoice } from "./rows";
import { type InvoiceRow, invoices } from "./tables";

/** What one credit note (or its voiding, negative) moves on an invoice. */
export interface InvoiceCredit {
  prePayment: number;
  postPayment: number;
  /** 1 for a new note (it takes the next number), 0 for a voided one. */
  numbered: 0 | 1;
}

/**
 * The invoice after a credit note: a pre-payment credit lowers what is owed, and an open (or
 * uncollectible) invoice whose credits cover all it still owes is paid with nothing charged, as
 * Stripe does.
 */
export function creditedInvoice(before: InvoiceRow, credit: InvoiceCredit, now: Date): InvoiceRow {
  const after: InvoiceRow = {
    ...before,
    prePaymentCreditNotesAmount: before.prePaymentCreditNotesAmount + credit.prePayment,
    postPaymentCreditNotesAmount: before.postPaymentCreditNotesAmount + credit.postPayment,
    creditNoteCount: before.creditNoteCount + credit.numbered,
    updatedAt: now,
  };
  const owing = before.status === "open" || before.status === "uncollectible";
  if (owing && credit.prePayment > 0 && amountDue(after) - after.amountPaid === 0) {
    return { ...after, status: "paid", paidAt: now };
  }
  return after;
}

/** The invoice's event for a credit: invoice.paid when the credit paid it, else invoice.updated. */
export function invoiceCreditChange(
  ctx: ServiceContext,
  before: InvoiceRow,
  after: InvoiceRow,
): ChangeRecord {
  const paid = after.status !== before.status;
  return {
    type: paid ? "invoice.paid" : "invoice.updated",
    object: toInvoice(after, ctx.services.config.PUBLIC_URL),
    previousAttributes: {
      ...(paid ? { status: before.status } : {}),
      pre_payment_credit_notes_amount: before.prePaymentCreditNotesAmount,
      post_payment_credit_notes_amount: before.postPaymentCreditNotesAmount,
    },
  };
}

/**
 * One statement that applies `after` to the invoice by compare-and-set on everything the credit
 * was decided from (status, credited amounts, the note count, no charge under way), with `change`
 * (the invoice's event, or null when the caller writes it later) only when it matched. It raises
 * credit_note_conflict (billing_require) when the invoice changed since it was read, so the batch
 * carrying it, and the credit note with it, rolls back.
 */
export function creditInvoiceStatement(
  ctx: ServiceContext,
  before: InvoiceRow,
  after: InvoiceRow,
  change: ChangeRecord | null,
): SQL {
  const { db } = ctx.services;
  const update = db
    .update(invoices)
    .set({
      status: after.status,
      paidAt: after.paidAt,
      prePaymentCreditNotesAmount: after.prePaymentCreditNotesAmount,
      postPaymentCreditNotesAmount: after.postPaymentCreditNotesAmount,
      creditNoteCount: after.creditNoteCount,
      updatedAt: after.updatedAt,
    })
    .where(
      and(
        tenantRow(invoices, ctx, before.id),
        eq(invoices.status, before.status),
        eq(invoices.prePaymentCreditNotesAmount, before.prePaymentCreditNotesAmount),
        eq(invoices.postPaymentCreditNotesAmount, before.postPaymentCreditNotesAmount),
        eq(invoices.creditNoteCount, before.creditNoteCount),
        isNull(invoices.paymentAttempt),
      ),
    )
    .returning({ id: invoices.id });
  const members = change ? sql`, ${gatedChangeMembers(ctx, change, "credited", "invoice_change")}` : sql``;
  return sql`with credited as ${update}${members} select ${requireRow("credited", "credit_note_conflict")}`;
}

/**
 * The update that takes back a post-payment credit whose note was withdrawn because its refund was
 * never made (nothing was announced for it), for a caller's WITH clause: it matches only when the
 * member `gate` (the note's deletion) returned a row. The note's number stays used.
 */
export function withdrawCreditUpdate(
  ctx: ServiceContext,
  invoiceId: string,
  postPayment: number,
  gate: string,
) {
  return ctx.services.db
    .update(invoices)
    .set({
      postPaymentCreditNotesAmount: sql`${invoices.postPaymentCreditNotesAmount} - ${postPayment}`,
      updatedAt: ctx.services.clock.now(),
    })
    .where(and(tenantRow(invoices, ctx, invoiceId), sql`exists (select 1 from ${sql.raw(gate)})`))
    .returning({ id: invoices.id });
}
