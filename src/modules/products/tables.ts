import { boolean, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import type { Environment } from "../../core/tables";

export const products = pgTable(
  "products",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    name: text("name").notNull(),
    description: text("description"),
    images: jsonb("images").$type<string[]>().notNull().default([]),
    active: boolean("active").notNull(),
    taxCode: text("tax_code"),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    index("products_merchant_created_idx").on(table.merchantId, table.environment, table.createdAt, table.id),
  ],
);

export type ProductRow = typeof products.$inferSelect;
