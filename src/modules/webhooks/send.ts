import type { Services } from "../../core/context";
import { clipText } from "../../core/input-safety";
import { type EventRow, toEvent } from "../events/service";
import { checkWebhookDestination } from "./destination";
import { postToCheckedAddresses } from "./outbound";
import { signingSecrets } from "./secrets";
import { webhookHeaders } from "./signing";
import type { WebhookDeliveryRow, WebhookEndpointRow } from "./tables";

const RESPONSE_BODY_BYTES = 1024;
const ERROR_MAX_LENGTH = 500;

export interface Target {
  delivery: WebhookDeliveryRow;
  endpoint: WebhookEndpointRow;
  event: EventRow;
}

export interface SendResult {
  status: number | null;
  latencyMs: number | null;
  /** The first bytes of the answer: only from a destination that passed the SSRF check. */
  body: string | null;
  error: string | null;
  /** The destination is refused by rule (SSRF): the delivery fails now instead of retrying. */
  refused: boolean;
}

/**
 * The answer's text as PostgreSQL can store it: a receiver's NUL would fail the attempt's record,
 * leaving the attempt unrecorded and its event sent again on every retry of the message.
 */
function storable(text: string): string {
  return text.replaceAll("\u0000", "\uFFFD");
}

function clip(text: string): string {
  return text.length > ERROR_MAX_LENGTH ? `${clipText(text, ERROR_MAX_LENGTH - 1)}…` : text;
}

/** One signed POST; never throws: every outcome becomes a recorded result. */
export async function send(services: Services, target: Target): Promise<SendResult> {
  const { delivery, endpoint, event } = target;
  // Checked again at send time, host name resolved now: DNS, the rules or the configuration may
  // have changed since registration. A refusal by rule ends the delivery (see recordAttempt).
  const destination = await checkWebhookDestination(services, endpoint.url, endpoint.environment);
  if (!destination.ok) {
    return {
      status: null,
      latencyMs: null,
      body: null,
      error: clip(`${destination.code}: ${destination.reason}`),
      refused: destination.permanent,
    };
  }
  const now = services.clock.now();
  const body = JSON.stringify(toEvent(event));
  let secrets: string[];
  try {
    secrets = await signingSecrets(services, endpoint, now);
  } catch {
    return {
      status: null,
      latencyMs: null,
      body: null,
      error: "the endpoint's signing secret could not be decrypted (WEBHOOK_SECRETS_KEY)",
      refused: false,
    };
  }
  const timestamp = Math.floor(now.getTime() / 1000);
  const headers = await webhookHeaders(secrets, { id: delivery.id, timestamp, body });
  const request = {
    headers,
    body,
    timeoutMs: services.config.WEBHOOK_ATTEMPT_TIMEOUT_MS,
    bodyLimit: RESPONSE_BODY_BYTES,
  };
  const started = performance.now();
  try {
    const answer = await postToCheckedAddresses(services, endpoint.url, destination.addresses, request);
    const latencyMs = Math.round(performance.now() - started);
    const ok = answer.status >= 200 && answer.status < 300;
    const redirect = answer.status >= 300 && answer.status < 400;
    return {
      status: answer.status,
      latencyMs,
      // Shown to the merchant: a refused destination returned above, and the connection went to an
      // address that passed the check (or, behind Cloudflare, through fetch: docs/webhooks.md).
      body: storable(answer.body),
      refused: false,
      error: ok
        ? null
        : redirect
          ? `HTTP ${answer.status}: redirects are not followed`
          : `HTTP ${answer.status}`,
    };
  } catch (error) {
    const latencyMs = Math.round(performance.now() - started);
    const name = error instanceof Error ? error.name : "";
    const timedOut = name === "TimeoutError" || name === "AbortError";
    return {
      status: null,
      latencyMs,
      body: null,
      refused: false,
      error: timedOut
        ? `timeout: no response within ${services.config.WEBHOOK_ATTEMPT_TIMEOUT_MS / 1000} s`
        : clip(`connection failed: ${error instanceof Error ? error.message : String(error)}`),
    };
  }
}
