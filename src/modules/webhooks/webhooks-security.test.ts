import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { type Client, createMerchant, expectError } from "../../../test/harness";
import { eventually } from "../../../test/qstash";
import { runFunctionFor } from "../../../test/verifications";
import { startWebhookReceiver, type WebhookReceiver } from "../../../test/webhook-receiver";
import { type Delivery, setDns, testDelivery } from "./webhooks-testing";

interface Endpoint {
  id: string;
  secret: string;
}

let receiver: WebhookReceiver;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await receiver.close();
});

const newPath = () => `/security/${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
const newName = (label: string) => `${label}-${Math.random().toString(36).slice(2, 10)}.example.net`;

async function createEndpoint(client: Client, url: string): Promise<Endpoint> {
  const created = await client.request<Endpoint>("POST", "/webhooks/endpoints", {
    url,
    // Subscribed to an event these tests never cause: only their webhook.test deliveries arrive.
    enabled_events: ["customer.created"],
  });
  if (created.status !== 200) throw new Error(`endpoint creation failed: ${created.status} ${created.text}`);
  return created.body;
}

async function storedSecrets(id: string) {
  const [row] = await query<{ secret: string; previous_secret: string | null }>(
    "select secret, previous_secret from webhook_endpoints where id = $1",
    [id],
  );
  if (!row) throw new Error(`no endpoint ${id}`);
  return row;
}

/** Runs webhook-sweep once, in a run window of its own (runs are deduplicated per window). */
async function runSweep(): Promise<void> {
  const outcome = await runFunctionFor("webhook-sweep", {}, 0);
  expect(outcome.status, JSON.stringify(outcome)).toBe("succeeded");
}

describe("webhook signing secrets are encrypted at rest", () => {
  it("stores secret and previous_secret sealed (AES-GCM), never in clear, and signs with them", async () => {
    const m = await createMerchant();
    const path = newPath();
    const endpoint = await createEndpoint(m.sandbox, receiver.url(path));
    const stored = await storedSecrets(endpoint.id);
    expect(stored.secret).toMatch(/^v1\./);
    expect(stored.secret).not.toContain(endpoint.secret);
    expect(stored.secret).not.toContain(endpoint.secret.slice(6));

    const rotated = await m.sandbox.request<Endpoint>(
      "POST",
      `/webhooks/endpoints/${endpoint.id}/rotate-secret`,
      {},
    );
    const afterRotation = await storedSecrets(endpoint.id);
    expect(afterRotation.secret).toMatch(/^v1\./);
    expect(afterRotation.previous_secret).toBe(stored.secret);
    for (const value of [afterRotation.secret, afterRotation.previous_secret ?? ""]) {
      expect(value).not.toContain(endpoint.secret.slice(6));
      expect(value).not.toContain(rotated.body.secret.slice(6));
    }

    const delivery = await testDelivery(m.sandbox, endpoint.id);
    expect(delivery.status).toBe("succeeded");
    const request = receiver.received(path).find((r) => r.headers["webhook-id"] === delivery.id);
    if (!request) throw new Error("no request");
    // Both secrets sign during the overlap; each verifies on its own.
    expect(new Webhook(rotated.body.secret).verify(request.body, request.headers)).toBeTruthy();
    expect(new Webhook(endpoint.secret).verify(request.body, request.headers)).toBeTruthy();
  });

  it("a secret stored in clear by an older release still signs, and the sweep seals it", async () => {
    const m = await createMerchant();
    const path = newPath();
    const endpoint = await createEndpoint(m.sandbox, receiver.url(path));
    const legacy = `whsec_${Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64")}`;
    await query("update webhook_endpoints set secret = $2, previous_secret = null where id = $1", [
      endpoint.id,
      legacy,
    ]);
    const first = await testDelivery(m.sandbox, endpoint.id);
    expect(first.status).toBe("succeeded");
    const request = receiver.received(path).find((r) => r.headers["webhook-id"] === first.id);
    if (!request) throw new Error("no request");
    expect(new Webhook(legacy).verify(request.body, request.headers)).toBeTruthy();

    await runSweep();
    const sealed = await storedSecrets(endpoint.id);
    expect(sealed.secret).toMatch(/^v1\./);
    expect(sealed.secret).not.toContain(legacy.slice(6));
    const next = await testDelivery(m.sandbox, endpoint.id);
    expect(next.status).toBe("succeeded");
    const second = receiver.received(path).find((r) => r.headers["webhook-id"] === next.id);
    if (!second) throw new Error("no second request");
    expect(new Webhook(legacy).verify(second.body, second.headers)).toBeTruthy();
  }, 180_000);
});

