import { and, asc, sql } from "drizzle-orm";
import type { Services } from "../../core/context";
import type { Database } from "../../core/db";
import type { Environment } from "../../core/tables";
import { checkWebhookDestination } from "./destination";
import { receivingEndpoints } from "./fanout";
import { postToCheckedAddresses } from "./outbound";
import { signingSecrets } from "./secrets";
import { webhookHeaders } from "./signing";
import { type WebhookEndpointRow, webhookEndpoints } from "./tables";

/** Answers larger than this are not a decision. */
const ANSWER_MAX_BYTES = 4096;

/**
 * The tenant's endpoints that answer a synchronous request of `type` (oldest first): enabled, not
 * deleted, and subscribed to that exact type. A wildcard subscription (`*`, `prefix.*`) does not
 * count: an endpoint must say it answers in time.
 */
export function answeringEndpointsQuery(
  tenant: { merchantId: string; environment: Environment },
  type: string,
  db: Database,
) {
  return db
    .select()
    .from(webhookEndpoints)
    .where(
      and(
        receivingEndpoints(tenant.merchantId, tenant.environment),
        sql`${webhookEndpoints.enabledEvents} ? ${type}`,
      ),
    )
    .orderBy(asc(webhookEndpoints.createdAt), asc(webhookEndpoints.id))
    .limit(1);
}

export type EndpointAnswer =
  | { outcome: "answered"; status: number; body: unknown }
  | { outcome: "timeout" | "failed" | "invalid_response"; error: string };

/**
 * One synchronous, signed request to an endpoint (the same Standard Webhooks headers and SSRF check
 * as deliveries), waiting at most `timeoutMs` for a 2xx JSON answer. Never throws, never retried,
 * records nothing: the caller turns the answer into its own decision.
 */
export async function requestEndpointAnswer(
  services: Services,
  endpoint: WebhookEndpointRow,
  message: { id: string; type: string; data: unknown; timeoutMs: number },
): Promise<EndpointAnswer> {
  const destination = await checkWebhookDestination(services, endpoint.url, endpoint.environment);
  if (!destination.ok) return { outcome: "failed", error: `${destination.code}: ${destination.reason}` };
  const now = services.clock.now();
  const body = JSON.stringify({
    id: message.id,
    type: message.type,
    created_at: now.toISOString(),
    data: message.data,
  });
  let secrets: string[];
  try {
    secrets = await signingSecrets(services, endpoint, now);
  } catch {
    return { outcome: "failed", error: "the endpoint's signing secret could not be decrypted" };
  }
  const timestamp = Math.floor(now.getTime() / 1000);
  try {
    const answer = await postToCheckedAddresses(services, endpoint.url, destination.addresses, {
      headers: await webhookHeaders(secrets, { id: message.id, timestamp, body }),
      body,
      timeoutMs: message.timeoutMs,
      // One byte more than a decision may have, to tell a full answer from a larger one.
      bodyLimit: ANSWER_MAX_BYTES + 1,
    });
    if (answer.status < 200 || answer.status >= 300) {
      return { outcome: "failed", error: `HTTP ${answer.status}` };
    }
    if (new TextEncoder().encode(answer.body).byteLength > ANSWER_MAX_BYTES) {
      return { outcome: "invalid_response", error: "answer too large" };
    }
    try {
      return { outcome: "answered", status: answer.status, body: JSON.parse(answer.body) };
    } catch {
      return { outcome: "invalid_response", error: "answer is not JSON" };
    }
  } catch (error) {
    const name = error instanceof Error ? error.name : "";
    if (name === "TimeoutError" || name === "AbortError") {
      return { outcome: "timeout", error: `no answer within ${message.timeoutMs} ms` };
    }
    return { outcome: "failed", error: error instanceof Error ? error.message : String(error) };
  }
}
