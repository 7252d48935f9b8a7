import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webhookSweep } from "../../../functions/webhook-sweep";
import { query } from "../../../test/db";
import { baseUrl, createMerchant, expectError } from "../../../test/harness";
import { cancelMessage, eventually, fastForward, qstashMessages } from "../../../test/qstash";
import { startWebhookReceiver, type WebhookReceiver } from "../../../test/webhook-receiver";
import {
  createCustomer,
  createEndpoint,
  type Delivery,
  deliveriesOf,
  deliveryAfter,
  type Endpoint,
  type EventBody,
  fannedOut,
  getDelivery,
  newPath,
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

  it("a manual retry queued while the first attempt is in flight is not canceled when that attempt succeeds", async () => {
    const m = await createMerchant();
    const path = newPath();
    let answerFirst = () => {};
    const firstHeld = new Promise<void>((resolve) => {
      answerFirst = resolve;
    });
    receiver.respond(path, (_request, index) => ({
      status: 200,
      body: "ok",
      ...(index === 0 ? { after: firstHeld } : {}),
    }));
    const endpoint = await createEndpoint(m.sandbox, {
      url: receiver.url(path),
      enabled_events: ["customer.created"],
    });
    await createCustomer(m);
    await receiver.waitFor(path, 1);
    const [pending] = await deliveriesOf(m.sandbox, endpoint.id);
    if (!pending) throw new Error("no delivery");
    // The retry's attempt as POST …/retry leaves it while its QStash message is on the way (held
    // back here by its time, so the order is certain: the first attempt's success comes first).
    const manualId = `wha_inflight_${pending.id}`;
    await query(
      `insert into webhook_delivery_attempts
         (id, merchant_id, environment, delivery_id, number, trigger, status, scheduled_for, created_at)
       values ($1, $2, 'sandbox', $3, 99, 'manual', 'scheduled', now() + interval '1 hour', now())`,
      [manualId, m.merchantId, pending.id],
    );
    try {
      answerFirst();
      expect((await deliveryAfter(m.sandbox, endpoint.id, 1)).status).toBe("succeeded");
      const [manual] = await query<{ status: string }>(
        "select status from webhook_delivery_attempts where id = $1",
        [manualId],
      );
      expect(manual?.status).toBe("scheduled");
    } finally {
      await query("delete from webhook_delivery_attempts where id = $1", [manualId]);
    }
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
    await fastForward(60_000, m.merchantId);
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
