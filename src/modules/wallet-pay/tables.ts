import { bigint, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import type { Environment } from "../../core/tables";

export const wallets = ["apple_pay", "google_pay"] as const;
export type Wallet = (typeof wallets)[number];
/** open → processing (a token is being paid) → complete; back to open when the payment is declined. */
export const walletSessionStatuses = ["open", "processing", "complete"] as const;
export type WalletSessionStatus = (typeof walletSessionStatuses)[number];

export const walletSessions = pgTable(
  "wallet_sessions",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    wallet: text("wallet").$type<Wallet>().notNull(),
    status: text("status").$type<WalletSessionStatus>().notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    country: text("country").notNull(),
    merchantDomain: text("merchant_domain").notNull(),
    displayName: text("display_name").notNull(),
    paymentId: text("payment_id"),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true }).notNull(),
  },
  (table) => [
    index("wallet_sessions_tenant_created").on(table.merchantId, table.environment, table.createdAt),
  ],
);

export type WalletSessionRow = typeof walletSessions.$inferSelect;

/**
 * Tokens already presented, by SHA-256 of their signed part: a token is accepted once, for every
 * merchant (its hash is the key). Nothing else of the token is kept.
 */
export const walletTokens = pgTable("wallet_tokens", {
  tokenHash: text("token_hash").primaryKey(),
  merchantId: text("merchant_id").notNull(),
  environment: text("environment").$type<Environment>().notNull(),
  sessionId: text("session_id").notNull(),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
});
