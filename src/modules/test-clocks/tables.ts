import { index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import type { Environment } from "../../core/tables";

export const testClockStatuses = ["ready", "advancing"] as const;
export type TestClockStatus = (typeof testClockStatuses)[number];

/**
 * A sandbox clock: the objects attached to it (customers, and through them their subscriptions)
 * live at `frozen_time` instead of the real time, and only move when the clock is advanced.
 */
export const testClocks = pgTable(
  "test_clocks",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    name: text("name"),
    frozenTime: timestamp("frozen_time", { withTimezone: true, mode: "date" }).notNull(),
    status: text("status").$type<TestClockStatus>().notNull(),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    index("test_clocks_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
    index("test_clocks_created_idx").on(table.createdAt),
  ],
);

export type TestClockRow = typeof testClocks.$inferSelect;
