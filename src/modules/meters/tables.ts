import { boolean, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import type { Environment } from "../../core/tables";

export const meterFormulas = ["count", "count_unique", "sum", "max", "latest", "weighted_sum"] as const;
export type MeterFormula = (typeof meterFormulas)[number];

export const meters = pgTable(
  "meters",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    displayName: text("display_name").notNull(),
    formula: text("formula").$type<MeterFormula>().notNull(),
    /** The property count_unique counts distinct values of. */
    uniqueProperty: text("unique_property"),
    /** Only records whose properties hold all of these values count. */
    filter: jsonb("filter").$type<Record<string, string>>().notNull().default({}),
    groupBy: text("group_by"),
    active: boolean("active").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    index("meters_merchant_created_idx").on(table.merchantId, table.environment, table.createdAt, table.id),
  ],
);

export type MeterRow = typeof meters.$inferSelect;
