import { sql } from "drizzle-orm";
import { bigint, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import type { Environment } from "../../core/tables";

export type RefundStatus = "pending" | "succeeded" | "failed" | "canceled";

/** Why a refund is `pending` (public as `pending_reason`), Stripe's names. */
export type RefundPendingReason = "insufficient_funds" | "processing" | "provider_outcome_unknown";

/** Where the refund's money came from, so a failed refund gives back exactly that. */
export interface RefundFundingColumn {
  /** From the payment's own funds still pending. */
  pending: number;
  /** From the merchant's available balance. */
  available: number;
  /** Beyond both: the merchant's balance going negative, within its limit (drawn from pending). */
  negative: number;
  /** The provider's fee given back on a full refund (per-provider rule). */
  feeReturned: number;
}

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
    pendingReason: text("pending_reason").$type<RefundPendingReason>(),
    /** Set when the refund's provider call is recorded; a retry sends the same key. */
    providerKey: text("provider_key"),
    funding: jsonb("funding").$type<RefundFundingColumn>(),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    index("refunds_merchant_created_idx").on(table.merchantId, table.environment, table.createdAt, table.id),
    index("refunds_payment_idx").on(table.merchantId, table.environment, table.paymentId),
    index("refunds_pending_idx").on(table.updatedAt).where(sql`status = 'pending'`),
  ],
);

export type RefundRow = typeof refunds.$inferSelect;
