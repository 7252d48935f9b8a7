import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
} from "drizzle-orm/pg-core";
import type { Environment } from "../../core/tables";
import type { CouponDuration } from "../coupons/tables";
import type { RecurringInterval } from "../prices/tables";

export const subscriptionStatuses = [
  "incomplete",
  "incomplete_expired",
  "trialing",
  "active",
  "past_due",
  "canceled",
  "unpaid",
  "paused",
] as const;
export type SubscriptionStatus = (typeof subscriptionStatuses)[number];

export const collectionMethods = ["charge_automatically", "send_invoice"] as const;

/** What a paused subscription does with the invoice of each period it renews (Stripe's pause_collection). */
export const pauseBehaviors = ["keep_as_draft", "mark_uncollectible", "void"] as const;
export type PauseBehavior = (typeof pauseBehaviors)[number];

/**
 * One item: a licensed recurring price × quantity (`amount` is priceAmount(price, quantity) per
 * period), or a metered price (`meter` set, no quantity, amount 0: its usage is billed in arrears
 * at each renewal, usage.ts).
 */
export interface SubscriptionItemColumn {
  id: string;
  price: string;
  quantity: number | null;
  amount: number;
  description: string;
  meter?: string;
}

/**
 * A subscription. Periods are numbered from the billing-cycle anchor: period n is
 * [boundary(n), boundary(n + 1)) (periods.ts); a trial or a first partial period before the anchor is
 * period −1. `next_action_at` is the earliest time the subscription-cycle has work for it (renewal,
 * trial end or its warning, dunning retry, cancel_at, incomplete expiry), so the cycle reads only
 * what is due; `version` makes every write a compare-and-set, so two cycles can't both renew a period.
 */
export const subscriptions = pgTable(
  "subscriptions",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    customerId: text("customer_id").notNull(),
    testClockId: text("test_clock_id"),
    status: text("status").$type<SubscriptionStatus>().notNull(),
    currency: text("currency").notNull(),
    interval: text("interval").$type<RecurringInterval>().notNull(),
    intervalCount: integer("interval_count").notNull(),
    items: jsonb("items").$type<SubscriptionItemColumn[]>().notNull(),
    /** The items the next renewal starts with (an update with schedule: period_end); null: no change waits. */
    scheduledItems: jsonb("scheduled_items").$type<SubscriptionItemColumn[]>(),
    collectionMethod: text("collection_method").$type<(typeof collectionMethods)[number]>().notNull(),
    daysUntilDue: integer("days_until_due"),
    couponId: text("coupon_id"),
    couponDuration: text("coupon_duration").$type<CouponDuration>(),
    couponPeriods: integer("coupon_periods"),
    invoicesIssued: integer("invoices_issued").notNull(),
    billingCycleAnchor: timestamp("billing_cycle_anchor", { withTimezone: true, mode: "date" }).notNull(),
    periodIndex: integer("period_index").notNull(),
    currentPeriodStart: timestamp("current_period_start", { withTimezone: true, mode: "date" }).notNull(),
    currentPeriodEnd: timestamp("current_period_end", { withTimezone: true, mode: "date" }).notNull(),
    trialStart: timestamp("trial_start", { withTimezone: true, mode: "date" }),
    trialEnd: timestamp("trial_end", { withTimezone: true, mode: "date" }),
    trialWillEndSent: boolean("trial_will_end_sent").notNull(),
    cancelAt: timestamp("cancel_at", { withTimezone: true, mode: "date" }),
    cancelAtPeriodEnd: boolean("cancel_at_period_end").notNull(),
    canceledAt: timestamp("canceled_at", { withTimezone: true, mode: "date" }),
    endedAt: timestamp("ended_at", { withTimezone: true, mode: "date" }),
    latestInvoiceId: text("latest_invoice_id"),
    /**
     * Per meter of a metered item, the ingestion high-water mark of the usage billed so far (the
     * created_at of the last record counted, ISO): a record stored after it and dated in a period
     * already billed is billed late, once, as an adjustment at the next renewal (late-usage.ts).
     */
    usageMarks: jsonb("usage_marks").$type<Record<string, string>>().notNull().default({}),
    /**
     * A renewal's invoice waiting for its automatic finalization: at collect_invoice_at the cycle
     * finalizes it (while still a draft) and charges it. Null when nothing waits.
     */
    collectInvoiceId: text("collect_invoice_id"),
    collectInvoiceAt: timestamp("collect_invoice_at", { withTimezone: true, mode: "date" }),
    /** Set while paused: what happens to each renewal's invoice, and when collection resumes by itself. */
    pauseBehavior: text("pause_behavior").$type<PauseBehavior>(),
    pauseResumesAt: timestamp("pause_resumes_at", { withTimezone: true, mode: "date" }),
    /** Failed charges of the latest invoice since it became past due (dunning). */
    failedAttempts: integer("failed_attempts").notNull(),
    firstFailureAt: timestamp("first_failure_at", { withTimezone: true, mode: "date" }),
    nextRetryAt: timestamp("next_retry_at", { withTimezone: true, mode: "date" }),
    nextActionAt: timestamp("next_action_at", { withTimezone: true, mode: "date" }),
    version: bigint("version", { mode: "number" }).notNull(),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    index("subscriptions_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
    index("subscriptions_customer_idx").on(table.merchantId, table.environment, table.customerId),
    index("subscriptions_due_idx")
      .on(table.nextActionAt)
      .where(sql`${table.testClockId} is null and ${table.nextActionAt} is not null`),
    index("subscriptions_clock_due_idx")
      .on(table.testClockId, table.nextActionAt)
      .where(sql`${table.testClockId} is not null`),
    check("subscriptions_interval_count_check", sql`${table.intervalCount} > 0`),
  ],
);

export type SubscriptionRow = typeof subscriptions.$inferSelect;

/** What a subscription becomes when the last dunning retry fails. */
export const dunningEndings = ["canceled", "unpaid"] as const;
export type DunningEnding = (typeof dunningEndings)[number];

/** A merchant's dunning schedule per environment; none stored means the default (1, 3, 5, 7 days, then canceled). */
export const subscriptionSettings = pgTable(
  "subscription_settings",
  {
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    /** Days after the first failed charge at which it is retried, strictly increasing. */
    retryDays: jsonb("retry_days").$type<number[]>().notNull(),
    afterFinalFailure: text("after_final_failure").$type<DunningEnding>().notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.merchantId, table.environment] })],
);
