import { boolean, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import type { Environment } from "../../core/tables";

export const taxRates = pgTable(
  "tax_rates",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    displayName: text("display_name").notNull(),
    description: text("description"),
    /** The percentage × 10 000 (8.25 % is 82 500), so a rate with four decimals stays an integer. */
    percentageMicros: integer("percentage_micros").notNull(),
    inclusive: boolean("inclusive").notNull(),
    jurisdiction: text("jurisdiction"),
    country: text("country"),
    active: boolean("active").notNull(),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    index("tax_rates_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
  ],
);

export type TaxRateRow = typeof taxRates.$inferSelect;
