import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, type TestMerchant } from "../../../test/harness";
import { eventually } from "../../../test/qstash";
import { startWebhookReceiver, type WebhookReceiver } from "../../../test/webhook-receiver";
import {
  type Attempt,
  createEndpoint,
  getDelivery,
  newPath,
  setDns,
  testDelivery,
  verify,
} from "./webhooks-testing";

/**
 * Attempts connect to the address the SSRF check passed, not to whatever a second lookup of the
 * name would give (docs/webhooks.md, "pinned connections"). The names below exist only in the
 * local DNS-over-HTTPS server the check asks; a sender that resolved them again (fetch) would
 * find nothing. `.test` names never resolve on the internet (RFC 6761).
 */
const tls = {
  key: readFileSync("test/fixtures/tls/receiver.key", "utf8"),
  cert: readFileSync("test/fixtures/tls/receiver.pem", "utf8"),
};
/** Sends a webhook.test and returns its first attempt, failed or not (a failure stays pending for its retry). */
async function firstAttempt(endpointId: string): Promise<Attempt> {
  const sent = await merchant.sandbox.request<{ id: string }>(
    "POST",
    `/webhooks/endpoints/${endpointId}/test`,
    {},
  );
  expect(sent.status).toBe(200);
  return eventually(async () => (await getDelivery(merchant.sandbox, sent.body.id)).attempts?.[0]);
}

const uniqueLabel = (label: string) => `${label}-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;

/** An address of 127.0.0.0/8 other than 127.0.0.1 (all of it is loopback on Linux), unlikely to be taken. */
const randomLoopback = () =>
  `127.${1 + Math.floor(Math.random() * 254)}.${Math.floor(Math.random() * 256)}.${1 + Math.floor(Math.random() * 254)}`;

/**
 * A receiver on a loopback address of its own, at a port a sandbox endpoint with a host name may use
 * (8080 or 8443: the port rule is checked before the name is resolved). A delivery that arrives
 * there went to the address the DNS answer gave.
 */
async function receiverAt(port: number, options: { tls?: typeof tls } = {}): Promise<WebhookReceiver> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await startWebhookReceiver({ ...options, host: randomLoopback(), port });
    } catch (error) {
      if (attempt >= 5 || (error as { code?: string }).code !== "EADDRINUSE") throw error;
    }
  }
}

let merchant: TestMerchant;
let plain: WebhookReceiver;
let https: WebhookReceiver;

beforeAll(async () => {
  [merchant, plain, https] = await Promise.all([
    createMerchant(),
    receiverAt(8080),
    receiverAt(8443, { tls }),
  ]);
});

afterAll(async () => {
  await Promise.all([plain.close(), https.close()]);
});

/**
 * A sandbox endpoint at `<scheme>://<name>:<8080|8443><path>`, whose name the local DNS answers
 * with `addresses`.
 */
async function endpointNamed(name: string, addresses: string[], scheme: "http" | "https") {
  await setDns(name, { A: addresses });
  const path = newPath();
  const endpoint = await createEndpoint(merchant.sandbox, {
    url: `${scheme}://${name}:${scheme === "https" ? 8443 : 8080}${path}`,
    enabled_events: ["customer.created"],
  });
  return { endpoint, path };
}

/** The loopback address a receiver listens on. */
const addressOf = (receiver: WebhookReceiver) => new URL(receiver.url("/")).hostname;

describe("webhook attempts are pinned to the checked address", () => {
  it("dials the address the check resolved, and sends the URL's own Host", async () => {
    const name = `${uniqueLabel("pinned")}.webhooks.test`;
    const { endpoint, path } = await endpointNamed(name, [addressOf(plain)], "http");
    const delivery = await testDelivery(merchant.sandbox, endpoint.id);
    expect(delivery.status, delivery.last_error ?? "").toBe("succeeded");
    const [received] = plain.received(path);
    expect(received?.headers.host).toBe(`${name}:8080`);
    expect(received && verify(endpoint.secret ?? "", received).type).toBe("webhook.test");
    expect(delivery.attempts?.[0]?.response_body).toBe("ok");
  });

  it("tries the next checked address when one refuses the connection", async () => {
    const name = `${uniqueLabel("second")}.webhooks.test`;
    // Nothing listens on the first address: it refuses the connection, the second answers.
    const { endpoint, path } = await endpointNamed(name, [randomLoopback(), addressOf(plain)], "http");
    const delivery = await testDelivery(merchant.sandbox, endpoint.id);
    expect(delivery.status, delivery.last_error ?? "").toBe("succeeded");
    expect(plain.received(path)).toHaveLength(1);
  });

  it("over HTTPS, verifies the certificate against the URL's name and sends it as SNI", async () => {
    const name = `${uniqueLabel("tls")}.webhooks.test`;
    const { endpoint, path } = await endpointNamed(name, [addressOf(https)], "https");
    const delivery = await testDelivery(merchant.sandbox, endpoint.id);
    expect(delivery.status, delivery.last_error ?? "").toBe("succeeded");
    const [received] = https.received(path);
    expect(received?.tlsServerName).toBe(name);
    expect(received?.headers.host).toBe(`${name}:8443`);
  });

  it("over HTTPS, a certificate for another name fails the attempt and sends nothing", async () => {
    const name = `${uniqueLabel("mismatch")}.example.net`;
    const { endpoint, path } = await endpointNamed(name, [addressOf(https)], "https");
    const attempt = await firstAttempt(endpoint.id);
    expect(attempt).toMatchObject({ status: "failed", response_status: null, response_body: null });
    expect(attempt.error).toContain(`TLS with ${name} at ${addressOf(https)} failed`);
    expect(https.received(path)).toEqual([]);
  });

  it("an address that refuses the connection is a failed attempt that names it", async () => {
    const name = `${uniqueLabel("closed")}.webhooks.test`;
    const closed = randomLoopback();
    const { endpoint } = await endpointNamed(name, [closed], "http");
    const attempt = await firstAttempt(endpoint.id);
    expect(attempt).toMatchObject({ status: "failed", response_status: null });
    expect(attempt.error).toContain(`connection failed: ${closed} port 8080`);
  });
});
