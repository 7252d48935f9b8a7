import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";

export type Environment = "sandbox" | "production";

/** Day names in JavaScript's getUTCDay() order (0 = sunday), for weekly schedules' anchors. */
export const weekdays = [
  "sunday",
  "monday",
  "tuesday",
  "wednesday",
  "thursday",
  "friday",
  "saturday",
] as const;
export type Weekday = (typeof weekdays)[number];

const createdAt = () => timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();

export const merchants = pgTable("merchants", {
  id: text("id").primaryKey(),
  businessName: text("business_name").notNull(),
  /**
   * Operator-set: how far below zero refunds may take this merchant's balance (minor units, per
   * currency); null uses NEGATIVE_BALANCE_LIMIT. No API changes it (docs/payments.md).
   */
  negativeBalanceLimit: bigint("negative_balance_limit", { mode: "number" }),
  createdAt: createdAt(),
});

export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id")
      .notNull()
      .references(() => merchants.id),
    email: text("email").notNull(),
    passwordHash: text("password_hash").notNull(),
    createdAt: createdAt(),
  },
  (table) => [uniqueIndex("users_email_key").on(table.email)],
);

export const sessions = pgTable(
  "sessions",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    merchantId: text("merchant_id")
      .notNull()
      .references(() => merchants.id),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true, mode: "date" }),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex("sessions_token_hash_key").on(table.tokenHash),
    index("sessions_expires_at_idx").on(table.expiresAt),
  ],
);

export const apiKeys = pgTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id")
      .notNull()
      .references(() => merchants.id),
    environment: text("environment").$type<Environment>().notNull(),
    name: text("name").notNull(),
    keyId: text("key_id").notNull(),
    secretHash: text("secret_hash").notNull(),
    secretLast4: text("secret_last4").notNull(),
    rateLimitPerSecond: integer("rate_limit_per_second"),
    rolledToId: text("rolled_to_id"),
    revokedAt: timestamp("revoked_at", { withTimezone: true, mode: "date" }),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }),
    createdAt: createdAt(),
  },
  (table) => [
    uniqueIndex("api_keys_key_id_key").on(table.keyId),
    index("api_keys_merchant_idx").on(table.merchantId, table.environment, table.createdAt),
  ],
);

/** Transactional outbox: written in the same transaction as the change it describes. */
export const events = pgTable(
  "events",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    type: text("type").notNull(),
    objectId: text("object_id").notNull(),
    objectType: text("object_type").notNull(),
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    previousAttributes: jsonb("previous_attributes").$type<Record<string, unknown>>(),
    apiVersion: text("api_version").notNull(),
    requestId: text("request_id"),
    /** Set once deliveries exist for every subscribed webhook endpoint; null rows are the sweep's work. */
    dispatchedAt: timestamp("dispatched_at", { withTimezone: true, mode: "date" }),
    createdAt: createdAt(),
  },
  (table) => [
    index("events_merchant_created_idx").on(table.merchantId, table.environment, table.createdAt, table.id),
    index("events_object_idx").on(table.objectId),
    index("events_created_idx").on(table.createdAt),
    index("events_undispatched_idx").on(table.createdAt).where(sql`dispatched_at is null`),
  ],
);

export const auditLogs = pgTable(
  "audit_logs",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    /** Null for account-level actions (sign-up, sessions) that belong to no environment. */
    environment: text("environment").$type<Environment>(),
    actorType: text("actor_type").$type<"user" | "api_key" | "system" | "operator">().notNull(),
    actorId: text("actor_id").notNull(),
    action: text("action").notNull(),
    objectId: text("object_id").notNull(),
    requestId: text("request_id"),
    createdAt: createdAt(),
  },
  (table) => [index("audit_logs_merchant_idx").on(table.merchantId, table.environment, table.createdAt)],
);

export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    /** `in_progress` from before the handler runs until its response is stored (or the claim dropped). */
    status: text("status").$type<"in_progress" | "completed">().notNull().default("completed"),
    statusCode: integer("status_code").notNull(),
    responseBody: text("response_body").notNull(),
    createdAt: createdAt(),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    uniqueIndex("idempotency_keys_scope_key").on(table.merchantId, table.environment, table.key),
    index("idempotency_keys_expires_idx").on(table.expiresAt),
  ],
);

export const functionRuns = pgTable(
  "function_runs",
  {
    id: text("id").primaryKey(),
    functionName: text("function_name").notNull(),
    trigger: text("trigger").$type<"qstash" | "cron" | "manual">().notNull(),
    /** Scheduled runs dedupe on their window so QStash and the cron trigger never both run one. */
    windowKey: text("window_key"),
    status: text("status").$type<"running" | "succeeded" | "failed">().notNull(),
    result: jsonb("result").$type<Record<string, unknown>>(),
    error: text("error"),
    startedAt: timestamp("started_at", { withTimezone: true, mode: "date" }).notNull(),
    finishedAt: timestamp("finished_at", { withTimezone: true, mode: "date" }),
  },
  (table) => [
    uniqueIndex("function_runs_window_key")
      .on(table.functionName, table.windowKey)
      .where(sql`window_key is not null`),
    index("function_runs_name_started_idx").on(table.functionName, table.startedAt),
    // The prune walks finished runs oldest first.
    index("function_runs_finished_idx").on(table.finishedAt),
  ],
);
