import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import type { Environment } from "../../core/tables";

export interface LinkLineItemColumn {
  price: string;
  quantity: number;
  adjustable: { minimum: number; maximum: number } | null;
}

export interface CustomAmountColumn {
  currency: string;
  minimum: number;
  maximum: number;
  preset: number | null;
  description: string;
}

export type AfterCompletionColumn =
  | { type: "redirect"; url: string }
  | { type: "hosted_confirmation"; message: string | null };

export const paymentLinks = pgTable(
  "payment_links",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    /** The short, random part of the link's URL (/pay/{code}, /pay/test_{code} in sandbox). */
    code: text("code").notNull(),
    active: boolean("active").notNull(),
    lineItems: jsonb("line_items").$type<LinkLineItemColumn[]>().notNull(),
    customAmount: jsonb("custom_amount").$type<CustomAmountColumn>(),
    paymentMethodTypes: jsonb("payment_method_types").$type<string[]>().notNull(),
    afterCompletion: jsonb("after_completion").$type<AfterCompletionColumn>().notNull(),
    completedSessionsLimit: integer("completed_sessions_limit"),
    /**
     * Completed sessions plus those paying right now: a payment reserves its place here by
     * compare-and-set before the provider is called, and gives it back if it fails.
     */
    completedSessionsCount: integer("completed_sessions_count").notNull().default(0),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    index("payment_links_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
    uniqueIndex("payment_links_code_idx").on(table.environment, table.code),
  ],
);

export type PaymentLinkRow = typeof paymentLinks.$inferSelect;
