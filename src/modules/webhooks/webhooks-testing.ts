import { Webhook } from "standardwebhooks";
import { inject } from "vitest";
import { query } from "../../../test/db";
import type { Client, TestMerchant } from "../../../test/harness";
import { eventually } from "../../../test/qstash";
import type { ReceivedWebhook } from "../../../test/webhook-receiver";

export interface Endpoint {
  id: string;
  object: string;
  environment: string;
  url: string;
  enabled: boolean;
  enabled_events: string[];
  disabled_reason: string | null;
  previous_secret_expires_at: string | null;
  description: string | null;
  metadata: Record<string, string>;
  secret?: string;
}

export interface Attempt {
  id: string;
  number: number;
  trigger: "automatic" | "manual";
  status: "succeeded" | "failed";
  attempted_at: string;
  response_status: number | null;
  latency_ms: number | null;
  response_body: string | null;
  error: string | null;
}

export interface Delivery {
  id: string;
  object: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  status: "pending" | "succeeded" | "failed";
  attempt_count: number;
  next_attempt_at: string | null;
  last_error: string | null;
  attempts?: Attempt[];
}

export interface EventBody {
  id: string;
  type: string;
  data: { object: Record<string, unknown> };
}
let pathCounter = 0;

export function newPath(): string {
  pathCounter += 1;
  return `/hooks/${process.pid}-${pathCounter}-${Math.random().toString(36).slice(2, 8)}`;
}

export async function createEndpoint(client: Client, body: Record<string, unknown>): Promise<Endpoint> {
  const created = await client.request<Endpoint>("POST", "/webhooks/endpoints", body);
  if (created.status !== 200) throw new Error(`endpoint creation failed: ${created.status} ${created.text}`);
  return created.body;
}

export async function getDelivery(client: Client, id: string): Promise<Delivery> {
  return (await client.request<Delivery>("GET", `/webhooks/deliveries/${id}`)).body;
}

export async function deliveriesOf(client: Client, endpointId: string): Promise<Delivery[]> {
  return (await client.request<{ data: Delivery[] }>("GET", `/webhooks/endpoints/${endpointId}/deliveries`))
    .body.data;
}

/** The one delivery of an endpoint, once it has made `attempts` attempts. */
export async function deliveryAfter(
  client: Client,
  endpointId: string,
  attempts: number,
  timeoutMs?: number,
): Promise<Delivery> {
  return eventually(async () => {
    const [summary] = await deliveriesOf(client, endpointId);
    if (!summary || summary.attempt_count < attempts) return undefined;
    return getDelivery(client, summary.id);
  }, timeoutMs);
}

/** Sets what the local DNS-over-HTTPS server (WEBHOOKS_DOH_URL of the test stack) answers for a name. */
export async function setDns(name: string, records: { A?: string[]; AAAA?: string[] }): Promise<void> {
  const doh = new URL(inject("workerEnv").WEBHOOKS_DOH_URL ?? "");
  const response = await fetch(new URL("/records", doh), {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, ...records }),
  });
  if (!response.ok) throw new Error(`DoH records: ${response.status}`);
}

/** Sends a webhook.test to the endpoint and waits until its delivery is no longer pending. */
export async function testDelivery(client: Client, endpointId: string): Promise<Delivery> {
  const sent = await client.request<Delivery>("POST", `/webhooks/endpoints/${endpointId}/test`, {});
  if (sent.status !== 200) throw new Error(`test delivery failed: ${sent.status} ${sent.text}`);
  return eventually(async () => {
    const delivery = await getDelivery(client, sent.body.id);
    return delivery.attempt_count >= 1 && delivery.status !== "pending" ? delivery : undefined;
  });
}

/** Verified with the standardwebhooks package, not with our code; throws when the signature is wrong. */
export function verify(secret: string, request: ReceivedWebhook): EventBody {
  return new Webhook(secret).verify(request.body, request.headers) as EventBody;
}

/**
 * Resolves once the event has been fanned out to the endpoints. Its deliveries are created in the
 * transaction that sets dispatched_at, and only undispatched events are ever fanned out, so an
 * endpoint without a delivery by then never gets one: "nothing happened" is then a fact, not a
 * guess about how long to wait.
 */
export async function fannedOut(eventId: string): Promise<void> {
  await eventually(async () => {
    const [event] = await query<{ dispatched_at: Date | null }>(
      "select dispatched_at from events where id = $1",
      [eventId],
    );
    return event?.dispatched_at ? true : undefined;
  });
}

/** The id of the event a change to `objectId` recorded. */
export async function eventOf(client: Client, type: string, objectId: string): Promise<string> {
  const listed = await client.request<{ data: EventBody[] }>(
    "GET",
    `/events?type=${type}&object_id=${objectId}`,
  );
  const [event] = listed.body.data;
  if (!event) throw new Error(`no ${type} event for ${objectId}`);
  return event.id;
}

/**
 * Waits until the wall clock, which the Worker's clock reads, is past the second of a webhook's
 * timestamp, so that the next attempt is signed with a later timestamp.
 */
export async function pastSecondOf(request: ReceivedWebhook | undefined): Promise<void> {
  const timestamp = Number(request?.headers["webhook-timestamp"]);
  await eventually(async () => (Date.now() >= (timestamp + 1) * 1000 ? true : undefined));
}

export async function createCustomer(m: TestMerchant): Promise<string> {
  return (await m.sandbox.request<{ id: string }>("POST", "/customers", { email: "hook@example.com" })).body
    .id;
}
