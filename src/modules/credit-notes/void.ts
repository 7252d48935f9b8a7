import { and, eq, sql } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError, notFound } from "../../core/errors";
import { gatedChangeMembers } from "../../core/events";
import { tenantRow } from "../../core/tenancy";
import {
  billingRefusal,
  creditedInvoice,
  creditInvoiceStatement,
  type InvoiceRow,
  invoiceCreditChange,
  invoiceOf,
  invoiceQueryOf,
  requireRow,
} from "../invoices/service";
import { toCreditNote } from "./rows";
import type { CreditNote } from "./schemas";
import { type CreditNoteRow, creditNotes } from "./tables";

const VOID_ATTEMPTS = 30;

/**
 * Why the note can't be voided, or null: only an issued note that moved no money through
 * MagnetPay, and a pre-payment one only while its invoice is still owed (open or uncollectible).
 */
function voidRefusal(note: CreditNoteRow, invoice: InvoiceRow): string | null {
  if (note.status === "void") return "The credit note is already void.";
  if (note.refundAmount > 0) return "The credit note refunded a payment; a refund can't be taken back.";
  if (note.type === "pre_payment" && invoice.status !== "open" && invoice.status !== "uncollectible") {
    return `The invoice is ${invoice.status}: what the note took off can no longer be owed again.`;
  }
  return null;
}

/**
 * issued → void. A pre-payment note gives its total back to the invoice's amount_due; an out of
 * band post-payment note gives back what the invoice has left to credit (no money moves either
 * way). One read batch (the note and its invoice), then one write batch: the invoice by
 * compare-and-set (read again when a concurrent note changed it), the note while still issued,
 * the events.
 */
export async function voidCreditNote({ ctx, id }: { ctx: ServiceContext; id: string }): Promise<CreditNote> {
  const { db } = ctx.services;
  for (let attempt = 1; ; attempt++) {
    const [noteRows, invoiceRows] = await db.batch([
      db
        .select()
        .from(creditNotes)
        .where(tenantRow(creditNotes, ctx, id))
        .limit(1),
      invoiceQueryOf(
        ctx,
        sql`(select ${creditNotes.invoiceId} from ${creditNotes} where ${tenantRow(creditNotes, ctx, id)})`,
      ),
    ]);
    const [note] = noteRows;
    if (!note) throw notFound("credit_note", id);
    const before = invoiceOf(invoiceRows, note.invoiceId);
    const refusal = voidRefusal(note, before);
    if (refusal) throw new ApiError("credit_note_not_voidable", { message: refusal });
    // A held pay claim would fail every compare-and-set below: answer it rather than retry.
    if (before.paymentAttempt !== null) throw new ApiError("invoice_payment_in_progress");
    const now = ctx.services.clock.now();
    const after = creditedInvoice(
      before,
      {
        prePayment: note.type === "pre_payment" ? -note.total : 0,
        postPayment: note.type === "post_payment" ? -note.total : 0,
        numbered: 0,
      },
      now,
    );
    const voided: CreditNoteRow = { ...note, status: "void", voidedAt: now, updatedAt: now };
    const object = toCreditNote(voided);
    const update = db
      .update(creditNotes)
      .set({ status: "void", voidedAt: now, updatedAt: now })
      .where(and(tenantRow(creditNotes, ctx, id), eq(creditNotes.status, "issued")))
      .returning({ id: creditNotes.id });
    const change = gatedChangeMembers(
      ctx,
      { type: "credit_note.voided", object, previousAttributes: { status: "issued" } },
      "voided",
      "change",
    );
    try {
      await runBatch(ctx.services, [
        db.execute(
          sql`with voided as ${update}, ${change} select ${requireRow("voided", "credit_note_not_voidable")}`,
        ),
        db.execute(creditInvoiceStatement(ctx, before, after, invoiceCreditChange(ctx, before, after))),
      ]);
      return object;
    } catch (error) {
      const refused = billingRefusal(error);
      if (refused?.code === "credit_note_conflict" && attempt < VOID_ATTEMPTS) continue;
      throw refused ?? error;
    }
  }
}
