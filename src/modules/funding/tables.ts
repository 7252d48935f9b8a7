import { bigint, index, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import type { Environment } from "../../core/tables";

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export type FundingMethod = "wire" | "sepa" | "ach" | "swift";
export type FundingDepositStatus = "pending" | "received" | "credited" | "failed" | "canceled";

/** A merchant's declared transfer into its balance; credited through the ledger on arrival. */
export const fundingDeposits = pgTable(
  "funding_deposits",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    amountReceived: bigint("amount_received", { mode: "number" }),
    currency: text("currency").notNull(),
    method: text("method").$type<FundingMethod>().notNull(),
    status: text("status").$type<FundingDepositStatus>().notNull(),
    reference: text("reference").notNull(),
    description: text("description"),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    failureReason: text("failure_reason"),
    creditTransactionId: text("credit_transaction_id"),
    expectedAt: at("expected_at"),
    receivedAt: at("received_at"),
    creditedAt: at("credited_at"),
    failedAt: at("failed_at"),
    canceledAt: at("canceled_at"),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (table) => [
    index("funding_deposits_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
  ],
);

/** The transfer reference that names a merchant's balance, so an incoming wire can be matched to it. */
export const fundingReferences = pgTable(
  "funding_references",
  {
    reference: text("reference").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    createdAt: at("created_at").notNull(),
  },
  (table) => [uniqueIndex("funding_references_merchant_key").on(table.merchantId, table.environment)],
);

export type FundingDepositRow = typeof fundingDeposits.$inferSelect;
