import type { ServiceContext } from "../../core/context";
import { notFound } from "../../core/errors";
import { tenantRow } from "../../core/tenancy";
import type { CreditNote } from "./schemas";
import { type CreditNoteRow, creditNotes } from "./tables";

export function toCreditNote(row: CreditNoteRow): CreditNote {
  const prePayment = row.type === "pre_payment" ? row.total : 0;
  return {
    id: row.id,
    object: "credit_note",
    environment: row.environment,
    number: row.number,
    invoice: row.invoiceId,
    customer: row.customerId,
    currency: row.currency,
    status: row.status,
    type: row.type,
    lines: row.lines.map((line) => ({
      type: line.type,
      invoice_line_item: line.invoiceLineItem,
      description: line.description,
      quantity: line.quantity,
      amount: line.amount,
    })),
    amount: row.total,
    total: row.total,
    pre_payment_amount: prePayment,
    post_payment_amount: row.total - prePayment,
    refund_amount: row.refundAmount,
    out_of_band_amount: row.outOfBandAmount,
    refund: row.refundId,
    reason: row.reason,
    memo: row.memo,
    voided_at: row.voidedAt?.toISOString() ?? null,
    metadata: row.metadata,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** `{invoice number}-CN-{sequence}`, two digits at least: INV-0001-CN-01. */
export function creditNoteNumber(invoiceNumber: string, sequence: number): string {
  return `${invoiceNumber}-CN-${String(sequence).padStart(2, "0")}`;
}

export async function readCreditNote(ctx: ServiceContext, id: string): Promise<CreditNoteRow> {
  const [row] = await ctx.services.db
    .select()
    .from(creditNotes)
    .where(tenantRow(creditNotes, ctx, id))
    .limit(1);
  if (!row) throw notFound("credit_note", id);
  return row;
}
