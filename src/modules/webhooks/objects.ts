import type { WebhookAttempt, WebhookDelivery, WebhookEndpoint } from "./schemas";
import type { WebhookAttemptRow, WebhookDeliveryRow, WebhookEndpointRow } from "./tables";

const iso = (value: Date | null): string | null => (value ? value.toISOString() : null);

/** The endpoint as the API shows it: never its secret. */
export function toWebhookEndpoint(row: WebhookEndpointRow): WebhookEndpoint {
  return {
    id: row.id,
    object: "webhook_endpoint",
    environment: row.environment,
    url: row.url,
    description: row.description,
    enabled_events: row.enabledEvents,
    enabled: row.enabled,
    disabled_reason: row.disabledReason,
    disabled_at: iso(row.disabledAt),
    previous_secret_expires_at: row.previousSecret ? iso(row.previousSecretExpiresAt) : null,
    metadata: row.metadata,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export function toWebhookAttempt(row: WebhookAttemptRow): WebhookAttempt {
  return {
    object: "webhook_delivery_attempt",
    id: row.id,
    number: row.number,
    trigger: row.trigger,
    status: row.status === "succeeded" ? "succeeded" : "failed",
    attempted_at: (row.startedAt ?? row.scheduledFor).toISOString(),
    response_status: row.responseStatus,
    latency_ms: row.latencyMs,
    response_body: row.responseBody,
    error: row.error,
  };
}

/** With `attempts` (finished ones, oldest first) for a retrieve; lists leave them out. */
export function toWebhookDelivery(row: WebhookDeliveryRow, attempts?: WebhookAttemptRow[]): WebhookDelivery {
  return {
    id: row.id,
    object: "webhook_delivery",
    environment: row.environment,
    endpoint_id: row.endpointId,
    event_id: row.eventId,
    event_type: row.eventType,
    status: row.status,
    attempt_count: row.attemptCount,
    next_attempt_at: iso(row.nextAttemptAt),
    last_attempt_at: iso(row.lastAttemptAt),
    last_response_status: row.lastResponseStatus,
    last_error: row.lastError,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    ...(attempts
      ? {
          attempts: attempts
            .filter((attempt) => attempt.status === "succeeded" || attempt.status === "failed")
            .map(toWebhookAttempt),
        }
      : {}),
  };
}
