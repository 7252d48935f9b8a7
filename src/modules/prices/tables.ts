import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { Environment } from "../../core/tables";

export type RecurringInterval = "day" | "week" | "month" | "year";
export type PricingModel = "per_unit" | "package" | "tiered";
export type TiersMode = "graduated" | "volume";
export type PackageRounding = "up" | "down";

/** One tier; `upTo` null is the last, unbounded tier ("inf" in the API). */
export interface PriceTier {
  upTo: number | null;
  unitAmount: number;
  flatAmount: number;
}

export const prices = pgTable(
  "prices",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    productId: text("product_id").notNull(),
    active: boolean("active").notNull(),
    currency: text("currency").notNull(),
    recurringInterval: text("recurring_interval").$type<RecurringInterval>(),
    recurringIntervalCount: integer("recurring_interval_count"),
    pricingModel: text("pricing_model").$type<PricingModel>().notNull(),
    unitAmount: bigint("unit_amount", { mode: "number" }),
    packageSize: bigint("package_size", { mode: "number" }),
    packageRounding: text("package_rounding").$type<PackageRounding>(),
    tiersMode: text("tiers_mode").$type<TiersMode>(),
    tiers: jsonb("tiers").$type<PriceTier[]>(),
    /** A metered price charges the usage this meter aggregates per period, priced by its model. */
    meterId: text("meter_id"),
    nickname: text("nickname"),
    lookupKey: text("lookup_key"),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    index("prices_merchant_created_idx").on(table.merchantId, table.environment, table.createdAt, table.id),
    index("prices_product_idx").on(table.merchantId, table.environment, table.productId),
    // One active price per lookup key: the key names "the current price" of something.
    uniqueIndex("prices_active_lookup_key_idx")
      .on(table.merchantId, table.environment, table.lookupKey)
      .where(sql`${table.active} and ${table.lookupKey} is not null`),
  ],
);

export type PriceRow = typeof prices.$inferSelect;
