import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { Environment } from "../../core/tables";

export const promotionCodes = pgTable(
  "promotion_codes",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    code: text("code").notNull(),
    couponId: text("coupon_id").notNull(),
    active: boolean("active").notNull(),
    customerId: text("customer_id"),
    maxRedemptions: integer("max_redemptions"),
    timesRedeemed: integer("times_redeemed").notNull().default(0),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }),
    firstTimeTransaction: boolean("first_time_transaction").notNull().default(false),
    minimumAmount: bigint("minimum_amount", { mode: "number" }),
    minimumAmountCurrency: text("minimum_amount_currency"),
    maxRedemptionsPerCustomer: integer("max_redemptions_per_customer"),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    index("promotion_codes_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
    // Customers type codes in any case: "SUMMER" and "summer" are one code while active.
    uniqueIndex("promotion_codes_active_code_idx")
      .on(table.merchantId, table.environment, sql`lower(${table.code})`)
      .where(sql`${table.active}`),
  ],
);

export type PromotionCodeRow = typeof promotionCodes.$inferSelect;

/** How often each customer redeemed each code: the counter the per-customer limit is checked against. */
export const promotionCodeCustomers = pgTable(
  "promotion_code_customers",
  {
    promotionCodeId: text("promotion_code_id").notNull(),
    customerId: text("customer_id").notNull(),
    timesRedeemed: integer("times_redeemed").notNull(),
  },
  (table) => [primaryKey({ columns: [table.promotionCodeId, table.customerId] })],
);
