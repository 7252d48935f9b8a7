import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError } from "../../../test/harness";
import { eventually, fastForward, publishFunction, qstashMessages } from "../../../test/qstash";
import { startWebhookReceiver, type WebhookReceiver } from "../../../test/webhook-receiver";
import {
  type Attempt,
  createCustomer,
  createEndpoint,
  type Delivery,
  deliveriesOf,
  deliveryAfter,
  type Endpoint,
  type EventBody,
  eventOf,
  fannedOut,
  getDelivery,
  newPath,
  pastSecondOf,
  verify,
} from "./webhooks-testing";

let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await receiver.close();
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

  it("records a receiver's answer holding a NUL: the delivery succeeds once, the NUL stored as U+FFFD", async () => {
    const m = await createMerchant();
    const path = newPath();
    receiver.respond(path, () => ({ status: 200, body: "ok\u0000done" }));
    const endpoint = await createEndpoint(m.sandbox, {
      url: receiver.url(path),
      enabled_events: ["customer.created"],
    });
    await createCustomer(m);
    await receiver.waitFor(path, 1);
    const delivery = await eventually(async () => {
      const d = await deliveryAfter(m.sandbox, endpoint.id, 1);
      return d.status === "succeeded" ? d : undefined;
    });
    expect(delivery.attempts?.map((a) => [a.status, a.response_body])).toEqual([
      ["succeeded", "ok\uFFFDdone"],
    ]);
    expect(receiver.received(path)).toHaveLength(1);
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
    await fastForward(10_000, m.merchantId);
    const [, secondRequest] = await receiver.waitFor(path, 2);
    await deliveryAfter(m.sandbox, endpoint.id, 2);
    await pastSecondOf(secondRequest);
    await fastForward(6 * 60_000, m.merchantId);
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

  // The 80 hours pass for this merchant's messages only (fastForward's match): other files' messages
  // and the crons go on in real time, so the test takes the same few seconds alone and in the suite.
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
    await fastForward(80 * 3_600_000, m.merchantId);

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
  });

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
    await fastForward(60_000, m.merchantId);
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

  it("gives up an attempt after WEBHOOK_ATTEMPT_TIMEOUT_MS (5 s in the test stack) without an answer", async () => {
    const m = await createMerchant();
    const path = newPath();
    receiver.respond(path, () => ({ hang: true }));
    const endpoint = await createEndpoint(m.sandbox, {
      url: receiver.url(path),
      enabled_events: ["webhook.test"],
    });
    await m.sandbox.request("POST", `/webhooks/endpoints/${endpoint.id}/test`);
    const delivery = await deliveryAfter(m.sandbox, endpoint.id, 1, 30_000);
    expect(delivery.attempts?.[0]?.error).toBe("timeout: no response within 5 s");
    expect(delivery.attempts?.[0]?.response_status).toBeNull();
    expect(delivery.attempts?.[0]?.latency_ms).toBeGreaterThanOrEqual(4_900);
    await m.sandbox.request("PATCH", `/webhooks/endpoints/${endpoint.id}`, { enabled: false });
  }, 45_000);
});
