import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookSweep } from "../../../functions/webhook-sweep";
import { query } from "../../../test/db";
import { baseUrl, type Client, createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import {
  cancelMessage,
  eventually,
  fastForward,
  publishFunction,
  qstashMessages,
} from "../../../test/qstash";
import {
  type ReceivedWebhook,
  startWebhookReceiver,
  type WebhookReceiver,
} from "../../../test/webhook-receiver";

interface Endpoint {
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

interface Attempt {
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

interface Delivery {
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

interface EventBody {
  id: string;
  type: string;
  data: { object: Record<string, unknown> };
}

let receiver: WebhookReceiver;
let pathCounter = 0;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await receiver.close();
});

function newPath(): string {
  pathCounter += 1;
  return `/hooks/${process.pid}-${pathCounter}-${Math.random().toString(36).slice(2, 8)}`;
}

async function createEndpoint(client: Client, body: Record<string, unknown>): Promise<Endpoint> {
  const created = await client.request<Endpoint>("POST", "/webhooks/endpoints", body);
  if (created.status !== 200) throw new Error(`endpoint creation failed: ${created.status} ${created.text}`);
  return created.body;
}

async function getDelivery(client: Client, id: string): Promise<Delivery> {
  return (await client.request<Delivery>("GET", `/webhooks/deliveries/${id}`)).body;
}

async function deliveriesOf(client: Client, endpointId: string): Promise<Delivery[]> {
  return (await client.request<{ data: Delivery[] }>("GET", `/webhooks/endpoints/${endpointId}/deliveries`))
    .body.data;
}

/** The one delivery of an endpoint, once it has made `attempts` attempts. */
async function deliveryAfter(
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

/** Verified with the standardwebhooks package, not with our code; throws when the signature is wrong. */
function verify(secret: string, request: ReceivedWebhook): EventBody {
  return new Webhook(secret).verify(request.body, request.headers) as EventBody;
}

/**
 * Resolves once the event has been fanned out to the endpoints. Its deliveries are created in the
 * transaction that sets dispatched_at, and only undispatched events are ever fanned out, so an
 * endpoint without a delivery by then never gets one: "nothing happened" is then a fact, not a
 * guess about how long to wait.
 */
async function fannedOut(eventId: string): Promise<void> {
  await eventually(async () => {
    const [event] = await query<{ dispatched_at: Date | null }>(
      "select dispatched_at from events where id = $1",
      [eventId],
    );
    return event?.dispatched_at ? true : undefined;
  });
}

/** The id of the event a change to `objectId` recorded. */
async function eventOf(client: Client, type: string, objectId: string): Promise<string> {
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
async function pastSecondOf(request: ReceivedWebhook | undefined): Promise<void> {
  const timestamp = Number(request?.headers["webhook-timestamp"]);
  await eventually(async () => (Date.now() >= (timestamp + 1) * 1000 ? true : undefined));
}

async function createCustomer(m: TestMerchant): Promise<string> {
  return (await m.sandbox.request<{ id: string }>("POST", "/customers", { email: "hook@example.com" })).body
    .id;
}

describe("webhook endpoints: registration", () => {
  it("creates an endpoint with a secret shown once; retrieve, list, update and delete it", async () => {
    const m = await createMerchant();
    const created = await createEndpoint(m.sandbox, {
      url: "https://example.com/webhooks",
      enabled_events: ["customer.*", "payment.succeeded"],
      description: "orders",
      metadata: { team: "checkout" },
    });
    expect(created).toMatchObject({
      object: "webhook_endpoint",
      environment: "sandbox",
      url: "https://example.com/webhooks",
      enabled: true,
      disabled_reason: null,
      enabled_events: ["customer.*", "payment.succeeded"],
      metadata: { team: "checkout" },
    });
    expect(created.id).toMatch(/^we_[0-9A-Za-z]{24}$/);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(String(created.secret).slice(6), "base64")).toHaveLength(32);

    const fetched = await m.sandbox.request<Endpoint>("GET", `/webhooks/endpoints/${created.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).not.toHaveProperty("secret");
    const { secret: _secret, ...withoutSecret } = created;
    expect(fetched.body).toEqual(withoutSecret);
    const list = await m.sandbox.request<{ data: Endpoint[] }>("GET", "/webhooks/endpoints");
    expect(list.body.data.map((endpoint) => endpoint.id)).toEqual([created.id]);
    expect(list.text).not.toContain("whsec_");

    const updated = await m.sandbox.request<Endpoint>("PATCH", `/webhooks/endpoints/${created.id}`, {
      enabled_events: ["*"],
      description: null,
      enabled: false,
    });
    expect(updated.body).toMatchObject({ enabled_events: ["*"], description: null, enabled: false });
    expect(updated.body.disabled_reason).toBe("manual");
    const enabled = await m.sandbox.request<Endpoint>("PATCH", `/webhooks/endpoints/${created.id}`, {
      enabled: true,
    });
    expect(enabled.body).toMatchObject({ enabled: true, disabled_reason: null });

    const deleted = await m.sandbox.request("DELETE", `/webhooks/endpoints/${created.id}`);
    expect(deleted.body).toEqual({ id: created.id, object: "webhook_endpoint", deleted: true });
    expectError(await m.sandbox.request("GET", `/webhooks/endpoints/${created.id}`), 404, "resource_missing");

    const events = await query<{ type: string; data: string }>(
      "select type, data::text as data from events where object_id = $1 order by created_at, type",
      [created.id],
    );
    expect(events.map((event) => event.type)).toEqual([
      "webhook_endpoint.created",
      "webhook_endpoint.updated",
      "webhook_endpoint.updated",
      "webhook_endpoint.deleted",
    ]);
    expect(events.every((event) => !event.data.includes("whsec_"))).toBe(true);
  });

  it("refuses bad URLs and unknown event types with a code", async () => {
    const m = await createMerchant();
    const post = (body: Record<string, unknown>) => m.sandbox.request("POST", "/webhooks/endpoints", body);
    const events = { enabled_events: ["*"] };
    for (const url of ["not a url", "ftp://example.com/x", "https://user:pass@example.com/x", "/relative"]) {
      expectError(await post({ url, ...events }), 400, "webhook_url_invalid");
    }
    const unknown = await post({ url: "https://example.com/x", enabled_events: ["nope.created"] });
    expectError(unknown, 400, "parameter_invalid");
    expect((unknown.body as { error: { param: string } }).error.param).toContain("enabled_events");
    expectError(await post({ url: "https://example.com/x", enabled_events: [] }), 400, "parameter_invalid");
    expectError(
      await post({ url: "https://example.com/x", enabled_events: ["customer.*", "customer.*"] }),
      400,
      "parameter_invalid",
    );
    expectError(await post({ enabled_events: ["*"] }), 400, "parameter_missing");
    expectError(
      await post({ url: "https://example.com/x", ...events, secret: "x" }),
      400,
      "parameter_unknown",
    );
  });

  it("refuses private, loopback, link-local, CGNAT and metadata hosts in production (SSRF)", async () => {
    const m = await createMerchant();
    const post = (url: string) =>
      m.production.request("POST", "/webhooks/endpoints", { url, enabled_events: ["payment.succeeded"] });
    expectError(await post("http://example.com/hooks"), 400, "webhook_url_insecure");
    const forbidden = [
      "https://127.0.0.1/hooks",
      "https://localhost/hooks",
      "https://api.localhost/hooks",
      "https://2130706433/hooks",
      "https://0x7f.1/hooks",
      "https://[::1]/hooks",
      "https://[::ffff:127.0.0.1]/hooks",
      "https://10.1.2.3/hooks",
      "https://172.20.0.1/hooks",
      "https://192.168.1.1/hooks",
      "https://169.254.169.254/latest/meta-data",
      "https://metadata.google.internal/computeMetadata/v1",
      "https://100.64.0.1/hooks",
      "https://0.0.0.0/hooks",
      "https://[fe80::1]/hooks",
      "https://[fd00::1]/hooks",
      "https://printer.local/hooks",
      "https://intranet/hooks",
    ];
    for (const url of forbidden) {
      const refused = await post(url);
      expectError(refused, 400, "webhook_url_forbidden");
      expect((refused.body as { error: { param: string } }).error.param).toBe("url");
    }
    const ok = await post("https://example.com/hooks");
    expect(ok.status).toBe(200);
    const endpointId = (ok.body as { id: string }).id;
    expectError(
      await m.production.request("PATCH", `/webhooks/endpoints/${endpointId}`, { url: "https://10.0.0.1/x" }),
      400,
      "webhook_url_forbidden",
    );
    expectError(
      await m.production.request("PATCH", `/webhooks/endpoints/${endpointId}`, {
        url: "http://example.com/x",
      }),
      400,
      "webhook_url_insecure",
    );
  });

  it("sandbox allows http, and loopback only with the local-development switch; private hosts never", async () => {
    const m = await createMerchant();
    const post = (url: string) =>
      m.sandbox.request("POST", "/webhooks/endpoints", { url, enabled_events: ["payment.succeeded"] });
    expect((await post("http://example.com/hooks")).status).toBe(200);
    // The test stack sets WEBHOOKS_ALLOW_LOCALHOST=true, as npm start does.
    expect((await post("http://127.0.0.1:9/hooks")).status).toBe(200);
    expectError(await post("http://10.0.0.1/hooks"), 400, "webhook_url_forbidden");
    expectError(await post("http://169.254.169.254/latest"), 400, "webhook_url_forbidden");
  });

  it("limits the endpoints per environment", async () => {
    const m = await createMerchant();
    for (let i = 0; i < 16; i++) {
      await createEndpoint(m.sandbox, {
        url: `https://example.com/${i}`,
        enabled_events: ["payment.succeeded"],
      });
    }
    expectError(
      await m.sandbox.request("POST", "/webhooks/endpoints", {
        url: "https://example.com/17",
        enabled_events: ["payment.succeeded"],
      }),
      400,
      "resource_limit_exceeded",
    );
    expect(
      (
        await m.production.request("POST", "/webhooks/endpoints", {
          url: "https://example.com/17",
          enabled_events: ["payment.succeeded"],
        })
      ).status,
    ).toBe(200);
  });
});

describe("webhook delivery", () => {
  it("marks the events of a merchant without endpoints dispatched at once, leaving the sweep nothing", async () => {
    const m = await createMerchant();
    const customerId = await createCustomer(m);
    const dispatched = await eventually(async () => {
      const [row] = await query<{ dispatched_at: Date | null }>(
        "select dispatched_at from events where object_id = $1",
        [customerId],
      );
      return row?.dispatched_at ?? undefined;
    });
    expect(dispatched).toBeInstanceOf(Date);
    expect(await query("select 1 from webhook_deliveries where merchant_id = $1", [m.merchantId])).toEqual(
      [],
    );
  });

  it("delivers each subscribed event once per endpoint, signed so that standardwebhooks verifies it", async () => {
    const m = await createMerchant();
    const path = newPath();
    const endpoint = await createEndpoint(m.sandbox, {
      url: receiver.url(path),
      enabled_events: ["customer.*"],
    });
    const other = await createEndpoint(m.sandbox, {
      url: receiver.url(newPath()),
      enabled_events: ["customer.deleted"],
    });
    const production = await createEndpoint(m.production, {
      url: "https://example.com/production",
      enabled_events: ["customer.*"],
    });
    const customerId = await createCustomer(m);
    const [request] = await receiver.waitFor(path, 1);
    if (!request) throw new Error("no request");
    const payload = verify(String(endpoint.secret), request);
    expect(payload.type).toBe("customer.created");
    expect(payload.data.object.id).toBe(customerId);
    const events = await m.sandbox.request<{ data: EventBody[] }>("GET", `/events?object_id=${customerId}`);
    expect(JSON.parse(request.body)).toEqual(events.body.data[0]);
    expect(request.headers["content-type"]).toBe("application/json");

    const delivery = await deliveryAfter(m.sandbox, endpoint.id, 1);
    expect(request.headers["webhook-id"]).toBe(delivery.id);
    expect(delivery).toMatchObject({
      object: "webhook_delivery",
      status: "succeeded",
      attempt_count: 1,
      next_attempt_at: null,
      event_id: payload.id,
      event_type: "customer.created",
    });
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts?.[0]).toMatchObject({
      number: 1,
      trigger: "automatic",
      status: "succeeded",
      response_status: 200,
      response_body: "ok",
      error: null,
    });
    expect(delivery.attempts?.[0]?.latency_ms).toBeGreaterThanOrEqual(0);
    expect(await deliveriesOf(m.sandbox, other.id)).toEqual([]);
    expect(await deliveriesOf(m.production, production.id)).toEqual([]);
    const listed = await m.sandbox.request<{ data: Delivery[] }>(
      "GET",
      `/webhooks/deliveries?event_id=${payload.id}&status=succeeded`,
    );
    expect(listed.body.data.map((d) => d.id)).toEqual([delivery.id]);

    // A QStash redelivery of the same attempt message is a no-op: the attempt is already made.
    const attemptId = delivery.attempts?.[0]?.id ?? "";
    const messageId = await publishFunction("webhook-deliver", { attempt_id: attemptId });
    await eventually(async () =>
      (await qstashMessages()).find((message) => message.id === messageId && message.status === "delivered"),
    );
    expect(receiver.received(path)).toHaveLength(1);
    expect((await getDelivery(m.sandbox, delivery.id)).attempt_count).toBe(1);
  });

  it("retries on schedule: fails twice, succeeds on attempt 3, every attempt recorded, same webhook-id", async () => {
    const m = await createMerchant();
    const path = newPath();
    receiver.respond(path, (_request, index) =>
      index < 2 ? { status: 500, body: `boom ${index}` } : { status: 204 },
    );
    const endpoint = await createEndpoint(m.sandbox, {
      url: receiver.url(path),
      enabled_events: ["customer.created"],
    });
    await createCustomer(m);
    const [firstRequest] = await receiver.waitFor(path, 1);
    const afterFirst = await eventually(async () => {
      const d = await deliveryAfter(m.sandbox, endpoint.id, 1);
      return d.next_attempt_at ? d : undefined;
    });
    expect(afterFirst.status).toBe("pending");
    // In a later second, so the Worker's timestamps (and so the signatures) differ between attempts.
    await pastSecondOf(firstRequest);
    await fastForward(10_000);
    const [, secondRequest] = await receiver.waitFor(path, 2);
    await deliveryAfter(m.sandbox, endpoint.id, 2);
    await pastSecondOf(secondRequest);
    await fastForward(6 * 60_000);
    const requests = await receiver.waitFor(path, 3);
    const delivery = await eventually(async () => {
      const d = await deliveryAfter(m.sandbox, endpoint.id, 3);
      return d.status === "succeeded" ? d : undefined;
    });

    expect(requests.map((r) => r.headers["webhook-id"])).toEqual([delivery.id, delivery.id, delivery.id]);
    const timestamps = requests.map((r) => Number(r.headers["webhook-timestamp"]));
    expect(timestamps[1]).toBeGreaterThan(timestamps[0] ?? 0);
    expect(timestamps[2]).toBeGreaterThan(timestamps[1] ?? 0);
    expect(new Set(requests.map((r) => r.headers["webhook-signature"])).size).toBe(3);
    for (const request of requests)
      expect(verify(String(endpoint.secret), request).type).toBe("customer.created");
    expect(requests.map((r) => r.body)).toEqual([requests[0]?.body, requests[0]?.body, requests[0]?.body]);

    expect(delivery.attempt_count).toBe(3);
    expect(delivery.next_attempt_at).toBeNull();
    expect(delivery.attempts?.map((a) => [a.number, a.status, a.response_status, a.error])).toEqual([
      [1, "failed", 500, "HTTP 500"],
      [2, "failed", 500, "HTTP 500"],
      [3, "succeeded", 204, null],
    ]);
    expect(delivery.attempts?.map((a) => a.response_body)).toEqual(["boom 0", "boom 1", ""]);

    // QStash's own clock shows the schedule: about 5 s, then about 5 min (with jitter).
    const messages = await qstashMessages();
    const delayOf = (attempt: Attempt | undefined) => {
      const message = messages.find((msg) => msg.body.includes(String(attempt?.id)));
      return message ? message.nextDeliveryAt - message.createdAt : -1;
    };
    expect(delayOf(delivery.attempts?.[1])).toBeGreaterThanOrEqual(4000);
    expect(delayOf(delivery.attempts?.[1])).toBeLessThanOrEqual(6000);
    expect(delayOf(delivery.attempts?.[2])).toBeGreaterThanOrEqual(270_000);
    expect(delayOf(delivery.attempts?.[2])).toBeLessThanOrEqual(330_000);
  });

  // The 80-hour fast-forward steps through every message pending on the run's shared local QStash,
  // other files' included, so its budget grows with the suite; the test's clock is QStash's, not this.
  it("a receiver that never succeeds: the schedule runs out at about 72 hours, then the endpoint is disabled", async () => {
    const m = await createMerchant();
    const path = newPath();
    const watcherPath = newPath();
    receiver.respond(path, () => ({ status: 503, body: "down" }));
    const watcher = await createEndpoint(m.sandbox, {
      url: receiver.url(watcherPath),
      enabled_events: ["webhook_endpoint.disabled"],
    });
    const endpoint = await createEndpoint(m.sandbox, {
      url: receiver.url(path),
      enabled_events: ["customer.created"],
    });
    await createCustomer(m);
    await receiver.waitFor(path, 1);
    await deliveryAfter(m.sandbox, endpoint.id, 1);
    await fastForward(80 * 3_600_000);

    const requests = await receiver.waitFor(path, 10);
    const delivery = await eventually(async () => {
      const d = await deliveryAfter(m.sandbox, endpoint.id, 10);
      return d.status === "failed" ? d : undefined;
    });
    expect(requests).toHaveLength(10);
    expect(new Set(requests.map((r) => r.headers["webhook-id"]))).toEqual(new Set([delivery.id]));
    expect(delivery.attempt_count).toBe(10);
    expect(delivery.next_attempt_at).toBeNull();
    expect(delivery.attempts?.every((a) => a.status === "failed" && a.response_status === 503)).toBe(true);

    const messages = await qstashMessages();
    const first = messages.find((msg) => msg.body.includes(String(delivery.attempts?.[0]?.id)));
    const last = messages.find((msg) => msg.body.includes(String(delivery.attempts?.[9]?.id)));
    const spanHours = ((last?.nextDeliveryAt ?? 0) - (first?.createdAt ?? 0)) / 3_600_000;
    expect(spanHours).toBeGreaterThan(64);
    expect(spanHours).toBeLessThan(79);

    const disabled = await m.sandbox.request<Endpoint>("GET", `/webhooks/endpoints/${endpoint.id}`);
    expect(disabled.body).toMatchObject({ enabled: false, disabled_reason: "failing" });
    const [notice] = await receiver.waitFor(watcherPath, 1);
    if (!notice) throw new Error("no notice");
    const event = verify(String(watcher.secret), notice);
    expect(event.type).toBe("webhook_endpoint.disabled");
    expect(event.data.object).toMatchObject({ id: endpoint.id, enabled: false, disabled_reason: "failing" });

    // A disabled endpoint gets no new deliveries.
    const customerId = await createCustomer(m);
    await fannedOut(await eventOf(m.sandbox, "customer.created", customerId));
    expect(await deliveriesOf(m.sandbox, endpoint.id)).toHaveLength(1);
  }, 180_000);

  it("410 Gone disables the endpoint at once", async () => {
    const m = await createMerchant();
    const path = newPath();
    receiver.respond(path, () => ({ status: 410, body: "gone" }));
    const endpoint = await createEndpoint(m.sandbox, {
      url: receiver.url(path),
      enabled_events: ["customer.created"],
    });
    await createCustomer(m);
    await receiver.waitFor(path, 1);
    const disabled = await eventually(async () => {
      const e = await m.sandbox.request<Endpoint>("GET", `/webhooks/endpoints/${endpoint.id}`);
      return e.body.enabled ? undefined : e.body;
    });
    expect(disabled.disabled_reason).toBe("gone");
    const delivery = await deliveryAfter(m.sandbox, endpoint.id, 1);
    expect(delivery).toMatchObject({ status: "failed", attempt_count: 1, next_attempt_at: null });
    expect(delivery.attempts?.[0]).toMatchObject({ response_status: 410, error: "HTTP 410" });
    const events = await m.sandbox.request<{ data: EventBody[] }>(
      "GET",
      `/events?type=webhook_endpoint.disabled&object_id=${endpoint.id}`,
    );
    expect(events.body.data).toHaveLength(1);
    await fastForward(60_000);
    expect(receiver.received(path)).toHaveLength(1);
    expectError(
      await m.sandbox.request("POST", `/webhooks/deliveries/${delivery.id}/retry`),
      409,
      "webhook_endpoint_disabled",
    );
  });

  it("treats redirects as failures and does not follow them", async () => {
    const m = await createMerchant();
    const path = newPath();
    const target = newPath();
    receiver.respond(path, () => ({ status: 302, headers: { location: receiver.url(target) } }));
    const endpoint = await createEndpoint(m.sandbox, {
      url: receiver.url(path),
      enabled_events: ["webhook.test"],
    });
    await m.sandbox.request("POST", `/webhooks/endpoints/${endpoint.id}/test`);
    const delivery = await deliveryAfter(m.sandbox, endpoint.id, 1);
    expect(delivery.status).toBe("pending");
    expect(delivery.attempts?.[0]).toMatchObject({ response_status: 302, status: "failed" });
    expect(delivery.attempts?.[0]?.error).toContain("redirects are not followed");
    expect(receiver.received(target)).toHaveLength(0);
    await m.sandbox.request("PATCH", `/webhooks/endpoints/${endpoint.id}`, { enabled: false });
  });

  it("gives up an attempt after WEBHOOK_ATTEMPT_TIMEOUT_MS (2 s in the test stack) without an answer", async () => {
    const m = await createMerchant();
    const path = newPath();
    receiver.respond(path, () => ({ hang: true }));
    const endpoint = await createEndpoint(m.sandbox, {
      url: receiver.url(path),
      enabled_events: ["webhook.test"],
    });
    await m.sandbox.request("POST", `/webhooks/endpoints/${endpoint.id}/test`);
    const delivery = await deliveryAfter(m.sandbox, endpoint.id, 1, 30_000);
    expect(delivery.attempts?.[0]?.error).toBe("timeout: no response within 2 s");
    expect(delivery.attempts?.[0]?.response_status).toBeNull();
    expect(delivery.attempts?.[0]?.latency_ms).toBeGreaterThanOrEqual(1_900);
    await m.sandbox.request("PATCH", `/webhooks/endpoints/${endpoint.id}`, { enabled: false });
  }, 45_000);

  it("re-checks the URL at send time and refuses an internal address without sending", async () => {
    const m = await createMerchant();
    const path = newPath();
    const endpoint = await createEndpoint(m.sandbox, {
      url: receiver.url(path),
      enabled_events: ["webhook.test"],
    });
    // As if the rules had changed since registration: the stored URL now points inside the network.
    await query("update webhook_endpoints set url = 'http://10.0.0.7/hooks' where id = $1", [endpoint.id]);
    await m.sandbox.request("POST", `/webhooks/endpoints/${endpoint.id}/test`);
    const delivery = await deliveryAfter(m.sandbox, endpoint.id, 1);
    expect(delivery.attempts?.[0]?.error).toMatch(/^webhook_url_forbidden: /);
    expect(delivery.attempts?.[0]?.response_status).toBeNull();
    expect(receiver.received(path)).toHaveLength(0);
    await m.sandbox.request("PATCH", `/webhooks/endpoints/${endpoint.id}`, { enabled: false });
  });

  it("rotating the secret: both signatures verify during the overlap, only the new one after it", async () => {
    const m = await createMerchant();
    const path = newPath();
    const endpoint = await createEndpoint(m.sandbox, {
      url: receiver.url(path),
      enabled_events: ["customer.*"],
    });
    const oldSecret = String(endpoint.secret);
    const test = await m.sandbox.request<Delivery>("POST", `/webhooks/endpoints/${endpoint.id}/test`);
    expect(test.body).toMatchObject({
      object: "webhook_delivery",
      event_type: "webhook.test",
      status: "pending",
    });
    const [first] = await receiver.waitFor(path, 1);
    if (!first) throw new Error("no request");
    expect(first.headers["webhook-signature"]?.split(" ")).toHaveLength(1);
    expect(verify(oldSecret, first).type).toBe("webhook.test");
    expect(first.headers["webhook-id"]).toBe(test.body.id);

    const rotated = await m.sandbox.request<Endpoint>(
      "POST",
      `/webhooks/endpoints/${endpoint.id}/rotate-secret`,
    );
    expect(rotated.status).toBe(200);
    const newSecret = String(rotated.body.secret);
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);
    const overlapHours =
      (Date.parse(String(rotated.body.previous_secret_expires_at)) - Date.now()) / 3_600_000;
    expect(overlapHours).toBeGreaterThan(23.9);
    expect(overlapHours).toBeLessThanOrEqual(24);
    expect((await m.sandbox.request("GET", `/webhooks/endpoints/${endpoint.id}`)).text).not.toContain(
      "whsec_",
    );

    await createCustomer(m);
    const [, during] = await receiver.waitFor(path, 2);
    if (!during) throw new Error("no request");
    expect(during.headers["webhook-signature"]?.split(" ")).toHaveLength(2);
    expect(verify(newSecret, during).type).toBe("customer.created");
    expect(verify(oldSecret, during).type).toBe("customer.created");

    // After the overlap (moved into the past here), the old secret no longer signs.
    await query(
      "update webhook_endpoints set previous_secret_expires_at = now() - interval '1 second' where id = $1",
      [endpoint.id],
    );
    await m.sandbox.request("POST", `/webhooks/endpoints/${endpoint.id}/test`);
    const [, , after] = await receiver.waitFor(path, 3);
    if (!after) throw new Error("no request");
    expect(after.headers["webhook-signature"]?.split(" ")).toHaveLength(1);
    expect(verify(newSecret, after).type).toBe("webhook.test");
    expect(() => verify(oldSecret, after)).toThrow();
  });

  it("a test event goes only to its endpoint, and needs the endpoint enabled", async () => {
    const m = await createMerchant();
    const path = newPath();
    const otherPath = newPath();
    const endpoint = await createEndpoint(m.sandbox, {
      url: receiver.url(path),
      enabled_events: ["customer.created"],
    });
    const other = await createEndpoint(m.sandbox, { url: receiver.url(otherPath), enabled_events: ["*"] });
    await m.sandbox.request("POST", `/webhooks/endpoints/${endpoint.id}/test`);
    const [request] = await receiver.waitFor(path, 1);
    if (!request) throw new Error("no request");
    const event = verify(String(endpoint.secret), request);
    expect(event.data.object).toMatchObject({ id: endpoint.id, object: "webhook_endpoint" });
    const retrieved = await m.sandbox.request<EventBody>("GET", `/events/${event.id}`);
    expect(retrieved.body.type).toBe("webhook.test");
    // Its endpoint's delivery and the dispatch are one transaction, done before the answer: the
    // other endpoint has no delivery of it now, and so never gets one.
    await fannedOut(event.id);
    const othersDeliveries = await m.sandbox.request<{ data: Delivery[] }>(
      "GET",
      `/webhooks/deliveries?endpoint_id=${other.id}&event_id=${event.id}`,
    );
    expect(othersDeliveries.body.data).toEqual([]);
    expect(
      receiver.received(otherPath).filter((r) => verify(String(other.secret), r).type === "webhook.test"),
    ).toEqual([]);
    await m.sandbox.request("PATCH", `/webhooks/endpoints/${endpoint.id}`, { enabled: false });
    expectError(
      await m.sandbox.request("POST", `/webhooks/endpoints/${endpoint.id}/test`),
      409,
      "webhook_endpoint_disabled",
    );
  });

  it("manual retry and event redelivery: same webhook-id, a new delivery for an endpoint created later", async () => {
    const m = await createMerchant();
    const path = newPath();
    const laterPath = newPath();
    const endpoint = await createEndpoint(m.sandbox, {
      url: receiver.url(path),
      enabled_events: ["customer.created"],
    });
    const customerId = await createCustomer(m);
    await receiver.waitFor(path, 1);
    const delivery = await deliveryAfter(m.sandbox, endpoint.id, 1);

    const retried = await m.sandbox.request<Delivery>("POST", `/webhooks/deliveries/${delivery.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body.id).toBe(delivery.id);
    const [, again] = await receiver.waitFor(path, 2);
    expect(again?.headers["webhook-id"]).toBe(delivery.id);
    const afterRetry = await deliveryAfter(m.sandbox, endpoint.id, 2);
    expect(afterRetry.attempts?.map((a) => [a.trigger, a.status])).toEqual([
      ["automatic", "succeeded"],
      ["manual", "succeeded"],
    ]);

    const later = await createEndpoint(m.sandbox, {
      url: receiver.url(laterPath),
      enabled_events: ["customer.*"],
    });
    const redelivered = await m.sandbox.request<{ object: string; data: Delivery[] }>(
      "POST",
      `/events/${delivery.event_id}/redeliver`,
    );
    expect(redelivered.status).toBe(200);
    expect(redelivered.body.object).toBe("list");
    expect(redelivered.body.data.map((d) => d.endpoint_id).sort()).toEqual([endpoint.id, later.id].sort());
    await receiver.waitFor(path, 3);
    const [fromLater] = await receiver.waitFor(laterPath, 1);
    if (!fromLater) throw new Error("no request");
    const event = verify(String(later.secret), fromLater);
    expect(event).toMatchObject({ id: delivery.event_id, type: "customer.created" });
    expect(event.data.object.id).toBe(customerId);

    expectError(await m.sandbox.request("POST", "/events/evt_nope/redeliver"), 404, "resource_missing");
    expectError(
      await m.sandbox.request("POST", "/webhooks/deliveries/whd_nope/retry"),
      404,
      "resource_missing",
    );
  });

  it("deleting an endpoint stops its pending deliveries", async () => {
    const m = await createMerchant();
    const path = newPath();
    receiver.respond(path, () => ({ status: 500 }));
    const endpoint = await createEndpoint(m.sandbox, {
      url: receiver.url(path),
      enabled_events: ["customer.created"],
    });
    await createCustomer(m);
    const pending = await eventually(async () => {
      const d = await deliveryAfter(m.sandbox, endpoint.id, 1);
      return d.next_attempt_at ? d : undefined;
    });
    await m.sandbox.request("DELETE", `/webhooks/endpoints/${endpoint.id}`);
    const stopped = await getDelivery(m.sandbox, pending.id);
    expect(stopped).toMatchObject({
      status: "failed",
      next_attempt_at: null,
      last_error: "endpoint deleted",
    });
    await fastForward(60_000);
    expect(receiver.received(path)).toHaveLength(1);
    expectError(
      await m.sandbox.request("GET", `/webhooks/endpoints/${endpoint.id}/deliveries`),
      404,
      "resource_missing",
    );
  });
});

describe("webhook-sweep: nothing is lost if the Worker dies between commit and publish", () => {
  it("dispatches an event left undispatched and republishes an attempt whose message was lost", async () => {
    const m = await createMerchant();
    const path = newPath();
    receiver.respond(path, (_request, index) => (index === 0 ? { status: 500 } : { status: 200 }));
    const endpoint = await createEndpoint(m.sandbox, {
      url: receiver.url(path),
      enabled_events: ["customer.created"],
    });
    await createCustomer(m);
    const lostDelivery = await eventually(async () => {
      const d = await deliveryAfter(m.sandbox, endpoint.id, 1);
      return d.next_attempt_at ? d : undefined;
    });
    const [scheduled] = await query<{ id: string }>(
      "select id from webhook_delivery_attempts where delivery_id = $1 and status = 'scheduled'",
      [lostDelivery.id],
    );
    const message = (await qstashMessages()).find(
      (msg) => msg.status === "pending" && msg.body.includes(String(scheduled?.id)),
    );
    if (!message) throw new Error("the retry message is not pending");
    await cancelMessage(message.id);
    await query(
      "update webhook_delivery_attempts set scheduled_for = now() - interval '10 minutes' where id = $1",
      [scheduled?.id],
    );
    // An event whose request died before fanning it out: committed, never dispatched.
    const orphanId = `evt_sweep${Math.random().toString(36).slice(2, 12)}`;
    await query(
      `insert into events (id, merchant_id, environment, type, object_id, object_type, data, api_version, created_at)
       values ($1, $2, 'sandbox', 'customer.created', 'cus_orphan', 'customer',
               '{"id":"cus_orphan","object":"customer"}', '2026-11-01', now() - interval '2 minutes')`,
      [orphanId, m.merchantId],
    );

    // Runs are deduplicated per minute slot, and other tests trigger the every-minute functions
    // too: the cron trigger's scheduled time puts this run in a slot no other test uses.
    const slot = Date.UTC(2003, 0, 1);
    const fired = await fetch(
      `${baseUrl()}/internal/dev/scheduled?cron=${encodeURIComponent(webhookSweep.schedule ?? "")}&time=${slot}`,
    );
    expect(fired.status).toBe(200);
    const [run] = await query<{ status: string }>(
      "select status from function_runs where function_name = 'webhook-sweep' and window_key = $1",
      [new Date(slot).toISOString().slice(0, 16)],
    );
    expect(run?.status).toBe("succeeded");
    const requests = await receiver.waitFor(path, 3);
    const ids = requests.map((r) => verify(String(endpoint.secret), r).id);
    expect(ids).toContain(orphanId);
    expect(requests.filter((r) => r.headers["webhook-id"] === lostDelivery.id)).toHaveLength(2);
    const recovered = await eventually(async () => {
      const d = await getDelivery(m.sandbox, lostDelivery.id);
      return d.status === "succeeded" ? d : undefined;
    });
    expect(recovered.attempt_count).toBe(2);
    const [orphan] = await query<{ dispatched_at: Date | null }>(
      "select dispatched_at from events where id = $1",
      [orphanId],
    );
    expect(orphan?.dispatched_at).not.toBeNull();
  });
});
