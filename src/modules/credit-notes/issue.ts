import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { notFound } from "../../core/errors";
import { changeStatement } from "../../core/events";
import { newId } from "../../core/ids";
import {
  billingRefusal,
  creditedInvoice,
  creditInvoiceStatement,
  type InvoiceRow,
  invoiceCreditChange,
  invoiceQuery,
} from "../invoices/service";
import { retrievePayment } from "../payments/service";
import { type CreditDecision, decideCredit, requireRefundable } from "./decide";
import { refundCreditNote } from "./refund";
import { creditNoteNumber, toCreditNote } from "./rows";
import type { CreditNote, CreditNoteInput } from "./schemas";
import { type CreditNoteRow, creditNotes } from "./tables";

/** How often an issue reads the invoice again after a concurrent note (or payment) changed it first. */
const ISSUE_ATTEMPTS = 30;

interface Prepared {
  before: InvoiceRow;
  decision: CreditDecision;
  row: CreditNoteRow;
}

/** Reads the invoice (and, for a refund, its payment) and decides the note, writing nothing. */
async function prepareCreditNote(ctx: ServiceContext, input: CreditNoteInput): Promise<Prepared> {
  const [before] = await invoiceQuery(ctx, input.invoice);
  if (!before) throw notFound("invoice", input.invoice, "invoice");
  const decision = decideCredit(input, before);
  if (decision.refundAmount > 0 && before.paymentId !== null) {
    requireRefundable(await retrievePayment({ ctx, id: before.paymentId }), decision.refundAmount);
  }
  const now = ctx.services.clock.now();
  const sequence = before.creditNoteCount + 1;
  const row: CreditNoteRow = {
    id: newId("creditNote"),
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    invoiceId: before.id,
    customerId: before.customerId,
    number: creditNoteNumber(before.number ?? before.id, sequence),
    sequence,
    currency: before.currency,
    status: "issued",
    type: decision.type,
    lines: decision.lines,
    total: decision.total,
    refundAmount: decision.refundAmount,
    outOfBandAmount: decision.outOfBandAmount,
    refundId: null,
    reason: input.reason ?? null,
    memo: input.memo ?? null,
    metadata: input.metadata ?? {},
    voidedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  return { before, decision, row };
}

/** The credit note `POST /credit-notes` would issue now, without writing anything. */
export async function previewCreditNote({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreditNoteInput;
}): Promise<CreditNote> {
  return toCreditNote((await prepareCreditNote(ctx, input)).row);
}

/**
 * Issues a credit note on a finalized invoice. One read, then one write batch: the invoice's
 * credited amounts (and its status, when a pre-payment note covers what it owes) by
 * compare-and-set on what was read, the note, their events. When the invoice changed in between
 * (a concurrent note), nothing is written and the note is decided again on a fresh read, so
 * concurrent notes never credit more than the invoice's total. A note that refunds then calls
 * createRefund (its own transaction and provider call, after this batch) and links the refund.
 */
export async function createCreditNote({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreditNoteInput;
}): Promise<CreditNote> {
  const { db } = ctx.services;
  for (let attempt = 1; ; attempt++) {
    const { before, decision, row } = await prepareCreditNote(ctx, input);
    const after = creditedInvoice(
      before,
      {
        prePayment: decision.type === "pre_payment" ? decision.total : 0,
        postPayment: decision.type === "post_payment" ? decision.total : 0,
        numbered: 1,
      },
      row.createdAt,
    );
    const note = toCreditNote(row);
    // A refunding note is announced once its refund exists, so its event names the refund.
    const announce = decision.refundAmount === 0;
    try {
      await runBatch(ctx.services, [
        db.execute(
          creditInvoiceStatement(
            ctx,
            before,
            after,
            announce ? invoiceCreditChange(ctx, before, after) : null,
          ),
        ),
        db.insert(creditNotes).values(row),
        ...(announce
          ? [db.execute(changeStatement(ctx, { type: "credit_note.created", object: note }))]
          : []),
      ]);
    } catch (error) {
      const refusal = billingRefusal(error);
      if (refusal?.code === "credit_note_conflict" && attempt < ISSUE_ATTEMPTS) continue;
      throw refusal ?? error;
    }
    if (announce) return note;
    return refundCreditNote(ctx, before, after, row);
  }
}
