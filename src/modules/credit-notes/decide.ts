import { ApiError } from "../../core/errors";
import { amountRemaining, type InvoiceRow } from "../invoices/service";
import type { Payment } from "../payments/schemas";
import type { CreditNoteInput } from "./schemas";
import type { CreditNoteLineColumn, CreditNoteType } from "./tables";

/** What a credit note does, decided from the invoice as read (no I/O). */
export interface CreditDecision {
  type: CreditNoteType;
  lines: CreditNoteLineColumn[];
  total: number;
  refundAmount: number;
  outOfBandAmount: number;
}

function amountInvalid(message: string, param: string): ApiError {
  return new ApiError("credit_note_amount_invalid", { message, param });
}

/** A share of an invoice line: its unit price times quantity, or pro rata (half up) when it has none. */
function lineShare(line: InvoiceRow["lines"][number], quantity: number): number {
  if (line.unitAmount !== null) return line.unitAmount * quantity;
  const scaled = BigInt(line.amount) * BigInt(quantity) * 2n + BigInt(line.quantity);
  return Number(scaled / (2n * BigInt(line.quantity)));
}

function creditLines(input: CreditNoteInput, invoice: InvoiceRow): CreditNoteLineColumn[] {
  if (input.lines !== undefined && input.amount !== undefined) {
    throw amountInvalid("Give the total one way: lines or amount, not both.", "amount");
  }
  if (input.amount !== undefined) {
    return [
      {
        type: "custom_line_item",
        invoiceLineItem: null,
        description: null,
        quantity: null,
        amount: input.amount,
      },
    ];
  }
  if (input.lines === undefined) {
    throw new ApiError("parameter_missing", { param: "amount", message: "Send lines or amount." });
  }
  const credited = new Map<string, number>();
  return input.lines.map((line, index): CreditNoteLineColumn => {
    if (line.type === "custom_line_item") {
      return {
        type: line.type,
        invoiceLineItem: null,
        description: line.description,
        quantity: null,
        amount: line.amount,
      };
    }
    const param = `lines[${index}]`;
    const invoiceLine = invoice.lines.find((candidate) => candidate.invoiceItem === line.invoice_line_item);
    if (!invoiceLine) {
      throw new ApiError("parameter_invalid", {
        param: `${param}.invoice_line_item`,
        message: `${line.invoice_line_item} is not a line of invoice ${invoice.id}.`,
      });
    }
    if (line.quantity !== undefined && line.amount !== undefined) {
      throw amountInvalid("A line is credited by quantity or by amount, not both.", `${param}.amount`);
    }
    if (line.quantity !== undefined && line.quantity > invoiceLine.quantity) {
      throw amountInvalid(`The invoice line has a quantity of ${invoiceLine.quantity}.`, `${param}.quantity`);
    }
    const amount =
      line.amount ??
      (line.quantity === undefined ? invoiceLine.amount : lineShare(invoiceLine, line.quantity));
    const sum = (credited.get(invoiceLine.invoiceItem) ?? 0) + amount;
    if (sum > invoiceLine.amount) {
      throw amountInvalid(
        `The invoice line is ${invoiceLine.amount}; this note credits ${sum} of it.`,
        param,
      );
    }
    credited.set(invoiceLine.invoiceItem, sum);
    return {
      type: line.type,
      invoiceLineItem: invoiceLine.invoiceItem,
      description: invoiceLine.description,
      quantity: line.quantity ?? (line.amount === undefined ? invoiceLine.quantity : null),
      amount,
    };
  });
}

/** How a paid invoice's note gives its total back: refunded and out of band, adding up to it. */
function postPaymentSplit(input: CreditNoteInput, invoice: InvoiceRow, total: number) {
  const paidThroughPayment = invoice.paymentId !== null && !invoice.paidOutOfBand;
  if (!paidThroughPayment && (input.refund_amount ?? 0) > 0) {
    throw amountInvalid(
      "This invoice was paid without a payment through MagnetPay: only out_of_band_amount can give money back.",
      "refund_amount",
    );
  }
  const refundAmount =
    input.refund_amount ?? (paidThroughPayment ? total - (input.out_of_band_amount ?? 0) : 0);
  const outOfBandAmount = input.out_of_band_amount ?? total - refundAmount;
  if (refundAmount < 0 || outOfBandAmount < 0 || refundAmount + outOfBandAmount !== total) {
    throw amountInvalid(
      `refund_amount + out_of_band_amount must equal the total, ${total} (there is no customer credit balance).`,
      "refund_amount",
    );
  }
  return { refundAmount, outOfBandAmount };
}

/**
 * The credit note the input makes on the invoice as read: its lines and total, never more than the
 * invoice has left to credit (its total less every issued note's), and how the total is given back.
 */
export function decideCredit(input: CreditNoteInput, invoice: InvoiceRow): CreditDecision {
  if (invoice.status === "draft" || invoice.status === "void") {
    throw new ApiError("credit_note_invoice_status_invalid", {
      param: "invoice",
      message: `A ${invoice.status} invoice takes no credit note; it must be open, paid or uncollectible.`,
    });
  }
  if (invoice.paymentAttempt !== null)
    throw new ApiError("invoice_payment_in_progress", { param: "invoice" });
  const lines = creditLines(input, invoice);
  const total = lines.reduce((sum, line) => sum + line.amount, 0);
  const type: CreditNoteType = invoice.status === "paid" ? "post_payment" : "pre_payment";
  const uncredited =
    invoice.total - invoice.prePaymentCreditNotesAmount - invoice.postPaymentCreditNotesAmount;
  const creditable = type === "pre_payment" ? Math.min(uncredited, amountRemaining(invoice)) : uncredited;
  if (total > creditable) {
    throw amountInvalid(
      `The invoice has ${creditable} ${invoice.currency} left to credit; this note is for ${total}.`,
      input.amount === undefined ? "lines" : "amount",
    );
  }
  if (type === "pre_payment") {
    for (const param of ["refund_amount", "out_of_band_amount"] as const) {
      if (input[param] !== undefined) {
        throw amountInvalid(`${param} is for paid invoices; this note lowers what the invoice owes.`, param);
      }
    }
    return { type, lines, total, refundAmount: 0, outOfBandAmount: 0 };
  }
  return { type, lines, total, ...postPaymentSplit(input, invoice, total) };
}

/** Refuses a refund the invoice's payment can't make, before anything is written. */
export function requireRefundable(payment: Payment, refundAmount: number): void {
  const left = payment.amount_received - payment.amount_refunded;
  if (refundAmount > left) {
    throw amountInvalid(
      `The invoice's payment has ${left} ${payment.currency} left to refund; refund_amount is ${refundAmount}.`,
      "refund_amount",
    );
  }
}
