import { index, jsonb, numeric, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import type { Environment } from "../../core/tables";

export const usageRecords = pgTable(
  "usage_records",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    meterId: text("meter_id").notNull(),
    customerId: text("customer_id").notNull(),
    identifier: text("identifier").notNull(),
    /** Exact decimal: usage such as 0.25 GB is summed without float error. */
    value: numeric("value").notNull(),
    properties: jsonb("properties").$type<Record<string, string>>().notNull().default({}),
    timestamp: timestamp("timestamp", { withTimezone: true, mode: "date" }).notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    // A record sent twice (a retry, a replayed queue) counts once.
    uniqueIndex("usage_records_identifier_idx").on(table.merchantId, table.environment, table.identifier),
    index("usage_records_meter_customer_idx").on(
      table.merchantId,
      table.environment,
      table.meterId,
      table.customerId,
      table.timestamp,
    ),
  ],
);

export type UsageRecordRow = typeof usageRecords.$inferSelect;
