import { createMagnetPay, MagnetPayError, verifyWebhook } from "@magnetpay/sdk";
import { magnetpayWebhook } from "@magnetpay/sdk/hono";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, createMerchant } from "../../test/harness";
import { startWebhookReceiver, type WebhookReceiver } from "../../test/webhook-receiver";

const card = { number: "4242424242424242", exp_month: 12, exp_year: 2040, cvc: "123" };

let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await receiver.close();
});

describe("sdk against the running Worker", () => {
  it("customer → payment → refund → balances, and the webhooks verify with verifyWebhook", async () => {
    const merchant = await createMerchant();
    const magnetpay = createMagnetPay({
      baseUrl: baseUrl(),
      credentials: { keyId: merchant.sandboxKey.key_id, secret: merchant.sandboxKey.secret },
    });
    const path = `/sdk-flow/${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
    const endpoint = await magnetpay.webhookEndpoints.create({
      url: receiver.url(path),
      enabled_events: ["payment.succeeded", "refund.created"],
    });

    const customer = await magnetpay.customers.create({
      email: "sdk@example.com",
      metadata: { source: "sdk" },
    });
    expect(customer).toMatchObject({
      object: "customer",
      email: "sdk@example.com",
      metadata: { source: "sdk" },
    });
    const payment = await magnetpay.payments.create(
      {
        amount: 5_000,
        currency: "USD",
        customer: customer.id,
        confirm: true,
        payment_method_data: { type: "card", card },
      },
      { idempotencyKey: `order-${customer.id}` },
    );
    expect(payment).toMatchObject({
      object: "payment",
      status: "succeeded",
      amount: 5_000,
      customer: customer.id,
    });
    // The same key again is the same payment, replayed, not a second charge.
    const replayed = await magnetpay.payments.create(
      {
        amount: 5_000,
        currency: "USD",
        customer: customer.id,
        confirm: true,
        payment_method_data: { type: "card", card },
      },
      { idempotencyKey: `order-${customer.id}` },
    );
    expect(replayed).toEqual(payment);

    await magnetpay.sandbox.settlePayment(payment.id);
    expect((await magnetpay.balances.retrieve("USD")).available).toBe(payment.net);

    const refund = await magnetpay.refunds.create(payment.id, { amount: 1_500 });
    expect(refund).toMatchObject({ object: "refund", amount: 1_500, payment: payment.id });
    expect((await magnetpay.refunds.retrieve(refund.id)).id).toBe(refund.id);
    const usd = (await magnetpay.balances.list()).data.find((balance) => balance.currency === "USD");
    expect(usd?.available).toBe(payment.net - 1_500);

    // A text answer (CSV) comes back as a string.
    const csv: string = await magnetpay.transactions.export({ format: "csv", source_object_id: refund.id });
    expect(csv.split("\n")[0]).toContain("id");
    expect(csv).toContain(refund.id);

    const listed = [];
    for await (const item of magnetpay.payments.list({ limit: 1, customer: customer.id }))
      listed.push(item.id);
    expect(listed).toEqual([payment.id]);

    const requests = await receiver.waitFor(path, 2);
    const secret = String(endpoint.secret);
    const events = await Promise.all(
      requests.map((request) => verifyWebhook(secret, request.headers, request.body)),
    );
    expect(events.map((event) => event.type).sort()).toEqual(["payment.succeeded", "refund.created"]);
    expect(events.find((event) => event.type === "refund.created")?.data.object.id).toBe(refund.id);
    await expect(verifyWebhook(secret, requests[0]?.headers ?? {}, `${requests[0]?.body} `)).rejects.toThrow(
      "No webhook-signature matches",
    );

    // The same deliveries through the Hono middleware, as a merchant's Worker would receive them.
    const app = new Hono().post("/hooks", magnetpayWebhook(secret), (c) =>
      c.text(c.get("magnetpayEvent").type),
    );
    const received = await app.request("/hooks", {
      method: "POST",
      headers: requests[0]?.headers,
      body: requests[0]?.body,
    });
    expect(received.status).toBe(200);
    expect(events.map((event) => event.type)).toContain(await received.text());
  });

  it("throws typed errors: another merchant's payment is resource_missing, bad input names its param", async () => {
    const [merchant, other] = await Promise.all([createMerchant(), createMerchant()]);
    const credentials = { keyId: merchant.sandboxKey.key_id, secret: merchant.sandboxKey.secret };
    const magnetpay = createMagnetPay({ baseUrl: baseUrl(), credentials });
    const theirs = await other.sandbox.request<{ id: string }>("POST", "/customers", {
      email: "o@example.com",
    });

    const missing = await magnetpay.customers.retrieve(theirs.body.id).catch((caught: unknown) => caught);
    expect(missing).toBeInstanceOf(MagnetPayError);
    expect(missing).toMatchObject({ code: "resource_missing", type: "invalid_request_error", status: 404 });
    expect((missing as MagnetPayError).requestId).toMatch(/^req_/);

    const invalid = await magnetpay.payments
      .create({ amount: -1, currency: "USD" })
      .catch((caught: unknown) => caught);
    expect(invalid).toMatchObject({ status: 400, code: "amount_invalid", param: "amount" });

    const wrongKey = createMagnetPay({
      baseUrl: baseUrl(),
      credentials: { ...credentials, secret: "mps_test_x" },
    });
    await expect(wrongKey.balances.list()).rejects.toMatchObject({
      status: 401,
      type: "authentication_error",
    });

    const dashboard = createMagnetPay({
      baseUrl: baseUrl(),
      credentials: { bearerToken: merchant.token, environment: "production" },
    });
    const keys = (await dashboard.apiKeys.list()).data;
    expect(keys.map((key) => key.key_id)).toContain(merchant.productionKey.key_id);
  });
});
