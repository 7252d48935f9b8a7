import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import type { Environment } from "../../core/tables";

/** A merchant's connection to one provider; sandbox processors get one each by default. */
export const providerConnections = pgTable(
  "provider_connections",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    provider: text("provider").notNull(),
    enabled: boolean("enabled").notNull(),
    /** AES-256-GCM ciphertext "v1.<iv>.<ciphertext>" of the credentials JSON, bound to the row id. */
    credentialsEncrypted: text("credentials_encrypted"),
    /** Last four characters of the secret key, so the dashboard can tell keys apart. */
    credentialsHint: text("credentials_hint"),
    settings: jsonb("settings").$type<Record<string, string>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    uniqueIndex("provider_connections_provider_key").on(table.merchantId, table.environment, table.provider),
  ],
);

export const routingRules = pgTable(
  "routing_rules",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    action: text("action").$type<"pin" | "exclude" | "split">().notNull(),
    provider: text("provider").notNull(),
    currency: text("currency"),
    country: text("country"),
    percentage: integer("percentage"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [index("routing_rules_merchant_idx").on(table.merchantId, table.environment, table.createdAt)],
);

export type ProviderConnectionRow = typeof providerConnections.$inferSelect;
export type RoutingRuleRow = typeof routingRules.$inferSelect;
