import { and, asc, eq, gt, isNull, lte, sql } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext, Services } from "../../core/context";
import { gatedChangeMembers } from "../../core/events";
import { systemContext } from "../../core/http";
import { onlyMerchant, tenantRow } from "../../core/tenancy";
import {
  type InvoiceRow,
  invoiceCreditChange,
  invoiceOf,
  invoiceQuery,
  withdrawCreditUpdate,
} from "../invoices/service";
import type { Refund } from "../refunds/schemas";
import { createRefund, listRefunds } from "../refunds/service";
import { toCreditNote } from "./rows";
import type { CreditNote } from "./schemas";
import { type CreditNoteRow, creditNotes } from "./tables";

const refundReasons = {
  duplicate: "duplicate",
  fraudulent: "fraudulent",
  order_change: "requested_by_customer",
  product_unsatisfactory: "requested_by_customer",
} as const;

/** The refund createRefund made for this note, found by its metadata (its answer may have been lost). */
async function refundOfNote(
  ctx: ServiceContext,
  row: CreditNoteRow,
  paymentId: string,
): Promise<Refund | undefined> {
  const page = await listRefunds({ ctx, query: { payment: paymentId, limit: 100 } });
  return page.data.find((refund) => refund.metadata.credit_note === row.id);
}

/**
 * Links the refund and announces the note (naming it) and the invoice's change, in one statement
 * that matches only while the note is unlinked: the request and the sweep can't both announce it.
 */
async function linkRefund(
  ctx: ServiceContext,
  row: CreditNoteRow,
  refund: Refund,
  invoice: { before: InvoiceRow; after: InvoiceRow },
): Promise<CreditNote> {
  const { db } = ctx.services;
  const now = ctx.services.clock.now();
  const note = toCreditNote({ ...row, refundId: refund.id, updatedAt: now });
  const link = db
    .update(creditNotes)
    .set({ refundId: refund.id, updatedAt: now })
    .where(and(tenantRow(creditNotes, ctx, row.id), isNull(creditNotes.refundId)))
    .returning({ id: creditNotes.id });
  const noteChange = gatedChangeMembers(ctx, { type: "credit_note.created", object: note }, "linked", "note");
  const invoiceChange = gatedChangeMembers(
    ctx,
    invoiceCreditChange(ctx, invoice.before, invoice.after),
    "linked",
    "invoice",
  );
  await runBatch(ctx.services, [
    db.execute(sql`with linked as ${link}, ${noteChange}, ${invoiceChange} select 1`),
  ]);
  return note;
}

/** Deletes an unlinked, unannounced note and gives its credit back to the invoice, in one statement. */
async function withdrawCreditNote(ctx: ServiceContext, row: CreditNoteRow): Promise<void> {
  const { db } = ctx.services;
  const withdrawn = db
    .delete(creditNotes)
    .where(and(tenantRow(creditNotes, ctx, row.id), isNull(creditNotes.refundId)))
    .returning({ id: creditNotes.id });
  const uncredited = withdrawCreditUpdate(ctx, row.invoiceId, row.total, "withdrawn");
  await runBatch(ctx.services, [
    db.execute(sql`with withdrawn as ${withdrawn}, uncredited as ${uncredited} select 1`),
  ]);
}

/**
 * Refunds a written note's refund_amount on the invoice's payment through the refunds module
 * (its ledger rules; the refund may stay pending), then links it and announces the note. If
 * createRefund throws, a refund it committed before the error is still linked; with none, the
 * note is withdrawn (nothing was announced for it) and the refusal answered.
 */
export async function refundCreditNote(
  ctx: ServiceContext,
  before: InvoiceRow,
  after: InvoiceRow,
  row: CreditNoteRow,
): Promise<CreditNote> {
  const paymentId = before.paymentId ?? "";
  let refund: Refund | undefined;
  try {
    refund = await createRefund({
      ctx,
      paymentId,
      input: {
        amount: row.refundAmount,
        ...(row.reason ? { reason: refundReasons[row.reason] } : {}),
        metadata: { credit_note: row.id, invoice: row.invoiceId },
      },
    });
  } catch (error) {
    refund = await refundOfNote(ctx, row, paymentId);
    if (!refund) {
      await withdrawCreditNote(ctx, row);
      throw error;
    }
  }
  return linkRefund(ctx, row, refund, { before, after });
}

/**
 * Finishes refunding notes whose request died between its steps (run by payment-reconcile, for
 * notes older than the request could still be running): the refund found by its metadata is
 * linked and the note announced (the invoice's event shows the invoice as it is now); with no
 * refund, no money moved and the note is withdrawn. Never creates a refund.
 */
export async function finishCreditNoteRefunds(
  services: Services,
  options: { olderThanMs: number; limit?: number; merchantId?: string },
): Promise<number> {
  const cutoff = new Date(services.clock.now().getTime() - options.olderThanMs);
  const stuck = await services.db
    .select()
    .from(creditNotes)
    .where(
      and(
        gt(creditNotes.refundAmount, 0),
        isNull(creditNotes.refundId),
        eq(creditNotes.status, "issued"),
        lte(creditNotes.createdAt, cutoff),
        onlyMerchant(creditNotes, options.merchantId),
      ),
    )
    .orderBy(asc(creditNotes.createdAt))
    .limit(options.limit ?? 50);
  for (const row of stuck) {
    const ctx = systemContext(services, row, "credit_note_finish");
    const invoice = invoiceOf(await invoiceQuery(ctx, row.invoiceId), row.invoiceId);
    const refund = await refundOfNote(ctx, row, invoice.paymentId ?? "");
    if (!refund) {
      await withdrawCreditNote(ctx, row);
      continue;
    }
    const before = {
      ...invoice,
      postPaymentCreditNotesAmount: invoice.postPaymentCreditNotesAmount - row.total,
    };
    await linkRefund(ctx, row, refund, { before, after: invoice });
  }
  return stuck.length;
}
