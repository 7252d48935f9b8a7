import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { RailId } from "../../core/rails";
import type { Environment, Weekday } from "../../core/tables";

export const payoutStatuses = ["pending", "in_transit", "paid", "failed", "canceled"] as const;
export type PayoutStatus = (typeof payoutStatuses)[number];
export const payoutMethods = ["standard", "instant"] as const;
export type PayoutMethod = (typeof payoutMethods)[number];

export const payouts = pgTable(
  "payouts",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    /** Instant and SWIFT payouts (payoutFee); debited from available with the amount, returned with it on failure. */
    fee: bigint("fee", { mode: "number" }).notNull(),
    method: text("method").$type<PayoutMethod>().notNull(),
    /** The bank rail; null for a payout to a crypto wallet. */
    rail: text("rail").$type<RailId>(),
    /** The bank account paid; null for a payout to a crypto wallet. */
    bankAccountId: text("bank_account_id"),
    /**
     * A payout to a crypto wallet: the crypto transfer that sends it (the one source of its on-chain
     * state and of its reservation), and what it was asked to send, for the payout object.
     */
    cryptoTransferId: text("crypto_transfer_id"),
    cryptoNetwork: text("crypto_network"),
    cryptoAsset: text("crypto_asset"),
    /** Whole units of the asset, as the transfer's amount_decimal. */
    cryptoAmount: text("crypto_amount"),
    cryptoAddress: text("crypto_address"),
    statementDescriptor: text("statement_descriptor"),
    status: text("status").$type<PayoutStatus>().notNull(),
    /** The rail's cut-off whose window carries the payout: payout-batch submits it from then on. */
    windowAt: timestamp("window_at", { withTimezone: true, mode: "date" }).notNull(),
    /** Rail-local days (YYYY-MM-DD) from the rail calendar. */
    arrivalDate: text("arrival_date").notNull(),
    returnDeadline: text("return_deadline").notNull(),
    /** The submission group (rail and cut-off) it left in. */
    batchId: text("batch_id"),
    /**
     * Production: the rail provider's transfer id (stored by the compare-and-set that moves the payout
     * in transit) and when payout-batch took the payout to submit it (a cancel is refused from then:
     * the provider may have it) and last asked the provider about it (the poll takes the oldest first).
     */
    railTransferId: text("rail_transfer_id"),
    railClaimedAt: timestamp("rail_claimed_at", { withTimezone: true, mode: "date" }),
    railCheckedAt: timestamp("rail_checked_at", { withTimezone: true, mode: "date" }),
    failureCode: text("failure_code"),
    failureMessage: text("failure_message"),
    submittedAt: timestamp("submitted_at", { withTimezone: true, mode: "date" }),
    paidAt: timestamp("paid_at", { withTimezone: true, mode: "date" }),
    failedAt: timestamp("failed_at", { withTimezone: true, mode: "date" }),
    returnedAt: timestamp("returned_at", { withTimezone: true, mode: "date" }),
    canceledAt: timestamp("canceled_at", { withTimezone: true, mode: "date" }),
    /**
     * Automatic payouts only: the schedule's fire time (period end) it pays out for. Unique per
     * merchant, environment and currency, so a rerun or a concurrent run of payout-automatic cannot
     * create a second payout for the period (null for manual payouts: nulls never collide).
     */
    schedulePeriodEnd: timestamp("schedule_period_end", { withTimezone: true, mode: "date" }),
    /** Sandbox: the merchant's test clock it moves on (its hook, as the clock advances); null: real time. */
    testClockId: text("test_clock_id"),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    index("payouts_merchant_created_idx").on(table.merchantId, table.environment, table.createdAt, table.id),
    // payout-batch's three scans: due windows, due arrivals, returns still possible.
    index("payouts_status_window_idx").on(table.status, table.windowAt),
    index("payouts_status_arrival_idx").on(table.status, table.arrivalDate),
    index("payouts_test_clock_idx").on(table.testClockId).where(sql`${table.testClockId} is not null`),
    // A payout goes to a bank account or to a wallet through its crypto transfer, never both or neither.
    check(
      "payouts_one_destination",
      sql`(${table.bankAccountId} is null) <> (${table.cryptoTransferId} is null) and (${table.bankAccountId} is null) = (${table.rail} is null)`,
    ),
    uniqueIndex("payouts_schedule_period_key")
      .on(table.merchantId, table.environment, table.currency, table.schedulePeriodEnd)
      .where(sql`${table.schedulePeriodEnd} is not null`),
  ],
);

/** Columns only the production rail adapter writes: a row built at creation may leave them out (null). */
type ProviderColumns = "railTransferId" | "railClaimedAt" | "railCheckedAt";
type PayoutSelect = typeof payouts.$inferSelect;
export type PayoutRow = Omit<PayoutSelect, ProviderColumns> & Partial<Pick<PayoutSelect, ProviderColumns>>;

export const payoutIntervals = ["manual", "daily", "weekly", "monthly"] as const;
export type PayoutInterval = (typeof payoutIntervals)[number];

/** A merchant's automatic payout schedule per environment; a merchant without a row pays out manually. */
export const payoutSchedules = pgTable(
  "payout_schedules",
  {
    id: text("id").notNull().unique(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    interval: text("interval").$type<PayoutInterval>().notNull(),
    weeklyAnchor: text("weekly_anchor").$type<Weekday>(),
    /** 1–31; in a shorter month the schedule fires on its last day. */
    monthlyAnchor: integer("monthly_anchor"),
    /** The minimum in minor units for a currency without its own entry in `minimumAmounts`. */
    minimumAmount: bigint("minimum_amount", { mode: "number" }).notNull(),
    /** Per-currency minimums in the currency's minor units (`{"USD": 500}`); they win over `minimumAmount`. */
    minimumAmounts: jsonb("minimum_amounts").$type<Record<string, number>>().notNull().default({}),
    /** standard or instant (the instant rail and its fee); SWIFT currencies, which have none, go standard. */
    method: text("method").$type<PayoutMethod>().notNull().default("standard"),
    /** Pays out only funds that reached available at least this many days before the run. */
    delayDays: integer("delay_days").notNull().default(0),
    /** A verified bank account of the merchant; null: the most recently verified one in each currency. */
    bankAccountId: text("bank_account_id"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.merchantId, table.environment] })],
);

export type PayoutScheduleRow = typeof payoutSchedules.$inferSelect;
