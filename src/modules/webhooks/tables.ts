import { sql } from "drizzle-orm";
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import type { Environment } from "../../core/tables";

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export type DisabledReason = "manual" | "gone" | "failing";

export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    url: text("url").notNull(),
    description: text("description"),
    /** Event types, `prefix.*` patterns, or `*`. */
    enabledEvents: jsonb("enabled_events").$type<string[]>().notNull(),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    enabled: boolean("enabled").notNull().default(true),
    disabledReason: text("disabled_reason").$type<DisabledReason>(),
    disabledAt: at("disabled_at"),
    /** `whsec_…`, sealed with AES-256-GCM under WEBHOOK_SECRETS_KEY (secrets.ts; legacy rows hold it in clear until the sweep seals them). */
    secret: text("secret").notNull(),
    /** The secret before the last rotation, sealed like `secret`; it signs alongside the new one until it expires. */
    previousSecret: text("previous_secret"),
    previousSecretExpiresAt: at("previous_secret_expires_at"),
    /** The last 2xx from this endpoint: a delivery that exhausts its schedule with none since it began disables it. */
    lastSucceededAt: at("last_succeeded_at"),
    deletedAt: at("deleted_at"),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (table) => [
    index("webhook_endpoints_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
  ],
);

export type WebhookEndpointRow = typeof webhookEndpoints.$inferSelect;

export type DeliveryStatus = "pending" | "succeeded" | "failed";

/** One event to one endpoint; its id is the `webhook-id` header of every attempt. */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    endpointId: text("endpoint_id").notNull(),
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    status: text("status").$type<DeliveryStatus>().notNull(),
    attemptCount: integer("attempt_count").notNull().default(0),
    nextAttemptAt: at("next_attempt_at"),
    lastAttemptAt: at("last_attempt_at"),
    lastResponseStatus: integer("last_response_status"),
    lastError: text("last_error"),
    succeededAt: at("succeeded_at"),
    /** The test clock of the event's object (a clock customer's, or one naming it): its retries follow that clock. */
    testClockId: text("test_clock_id"),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (table) => [
    uniqueIndex("webhook_deliveries_event_endpoint_key").on(table.eventId, table.endpointId),
    index("webhook_deliveries_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
    index("webhook_deliveries_endpoint_created_idx").on(table.endpointId, table.createdAt, table.id),
    index("webhook_deliveries_created_idx").on(table.createdAt),
  ],
);

export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;

export type AttemptStatus = "scheduled" | "sending" | "succeeded" | "failed" | "canceled";
export type AttemptTrigger = "automatic" | "manual";

/**
 * One HTTP attempt of a delivery. A row exists from the moment the attempt is scheduled, so the
 * QStash message only names it and a redelivered message finds it already claimed or done.
 */
export const webhookAttempts = pgTable(
  "webhook_delivery_attempts",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    deliveryId: text("delivery_id").notNull(),
    number: integer("number").notNull(),
    trigger: text("trigger").$type<AttemptTrigger>().notNull(),
    /** Position in the retry schedule (automatic attempts only). */
    scheduleIndex: integer("schedule_index"),
    status: text("status").$type<AttemptStatus>().notNull(),
    scheduledFor: at("scheduled_for").notNull(),
    startedAt: at("started_at"),
    finishedAt: at("finished_at"),
    responseStatus: integer("response_status"),
    responseBody: text("response_body"),
    latencyMs: integer("latency_ms"),
    error: text("error"),
    /**
     * Set on an automatic retry of a test clock's delivery: `scheduled_for` is in the clock's time and
     * the clock's advance makes the attempt (no QStash message); null: on real time.
     */
    testClockId: text("test_clock_id"),
    createdAt: at("created_at").notNull(),
  },
  (table) => [
    uniqueIndex("webhook_attempts_delivery_number_key").on(table.deliveryId, table.number),
    index("webhook_attempts_open_idx").on(table.scheduledFor).where(sql`status in ('scheduled', 'sending')`),
    index("webhook_attempts_clock_idx")
      .on(table.testClockId, table.scheduledFor)
      .where(sql`status = 'scheduled' and test_clock_id is not null`),
  ],
);

export type WebhookAttemptRow = typeof webhookAttempts.$inferSelect;
