import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { Environment } from "../../core/tables";

export type InvoiceStatus = "draft" | "open" | "paid" | "void" | "uncollectible";
export type CollectionMethod = "charge_automatically" | "send_invoice";

/** A line as the invoice shows it: the item it came from, its discount share and taxes, exact. */
export interface InvoiceLineColumn {
  invoiceItem: string;
  description: string | null;
  amount: number;
  quantity: number;
  unitAmount: number | null;
  price: string | null;
  discountable: boolean;
  discountPrecise: string;
  taxes: Array<{ taxRate: string; amountPrecise: string }>;
}

/** One tax rate's total on the invoice: rounded once, half up, beside its exact amount. */
export interface InvoiceTaxColumn {
  taxRate: string;
  inclusive: boolean;
  percentage: number;
  amount: number;
  amountPrecise: string;
  taxableAmountPrecise: string;
}

export interface PaymentAttemptColumn {
  key: string;
  startedAt: string;
}

export const invoices = pgTable(
  "invoices",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    customerId: text("customer_id").notNull(),
    status: text("status").$type<InvoiceStatus>().notNull(),
    number: text("number"),
    currency: text("currency").notNull(),
    collectionMethod: text("collection_method").$type<CollectionMethod>().notNull(),
    daysUntilDue: integer("days_until_due"),
    dueAt: timestamp("due_at", { withTimezone: true, mode: "date" }),
    description: text("description"),
    couponId: text("coupon_id"),
    lines: jsonb("lines").$type<InvoiceLineColumn[]>().notNull(),
    taxes: jsonb("taxes").$type<InvoiceTaxColumn[]>().notNull(),
    subtotal: bigint("subtotal", { mode: "number" }).notNull(),
    discountAmount: bigint("discount_amount", { mode: "number" }).notNull(),
    total: bigint("total", { mode: "number" }).notNull(),
    totalExcludingTax: bigint("total_excluding_tax", { mode: "number" }).notNull(),
    amountPaid: bigint("amount_paid", { mode: "number" }).notNull(),
    /** What issued credit notes took off before payment: amount_due is total minus this. */
    prePaymentCreditNotesAmount: bigint("pre_payment_credit_notes_amount", { mode: "number" })
      .notNull()
      .default(0),
    /** What issued credit notes gave back after payment (refunded or out of band). */
    postPaymentCreditNotesAmount: bigint("post_payment_credit_notes_amount", { mode: "number" })
      .notNull()
      .default(0),
    /** Credit notes numbered on this invoice, void ones included: the next one is this plus one. */
    creditNoteCount: integer("credit_note_count").notNull().default(0),
    paidOutOfBand: boolean("paid_out_of_band").notNull(),
    /** mark_paid's reference (a bank transfer's, a cheque's). */
    paymentReference: text("payment_reference"),
    /** The payment that paid it through pay. */
    paymentId: text("payment_id"),
    /** pay's claim while its charge is under way, so a second pay can't charge again. */
    paymentAttempt: jsonb("payment_attempt").$type<PaymentAttemptColumn>(),
    attemptCount: integer("attempt_count").notNull(),
    /** The credential of the hosted view's URL (the customer has no API key). */
    hostedToken: text("hosted_token").notNull(),
    /** A subscription renewal's draft: when the subscription-cycle finalizes and charges it (Stripe's automatic finalization). */
    autoFinalizeAt: timestamp("auto_finalize_at", { withTimezone: true, mode: "date" }),
    finalizedAt: timestamp("finalized_at", { withTimezone: true, mode: "date" }),
    paidAt: timestamp("paid_at", { withTimezone: true, mode: "date" }),
    voidedAt: timestamp("voided_at", { withTimezone: true, mode: "date" }),
    markedUncollectibleAt: timestamp("marked_uncollectible_at", { withTimezone: true, mode: "date" }),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    index("invoices_merchant_created_idx").on(table.merchantId, table.environment, table.createdAt, table.id),
    index("invoices_customer_idx").on(table.merchantId, table.environment, table.customerId),
    uniqueIndex("invoices_number_idx").on(table.merchantId, table.environment, table.number),
    // The charges left pending, which the invoice-payments function follows every minute.
    index("invoices_pending_charge_idx")
      .on(table.id)
      .where(sql`${table.paymentAttempt} is not null and ${table.paymentId} is not null`),
    // The reminders' scan: open invoices by due date.
    index("invoices_open_due_idx")
      .on(table.dueAt)
      .where(sql`${table.status} = 'open' and ${table.dueAt} is not null`),
    // The arithmetic's invariants, held by the database whatever writes the row.
    check(
      "invoices_amounts_check",
      sql`${table.subtotal} >= 0 and ${table.discountAmount} between 0 and ${table.subtotal} and ${table.total} >= 0
        and ${table.amountPaid} between 0 and ${table.total}`,
    ),
    // Credit notes never credit more than the invoice's total, whatever races to write them.
    check(
      "invoices_credit_notes_check",
      sql`${table.prePaymentCreditNotesAmount} >= 0 and ${table.postPaymentCreditNotesAmount} >= 0
        and ${table.prePaymentCreditNotesAmount} + ${table.postPaymentCreditNotesAmount} <= ${table.total}
        and ${table.prePaymentCreditNotesAmount} + ${table.amountPaid} <= ${table.total}`,
    ),
    check(
      "invoices_status_check",
      sql`${table.status} in ('draft', 'open', 'paid', 'void', 'uncollectible')`,
    ),
  ],
);

