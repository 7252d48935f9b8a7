import { sql } from "drizzle-orm";
import {
  bigint,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { type Environment, type Weekday, weekdays } from "../../core/tables";

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const settlementIntervals = ["daily", "weekly", "custom"] as const;
export type SettlementInterval = (typeof settlementIntervals)[number];

export { type Weekday, weekdays };

/** A merchant's settlement schedule per environment; a merchant without a row settles daily. */
export const settlementSchedules = pgTable(
  "settlement_schedules",
  {
    id: text("id").notNull().unique(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    interval: text("interval").$type<SettlementInterval>().notNull(),
    weeklyAnchor: text("weekly_anchor").$type<Weekday>(),
    /** The effective cron (UTC) for every interval: what settlement-run evaluates. */
    cron: text("cron").notNull(),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (table) => [primaryKey({ columns: [table.merchantId, table.environment] })],
);

/** One settlement batch per merchant, environment, currency and period: the unique key makes a run exactly-once. */
export const settlements = pgTable(
  "settlements",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    currency: text("currency").notNull(),
    periodStart: at("period_start").notNull(),
    periodEnd: at("period_end").notNull(),
    gross: bigint("gross", { mode: "number" }).notNull(),
    refunds: bigint("refunds", { mode: "number" }).notNull(),
    fees: bigint("fees", { mode: "number" }).notNull(),
    adjustments: bigint("adjustments", { mode: "number" }).notNull(),
    net: bigint("net", { mode: "number" }).notNull(),
    chargeCount: integer("charge_count").notNull(),
    refundCount: integer("refund_count").notNull(),
    /** The pending → available posting; null when nothing moved (net 0). */
    ledgerTransactionId: text("ledger_transaction_id"),
    /** Set when the settlement is of a test clock's payments (its customers'), made as that clock advanced. */
    testClockId: text("test_clock_id"),
    createdAt: at("created_at").notNull(),
  },
  (table) => [
    // A period settles once on real time, and once on each test clock.
    uniqueIndex("settlements_period_key").on(
      table.merchantId,
      table.environment,
      table.currency,
      table.periodEnd,
      sql`coalesce(${table.testClockId}, '')`,
    ),
    index("settlements_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
  ],
);

export const reportingCategories = ["charge", "refund"] as const;
export type ReportingCategory = (typeof reportingCategories)[number];

/**
 * The balance transactions a settlement released, one row each: its id is the ledger transaction's
 * (a balance transaction settles once, so it is unique).
 */
export const settlementItems = pgTable(
  "settlement_items",
  {
    id: text("id").primaryKey(),
    settlementId: text("settlement_id").notNull(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    currency: text("currency").notNull(),
    reportingCategory: text("reporting_category").$type<ReportingCategory>().notNull(),
    sourceId: text("source_id").notNull(),
    gross: bigint("gross", { mode: "number" }).notNull(),
    fee: bigint("fee", { mode: "number" }).notNull(),
    net: bigint("net", { mode: "number" }).notNull(),
    availableOn: at("available_on").notNull(),
    /** The balance transaction's own creation time. */
    createdAt: at("created_at").notNull(),
  },
  (table) => [index("settlement_items_settlement_idx").on(table.settlementId, table.createdAt, table.id)],
);

export type SettlementScheduleRow = typeof settlementSchedules.$inferSelect;
export type SettlementRow = typeof settlements.$inferSelect;
export type SettlementItemRow = typeof settlementItems.$inferSelect;
