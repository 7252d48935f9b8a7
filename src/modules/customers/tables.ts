import { index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import type { Environment } from "../../core/tables";

export interface AddressColumn {
  line1: string | null;
  line2: string | null;
  city: string | null;
  state: string | null;
  postal_code: string | null;
  country: string | null;
}

export interface TaxIdColumn {
  type: string;
  value: string;
}

export const customers = pgTable(
  "customers",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    email: text("email"),
    name: text("name"),
    phone: text("phone"),
    description: text("description"),
    address: jsonb("address").$type<AddressColumn>(),
    preferredCurrency: text("preferred_currency"),
    invoiceEmail: text("invoice_email"),
    taxIds: jsonb("tax_ids").$type<TaxIdColumn[]>().notNull().default([]),
    defaultPaymentMethod: text("default_payment_method"),
    /** A sandbox test clock (test-clocks module): the customer and its subscriptions live on its time. */
    testClockId: text("test_clock_id"),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    deletedAt: timestamp("deleted_at", { withTimezone: true, mode: "date" }),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    index("customers_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
    index("customers_merchant_email_idx").on(table.merchantId, table.environment, table.email),
  ],
);

export type CustomerRow = typeof customers.$inferSelect;
