import { sql } from "drizzle-orm";
import { bigint, boolean, check, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import type { Environment } from "../../core/tables";

/**
 * A line waiting for, or on, an invoice: pending while invoice_id is null; the invoice that pulls
 * it in sets invoice_id by compare-and-set, so one item lands on one invoice only.
 */
export const invoiceItems = pgTable(
  "invoice_items",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    customerId: text("customer_id").notNull(),
    invoiceId: text("invoice_id"),
    currency: text("currency").notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    quantity: bigint("quantity", { mode: "number" }).notNull(),
    unitAmount: bigint("unit_amount", { mode: "number" }),
    priceId: text("price_id"),
    description: text("description"),
    taxRateIds: jsonb("tax_rate_ids").$type<string[]>().notNull().default([]),
    discountable: boolean("discountable").notNull(),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    index("invoice_items_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
    index("invoice_items_customer_idx").on(table.merchantId, table.environment, table.customerId),
    index("invoice_items_invoice_idx").on(table.invoiceId),
    // Negative amounts are subscription proration credits; the API creates positive items only.
    check("invoice_items_amount_check", sql`${table.amount} <> 0 and ${table.quantity} > 0`),
  ],
);

export type InvoiceItemRow = typeof invoiceItems.$inferSelect;