export type InvoiceRow = typeof invoices.$inferSelect;

export const DEFAULT_REMINDER_BEFORE_DUE_DAYS = [3];
export const DEFAULT_REMINDER_AFTER_DUE_DAYS = [1, 7, 14];

/**
 * The invoice settings of an account: the numbering (the prefix and the last number given;
 * finalizing takes the next number in the same statement that opens the invoice, so numbers have
 * no gaps) and the reminders of open invoices with a due date.
 */
export const invoiceNumbering = pgTable(
  "invoice_numbering",
  {
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    prefix: text("prefix").notNull(),
    lastNumber: integer("last_number").notNull(),
    /** Days before the due date a reminder goes out (`invoice.will_be_due`). */
    reminderBeforeDueDays: integer("reminder_before_due_days")
      .array()
      .notNull()
      .default(sql.raw(`'{${DEFAULT_REMINDER_BEFORE_DUE_DAYS.join(",")}}'::integer[]`)),
    /** Days after the due date a reminder goes out (`invoice.overdue`). */
    reminderAfterDueDays: integer("reminder_after_due_days")
      .array()
      .notNull()
      .default(sql.raw(`'{${DEFAULT_REMINDER_AFTER_DUE_DAYS.join(",")}}'::integer[]`)),
    remindersEnabled: boolean("reminders_enabled").notNull().default(true),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.merchantId, table.environment] })],
);

export type InvoiceNumberingRow = typeof invoiceNumbering.$inferSelect;

export type ReminderKind = "before_due" | "after_due";

/**
 * Each reminder sent, once: the unique (invoice, kind, offset) is what makes two concurrent runs
 * send it once, as its event and email are written by the same statement, gated on this insert.
 */
export const invoiceReminders = pgTable(
  "invoice_reminders",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    invoiceId: text("invoice_id").notNull(),
    kind: text("kind").$type<ReminderKind>().notNull(),
    offsetDays: integer("offset_days").notNull(),
    /** When it was due: the due date less or plus the offset. */
    scheduledAt: timestamp("scheduled_at", { withTimezone: true, mode: "date" }).notNull(),
    /** The outbox email, or null when the customer has no email address. */
    emailId: text("email_id"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    uniqueIndex("invoice_reminders_invoice_kind_offset_idx").on(
      table.invoiceId,
      table.kind,
      table.offsetDays,
    ),
    check("invoice_reminders_kind_check", sql`${table.kind} in ('before_due', 'after_due')`),
  ],
);
