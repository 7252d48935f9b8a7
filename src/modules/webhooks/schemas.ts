import { z } from "@hono/zod-openapi";
import { metadataSchema } from "../../core/metadata";
import { listQuerySchema } from "../../core/pagination";
import { environmentSchema, idParams, timestamp } from "../../core/schemas";
import { isEventTypePattern } from "../events/service";

const enabledEvents = z
  .array(
    z.string().max(100).refine(isEventTypePattern, {
      message: "Not an event type of GET /api/v1/events/types, a prefix such as customer.*, or *.",
    }),
  )
  .min(1)
  .max(100)
  .refine((list) => new Set(list).size === list.length, { message: "Event types must not repeat." })
  .openapi({
    description: 'Event types to receive: exact types, prefixes such as `payment.*`, or `["*"]` for all.',
    example: ["payment.succeeded", "refund.*"],
  });

const url = z.string().min(1).max(2048).openapi({
  example: "https://example.com/webhooks/magnetpay",
  description:
    "https only in production; http is allowed in sandbox. Private and internal hosts are refused.",
});

export const createWebhookEndpointBody = z
  .object({
    url,
    enabled_events: enabledEvents,
    description: z.string().max(1000).nullish(),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .openapi("CreateWebhookEndpoint");

export const updateWebhookEndpointBody = z
  .object({
    url: url.optional(),
    enabled_events: enabledEvents.optional(),
    description: z.string().max(1000).nullish(),
    metadata: metadataSchema.optional(),
    enabled: z
      .boolean()
      .optional()
      .openapi({ description: "false pauses deliveries (pending ones fail); true re-enables the endpoint." }),
  })
  .strict()
  .openapi("UpdateWebhookEndpoint");

export type CreateWebhookEndpointInput = z.infer<typeof createWebhookEndpointBody>;
export type UpdateWebhookEndpointInput = z.infer<typeof updateWebhookEndpointBody>;

export const webhookEndpointSchema = z
  .object({
    id: z.string().openapi({ example: "we_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("webhook_endpoint"),
    environment: environmentSchema,
    url: z.string(),
    description: z.string().nullable(),
    enabled_events: z.array(z.string()),
    enabled: z.boolean(),
    disabled_reason: z
      .enum(["manual", "gone", "failing"])
      .nullable()
      .openapi({ description: "manual (by you), gone (it answered 410), failing (72 hours of failures)." }),
    disabled_at: timestamp.nullable(),
    previous_secret_expires_at: timestamp
      .nullable()
      .openapi({ description: "After a rotation: until then the old secret signs alongside the new one." }),
    metadata: z.record(z.string(), z.string()),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("WebhookEndpoint");

export type WebhookEndpoint = z.infer<typeof webhookEndpointSchema>;

export const webhookEndpointWithSecretSchema = webhookEndpointSchema
  .extend({
    secret: z.string().nullable().openapi({
      example: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
      description:
        "The signing secret. Shown only here; rotate it to get a new one. A replay of the request (same Idempotency-Key) answers null here, with secret_redacted.",
    }),
    secret_redacted: z.literal(true).optional().openapi({
      description: "Present on an idempotent replay: the secret was shown once and is not kept.",
    }),
  })
  .openapi("WebhookEndpointWithSecret");

export type WebhookEndpointWithSecret = z.infer<typeof webhookEndpointWithSecretSchema>;

export const deletedWebhookEndpointSchema = z
  .object({ id: z.string(), object: z.literal("webhook_endpoint"), deleted: z.literal(true) })
  .openapi("DeletedWebhookEndpoint");

export const webhookAttemptSchema = z
  .object({
    object: z.literal("webhook_delivery_attempt"),
    id: z.string().openapi({ example: "wha_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    number: z.number().int().openapi({ description: "1 for the first attempt of the delivery." }),
    trigger: z.enum(["automatic", "manual"]),
    status: z.enum(["succeeded", "failed"]),
    attempted_at: timestamp,
    response_status: z.number().int().nullable(),
    latency_ms: z.number().int().nullable(),
    response_body: z.string().nullable().openapi({ description: "The first 1 KB of the response body." }),
    error: z
      .string()
      .nullable()
      .openapi({ description: "Why the attempt failed: HTTP status, timeout, connection or URL refusal." }),
  })
  .openapi("WebhookDeliveryAttempt");

export type WebhookAttempt = z.infer<typeof webhookAttemptSchema>;

export const webhookDeliverySchema = z
  .object({
    id: z.string().openapi({
      example: "whd_3kTq9yQy7yJ4pQz2Xb8w1LmN",
      description: "Also the webhook-id header of every attempt: dedupe on it.",
    }),
    object: z.literal("webhook_delivery"),
    environment: environmentSchema,
    endpoint_id: z.string(),
    event_id: z.string(),
    event_type: z.string(),
    status: z.enum(["pending", "succeeded", "failed"]),
    attempt_count: z.number().int(),
    next_attempt_at: timestamp.nullable(),
    last_attempt_at: timestamp.nullable(),
    last_response_status: z.number().int().nullable(),
    last_error: z.string().nullable(),
    created_at: timestamp,
    updated_at: timestamp,
    attempts: z
      .array(webhookAttemptSchema)
      .optional()
      .openapi({ description: "Every finished attempt, oldest first (retrieve only, not in lists)." }),
  })
  .openapi("WebhookDelivery");

export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

export const webhookEndpointIdParams = idParams("we_3kTq9yQy7yJ4pQz2Xb8w1LmN");
export const webhookDeliveryIdParams = idParams("whd_3kTq9yQy7yJ4pQz2Xb8w1LmN");
export const eventIdParams = idParams("evt_3kTq9yQy7yJ4pQz2Xb8w1LmN");

const deliveryStatusFilter = z.enum(["pending", "succeeded", "failed"]).optional();

export const listEndpointDeliveriesQuery = listQuerySchema.extend({
  status: deliveryStatusFilter,
  event_id: z.string().min(1).max(255).optional(),
});

export const listDeliveriesQuery = listEndpointDeliveriesQuery.extend({
  endpoint_id: z.string().min(1).max(255).optional(),
});

export type ListDeliveriesQuery = z.infer<typeof listDeliveriesQuery>;
