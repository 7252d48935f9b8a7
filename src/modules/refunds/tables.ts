import { bigint, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import type { Environment } from "../../core/tables";

export type RefundStatus = "pending" | "succeeded" | "failed" | "canceled";

export const refunds = pgTable(
  "refunds",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    paymentId: text("payment_id").notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    status: text("status").$type<RefundStatus>().notNull(),
    reason: text("reason"),
    provider: text("provider").notNull(),
    providerReference: text("provider_reference"),
    failureCode: text("failure_code"),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    index("refunds_merchant_created_idx").on(table.merchantId, table.environment, table.createdAt, table.id),
    index("refunds_payment_idx").on(table.merchantId, table.environment, table.paymentId),
  ],
);

export type RefundRow = typeof refunds.$inferSelect;
