import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { Environment } from "../tables";

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

/**
 * One row per (merchant, environment, currency, kind). `balance` is the cached sum of the
 * account's entries, updated under a row lock in the posting's transaction.
 */
export const ledgerAccounts = pgTable(
  "ledger_accounts",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    currency: text("currency").notNull(),
    kind: text("kind").notNull(),
    allowNegative: boolean("allow_negative").notNull(),
    balance: bigint("balance", { mode: "number" }).notNull().default(0),
    createdAt: at("created_at").notNull(),
  },
  (table) => [
    uniqueIndex("ledger_accounts_owner_key").on(
      table.merchantId,
      table.environment,
      table.currency,
      table.kind,
    ),
    // The database refuses an overdraft even if application code had a bug.
    check("ledger_accounts_non_negative", sql`${table.allowNegative} or ${table.balance} >= 0`),
  ],
);

/** One business event's posting; `source` makes posting idempotent per environment. */
export const ledgerTransactions = pgTable(
  "ledger_transactions",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    source: text("source").notNull(),
    type: text("type").notNull(),
    status: text("status").notNull(),
    /** Gross amount moved in `currency` (the first entry's), for display and CSV. */
    amount: bigint("amount", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    sourceObjectId: text("source_object_id"),
    description: text("description"),
    createdAt: at("created_at").notNull(),
  },
  (table) => [
    uniqueIndex("ledger_transactions_source_key").on(table.environment, table.source),
    index("ledger_transactions_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
    index("ledger_transactions_source_object_idx").on(
      table.merchantId,
      table.environment,
      table.sourceObjectId,
    ),
  ],
);

/** Signed amounts; immutable (a trigger refuses UPDATE and DELETE, see migrations). */
export const ledgerEntries = pgTable(
  "ledger_entries",
  {
    id: text("id").primaryKey(),
    transactionId: text("transaction_id")
      .notNull()
      .references(() => ledgerTransactions.id),
    accountId: text("account_id")
      .notNull()
      .references(() => ledgerAccounts.id),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    /** Order of the entry within its transaction. */
    position: integer("position").notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    /** The account's balance right after this entry, for balance history. */
    balanceAfter: bigint("balance_after", { mode: "number" }).notNull(),
    createdAt: at("created_at").notNull(),
  },
  (table) => [
    index("ledger_entries_transaction_idx").on(table.transactionId, table.position),
    index("ledger_entries_account_created_idx").on(table.accountId, table.createdAt, table.id),
  ],
);

export type HoldStatus = "held" | "committed" | "released";

/** Two-phase reservation of available funds; resolves (commit or release) at most once. */
export const holds = pgTable(
  "holds",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    source: text("source").notNull(),
    type: text("type").notNull(),
    currency: text("currency").notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    committedAmount: bigint("committed_amount", { mode: "number" }),
    status: text("status").$type<HoldStatus>().notNull(),
    availableAccountId: text("available_account_id")
      .notNull()
      .references(() => ledgerAccounts.id),
    reservedAccountId: text("reserved_account_id")
      .notNull()
      .references(() => ledgerAccounts.id),
    sourceObjectId: text("source_object_id"),
    createdAt: at("created_at").notNull(),
    resolvedAt: at("resolved_at"),
  },
  (table) => [
    uniqueIndex("holds_source_key").on(table.environment, table.source),
    index("holds_merchant_created_idx").on(table.merchantId, table.environment, table.createdAt),
  ],
);

export type LedgerAccountRow = typeof ledgerAccounts.$inferSelect;
export type LedgerTransactionRow = typeof ledgerTransactions.$inferSelect;
export type LedgerEntryRow = typeof ledgerEntries.$inferSelect;
export type HoldRow = typeof holds.$inferSelect;