describe("webhook SSRF by host name", () => {
  it("refuses at registration names that resolve inside, NAT64 local-use literals and non-HTTPS ports", async () => {
    const m = await createMerchant();
    const internal = newName("internal");
    await setDns(internal, { A: ["93.184.215.14"], AAAA: ["fd00::1"] });
    for (const url of [
      "https://127.0.0.1.nip.io/hooks",
      "https://localtest.me/hooks",
      "https://app.localtest.me/hooks",
      "https://169-254-169-254.sslip.io/latest/meta-data/",
      `https://${internal}/hooks`,
      "https://[64:ff9b:1::a00:1]/hooks",
      "https://[::a9fe:a9fe]/hooks",
      "https://example.com:22/hooks",
      "https://example.com:6379/hooks",
    ]) {
      const res = await m.production.request("POST", "/webhooks/endpoints", { url, enabled_events: ["*"] });
      expectError(res, 400, "webhook_url_forbidden");
    }
  });

  it("WEBHOOKS_ALLOW_LOCALHOST never applies to production endpoints, even when set", async () => {
    // The test stack sets WEBHOOKS_ALLOW_LOCALHOST=true, as npm start does.
    const m = await createMerchant();
    const body = (url: string) => ({ url, enabled_events: ["*"] });
    expectError(
      await m.production.request("POST", "/webhooks/endpoints", body("http://127.0.0.1/hooks")),
      400,
      "webhook_url_insecure",
    );
    for (const url of ["https://127.0.0.1/hooks", "https://localhost:8443/hooks", "https://[::1]/hooks"]) {
      expectError(
        await m.production.request("POST", "/webhooks/endpoints", body(url)),
        400,
        "webhook_url_forbidden",
      );
    }
    expect(
      (await m.sandbox.request("POST", "/webhooks/endpoints", body(receiver.url(newPath())))).status,
    ).toBe(200);
  });

  it("a name that resolves to loopback at send time is refused: the delivery fails with the reason, no retry", async () => {
    const m = await createMerchant();
    const rebinding = newName("rebind");
    await setDns(rebinding, { A: ["93.184.215.14"] });
    const endpoint = await createEndpoint(m.production, `https://${rebinding}/hooks`);
    // DNS rebinding: public when registered, loopback when sent.
    await setDns(rebinding, { A: ["127.0.0.1"] });
    const delivery = await testDelivery(m.production, endpoint.id);
    expect(delivery).toMatchObject({ status: "failed", attempt_count: 1, next_attempt_at: null });
    expect(delivery.last_error).toContain("webhook_url_forbidden");
    expect(delivery.last_error).toContain("127.0.0.1");
    expect(delivery.attempts?.[0]?.response_body ?? null).toBeNull();
    const [scheduled] = await query<{ n: string }>(
      `select count(*) as n from webhook_delivery_attempts where delivery_id = $1 and status = 'scheduled'`,
      [delivery.id],
    );
    expect(Number(scheduled?.n)).toBe(0);
  });

  it("endpoints registered before the rule (127.0.0.1.nip.io, localtest.me) are refused when sending", async () => {
    const m = await createMerchant();
    for (const url of ["https://127.0.0.1.nip.io/hooks", "https://localtest.me/hooks"]) {
      const endpoint = await createEndpoint(m.production, "https://example.com/hooks");
      await query("update webhook_endpoints set url = $2 where id = $1", [endpoint.id, url]);
      const delivery = await testDelivery(m.production, endpoint.id);
      expect(delivery).toMatchObject({ status: "failed", attempt_count: 1, next_attempt_at: null });
      expect(delivery.last_error).toMatch(/webhook_url_forbidden.*loopback/);
    }
  });

  it("a name that does not resolve fails the attempt and is retried later, with the DNS answer as reason", async () => {
    const m = await createMerchant();
    const endpoint = await createEndpoint(m.production, `https://${newName("missing")}/hooks`);
    const sent = await m.production.request<Delivery>("POST", `/webhooks/endpoints/${endpoint.id}/test`, {});
    const delivery = await eventually(async () => {
      const d = (await m.production.request<Delivery>("GET", `/webhooks/deliveries/${sent.body.id}`)).body;
      return d.attempt_count >= 1 ? d : undefined;
    });
    expect(delivery.status).toBe("pending");
    expect(delivery.next_attempt_at).not.toBeNull();
    expect(delivery.last_error).toContain("webhook_url_unresolvable");
    expect(delivery.last_error).toContain("NXDOMAIN");
  });
});
