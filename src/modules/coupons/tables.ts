import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp } from "drizzle-orm/pg-core";
import type { Environment } from "../../core/tables";

export type CouponDuration = "once" | "repeating" | "forever";

export const coupons = pgTable(
  "coupons",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    name: text("name"),
    /** percent_off × 100: 12.5 % is 1250, so percentages stay integers. */
    percentOffBasisPoints: integer("percent_off_basis_points"),
    amountOff: bigint("amount_off", { mode: "number" }),
    currency: text("currency"),
    /** Fixed amounts in further currencies: { "EUR": 900 }. */
    currencyOptions: jsonb("currency_options").$type<Record<string, number>>().notNull().default({}),
    duration: text("duration").$type<CouponDuration>().notNull(),
    durationInMonths: integer("duration_in_months"),
    maxRedemptions: integer("max_redemptions"),
    timesRedeemed: integer("times_redeemed").notNull().default(0),
    redeemBy: timestamp("redeem_by", { withTimezone: true, mode: "date" }),
    appliesToProducts: jsonb("applies_to_products").$type<string[]>(),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    deletedAt: timestamp("deleted_at", { withTimezone: true, mode: "date" }),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    index("coupons_merchant_created_idx").on(table.merchantId, table.environment, table.createdAt, table.id),
  ],
);

export type CouponRow = typeof coupons.$inferSelect;

/** One redemption of a coupon (directly or through a promotion code): the discount it gave. */
export const discounts = pgTable(
  "discounts",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    couponId: text("coupon_id").notNull(),
    promotionCodeId: text("promotion_code_id"),
    customerId: text("customer_id").notNull(),
    productId: text("product_id"),
    amount: bigint("amount", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    discountAmount: bigint("discount_amount", { mode: "number" }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    index("discounts_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
    index("discounts_customer_idx").on(table.merchantId, table.environment, table.customerId),
  ],
);

export type DiscountRow = typeof discounts.$inferSelect;

/**
 * The customers that redeemed any coupon of an account, claimed by every redemption: a first-time-only
 * code needs its redemption to be the one that inserted the customer's row, which stays exact when
 * two first redemptions race (the second waits on the first's row, then finds it).
 */
export const couponCustomers = pgTable(
  "coupon_customers",
  {
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    customerId: text("customer_id").notNull(),
    firstRedeemedAt: timestamp("first_redeemed_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.merchantId, table.environment, table.customerId] })],
);
