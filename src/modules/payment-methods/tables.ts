import { index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import type { Environment } from "../../core/tables";

/** What is kept of a card: never the number or the CVC (PCI DSS 3.3.1, 3.5.1). */
export interface CardColumn {
  brand: string;
  last4: string;
  exp_month: number;
  exp_year: number;
  country: string | null;
  funding: string;
  fingerprint: string;
  holder_name: string | null;
}

export interface BillingColumn {
  name: string | null;
  email: string | null;
  country: string | null;
}

export const paymentMethods = pgTable(
  "payment_methods",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    type: text("type").notNull(),
    customerId: text("customer_id"),
    card: jsonb("card").$type<CardColumn>(),
    upiVpa: text("upi_vpa"),
    billing: jsonb("billing").$type<BillingColumn>().notNull(),
    /** Sandbox only: the outcome the test card, VPA or amount asked for; not sensitive. */
    sandboxBehavior: text("sandbox_behavior"),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    detachedAt: timestamp("detached_at", { withTimezone: true, mode: "date" }),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    index("payment_methods_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
    index("payment_methods_customer_idx").on(
      table.merchantId,
      table.environment,
      table.customerId,
      table.createdAt,
    ),
  ],
);

export type PaymentMethodRow = typeof paymentMethods.$inferSelect;
