import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { Environment } from "../../core/tables";

export type CreditNoteStatus = "issued" | "void";
/** pre_payment: lowered what an open invoice owes; post_payment: gave back part of what a paid one got. */
export type CreditNoteType = "pre_payment" | "post_payment";
export type CreditNoteReason = "duplicate" | "fraudulent" | "order_change" | "product_unsatisfactory";

/** One credited line: part of an invoice line (its invoice item's id), or a custom one. */
export interface CreditNoteLineColumn {
  type: "invoice_line_item" | "custom_line_item";
  invoiceLineItem: string | null;
  description: string | null;
  quantity: number | null;
  amount: number;
}

export const creditNotes = pgTable(
  "credit_notes",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    invoiceId: text("invoice_id").notNull(),
    customerId: text("customer_id").notNull(),
    /** The invoice's number, -CN-, and the note's sequence on the invoice. */
    number: text("number").notNull(),
    /** The position among the invoice's notes (the number's suffix). */
    sequence: integer("sequence").notNull(),
    currency: text("currency").notNull(),
    status: text("status").$type<CreditNoteStatus>().notNull(),
    type: text("type").$type<CreditNoteType>().notNull(),
    lines: jsonb("lines").$type<CreditNoteLineColumn[]>().notNull(),
    total: bigint("total", { mode: "number" }).notNull(),
    /** Given back through a refund of the invoice's payment (post_payment only). */
    refundAmount: bigint("refund_amount", { mode: "number" }).notNull(),
    /** Given back outside MagnetPay (post_payment only): no ledger posting. */
    outOfBandAmount: bigint("out_of_band_amount", { mode: "number" }).notNull(),
    /** The refund, linked once createRefund made it. */
    refundId: text("refund_id"),
    reason: text("reason").$type<CreditNoteReason>(),
    memo: text("memo"),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    voidedAt: timestamp("voided_at", { withTimezone: true, mode: "date" }),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    index("credit_notes_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
    index("credit_notes_customer_idx").on(table.merchantId, table.environment, table.customerId),
    uniqueIndex("credit_notes_invoice_sequence_idx").on(table.invoiceId, table.sequence),
    // payment-reconcile's sweep: refunding notes not yet linked to their refund.
    index("credit_notes_unlinked_idx")
      .on(table.createdAt)
      .where(sql`refund_amount > 0 and refund_id is null and status = 'issued'`),
    check(
      "credit_notes_amounts_check",
      sql`${table.total} > 0 and ${table.refundAmount} >= 0 and ${table.outOfBandAmount} >= 0
        and (${table.type} = 'pre_payment' and ${table.refundAmount} = 0 and ${table.outOfBandAmount} = 0
          or ${table.type} = 'post_payment' and ${table.refundAmount} + ${table.outOfBandAmount} = ${table.total})`,
    ),
    check("credit_notes_status_check", sql`${table.status} in ('issued', 'void')`),
  ],
);

export type CreditNoteRow = typeof creditNotes.$inferSelect;
