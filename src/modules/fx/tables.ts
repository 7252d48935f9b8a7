import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import type { Environment } from "../../core/tables";

/** Every fetched set of mid rates, kept for history and pruned after FX_HISTORY_DAYS. */
export const fxRateSnapshots = pgTable(
  "fx_rate_snapshots",
  {
    id: text("id").primaryKey(),
    source: text("source").notNull(),
    base: text("base").notNull(),
    observedAt: timestamp("observed_at", { withTimezone: true, mode: "date" }).notNull(),
    fetchedAt: timestamp("fetched_at", { withTimezone: true, mode: "date" }).notNull(),
    rates: jsonb("rates").$type<Record<string, string>>().notNull(),
  },
  (table) => [
    uniqueIndex("fx_rate_snapshots_source_observed_key").on(table.source, table.observedAt),
    index("fx_rate_snapshots_fetched_idx").on(table.fetchedAt),
  ],
);

/** A merchant's own markup; the platform default applies without a row. */
export const fxSettings = pgTable(
  "fx_settings",
  {
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    markupBps: integer("markup_bps").notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [uniqueIndex("fx_settings_merchant_key").on(table.merchantId, table.environment)],
);

export const fxQuotes = pgTable(
  "fx_quotes",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    sellCurrency: text("sell_currency").notNull(),
    buyCurrency: text("buy_currency").notNull(),
    sellAmount: bigint("sell_amount", { mode: "number" }).notNull(),
    buyAmount: bigint("buy_amount", { mode: "number" }).notNull(),
    /** What the merchant gets per unit sold, after markup. */
    rate: text("rate").notNull(),
    midRate: text("mid_rate").notNull(),
    markupBps: integer("markup_bps").notNull(),
    /** buy_amount at the mid rate: the difference to buy_amount is the markup, in buy currency. */
    midBuyAmount: bigint("mid_buy_amount", { mode: "number" }).notNull(),
    snapshotId: text("snapshot_id").notNull(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true, mode: "date" }),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    index("fx_quotes_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
  ],
);

export const fxConversions = pgTable(
  "fx_conversions",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    quoteId: text("quote_id").notNull(),
    sellCurrency: text("sell_currency").notNull(),
    buyCurrency: text("buy_currency").notNull(),
    sellAmount: bigint("sell_amount", { mode: "number" }).notNull(),
    buyAmount: bigint("buy_amount", { mode: "number" }).notNull(),
    rate: text("rate").notNull(),
    midRate: text("mid_rate").notNull(),
    markupBps: integer("markup_bps").notNull(),
    markupAmount: bigint("markup_amount", { mode: "number" }).notNull(),
    status: text("status").$type<"succeeded">().notNull(),
    ledgerTransactionId: text("ledger_transaction_id"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    uniqueIndex("fx_conversions_quote_key").on(table.quoteId),
    index("fx_conversions_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
  ],
);

export type FxQuoteRow = typeof fxQuotes.$inferSelect;
export type FxConversionRow = typeof fxConversions.$inferSelect;
