import { verifyWebhook, WebhookVerificationError } from "@magnetpay/sdk";
import { magnetpayWebhook } from "@magnetpay/sdk/hono";
import { Hono } from "hono";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import { newWebhookSecret, signatureHeader } from "../../src/modules/webhooks/signing";

const body = JSON.stringify({
  id: "evt_1",
  object: "event",
  type: "payment.succeeded",
  data: { object: {} },
});
const now = Date.UTC(2026, 11, 2, 12, 0, 0);
const nowSeconds = now / 1000;

/** Headers exactly as the API's delivery signs them (src/modules/webhooks/signing.ts). */
async function signed(secrets: string[], timestamp = nowSeconds, id = "whd_1") {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": await signatureHeader(secrets, { id, timestamp, body }),
  };
}

async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.catch((caught: unknown) => caught);
  if (!(error instanceof WebhookVerificationError))
    throw new Error(`expected a verification error: ${error}`);
  return error.reason;
}

describe("sdk verifyWebhook", () => {
  it("accepts what the API signs and returns the event, from Fetch Headers or a Node headers object", async () => {
    const secret = newWebhookSecret();
    const headers = await signed([secret]);
    expect(await verifyWebhook(secret, new Headers(headers), body, { now })).toEqual(JSON.parse(body));
    const nodeStyle = { ...headers, "webhook-id": [headers["webhook-id"]], host: "x" };
    expect((await verifyWebhook(secret, nodeStyle, body, { now })).type).toBe("payment.succeeded");
  });

  it("agrees with the standardwebhooks library on a message it signs", async () => {
    const secret = newWebhookSecret();
    const date = new Date(now);
    const signature = new Webhook(secret).sign("msg_1", date, body);
    const headers = {
      "webhook-id": "msg_1",
      "webhook-timestamp": String(nowSeconds),
      "webhook-signature": signature,
    };
    expect((await verifyWebhook(secret, headers, body, { now })).id).toBe("evt_1");
  });

  it("refuses a bad signature, a changed body or id, and a wrong secret", async () => {
    const secret = newWebhookSecret();
    const headers = await signed([secret]);
    const forged = { ...headers, "webhook-signature": `v1,${btoa("x".repeat(32))}` };
    expect(await failure(verifyWebhook(secret, forged, body, { now }))).toBe("signature_invalid");
    const garbage = { ...headers, "webhook-signature": "v1,@@@ v2,abc nonsense" };
    expect(await failure(verifyWebhook(secret, garbage, body, { now }))).toBe("signature_invalid");
    expect(await failure(verifyWebhook(secret, headers, `${body} `, { now }))).toBe("signature_invalid");
    const otherId = { ...headers, "webhook-id": "whd_2" };
    expect(await failure(verifyWebhook(secret, otherId, body, { now }))).toBe("signature_invalid");
    expect(await failure(verifyWebhook(newWebhookSecret(), headers, body, { now }))).toBe(
      "signature_invalid",
    );
  });

  it("refuses a timestamp more than 5 minutes old or ahead, and missing headers", async () => {
    const secret = newWebhookSecret();
    const old = await signed([secret], nowSeconds - 301);
    expect(await failure(verifyWebhook(secret, old, body, { now }))).toBe("timestamp_too_old");
    const ahead = await signed([secret], nowSeconds + 301);
    expect(await failure(verifyWebhook(secret, ahead, body, { now }))).toBe("timestamp_too_new");
    const edge = await signed([secret], nowSeconds - 300);
    expect((await verifyWebhook(secret, edge, body, { now })).id).toBe("evt_1");
    const notANumber = { ...edge, "webhook-timestamp": "soon" };
    expect(await failure(verifyWebhook(secret, notANumber, body, { now }))).toBe("timestamp_invalid");
    const { "webhook-signature": _signature, ...unsigned } = edge;
    expect(await failure(verifyWebhook(secret, unsigned, body, { now }))).toBe("headers_missing");
  });

  it("during a secret rotation, either secret verifies the two-signature header", async () => {
    const [previous, next] = [newWebhookSecret(), newWebhookSecret()];
    const headers = await signed([next, previous]);
    expect((await verifyWebhook(previous, headers, body, { now })).id).toBe("evt_1");
    expect((await verifyWebhook(next, headers, body, { now })).id).toBe("evt_1");
    expect((await verifyWebhook([newWebhookSecret(), next], headers, body, { now })).id).toBe("evt_1");
  });
});

describe("sdk Hono webhook middleware", () => {
  const secret = newWebhookSecret();
  const app = new Hono().post("/hooks", magnetpayWebhook(secret, { now }), (c) =>
    c.json({ received: c.get("magnetpayEvent").type }),
  );

  it("passes a verified event to the handler and answers 400 to anything else", async () => {
    const headers = await signed([secret]);
    const ok = await app.request("/hooks", { method: "POST", headers, body });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ received: "payment.succeeded" });
    const tampered = await app.request("/hooks", { method: "POST", headers, body: `${body}\n` });
    expect(tampered.status).toBe(400);
    expect(await tampered.json()).toEqual({
      error: { reason: "signature_invalid", message: "No webhook-signature matches the secret." },
    });
    const unsigned = await app.request("/hooks", { method: "POST", body });
    expect(unsigned.status).toBe(400);
  });

  it("reads the secret from the context when given a function (a Worker's env)", async () => {
    const fromEnv = new Hono<{ Bindings: { WEBHOOK_SECRET: string } }>().post(
      "/hooks",
      magnetpayWebhook((c) => c.env.WEBHOOK_SECRET, { now }),
      (c) => c.text(c.get("magnetpayEvent").id),
    );
    const request = { method: "POST", headers: await signed([secret]), body };
    const ok = await fromEnv.request("/hooks", request, { WEBHOOK_SECRET: secret });
    expect(await ok.text()).toBe("evt_1");
    const wrong = await fromEnv.request("/hooks", request, { WEBHOOK_SECRET: newWebhookSecret() });
    expect(wrong.status).toBe(400);
  });
});
