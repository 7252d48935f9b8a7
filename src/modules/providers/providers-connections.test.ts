import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { type Client, createMerchant, expectError } from "../../../test/harness";
import {
  type Connection,
  type Payment,
  SECRET,
  stored,
  stripeBody,
  WEBHOOK_SECRET,
} from "./providers-testing";

describe("provider connections over HTTP", () => {
  it("sandbox starts with the three simulated processors, without credentials", async () => {
    const m = await createMerchant();
    const list = await m.sandbox.request<{ object: string; data: Connection[] }>("GET", "/providers");
    expect(list.status).toBe(200);
    expect(list.body.data.map((c) => c.provider).sort()).toEqual([
      "sandbox_apac",
      "sandbox_europe",
      "sandbox_global",
    ]);
    expect(list.body.data.every((c) => c.enabled && !c.credentials.set && c.webhook_url === null)).toBe(true);
    const production = await m.production.request<{ data: Connection[] }>("GET", "/providers");
    expect(production.body.data).toEqual([]);
  });

  it("connects Stripe with credentials encrypted at rest and never returned", async () => {
    const m = await createMerchant();
    const created = await m.production.request<Connection>("POST", "/providers", stripeBody);
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      object: "provider_connection",
      environment: "production",
      provider: "stripe",
      enabled: true,
      credentials: { set: true, secret_key_last4: "AbCd" },
    });
    expect(created.body.webhook_url).toContain(`/webhooks/providers/stripe/${created.body.id}`);
    const reads = [
      created,
      await m.production.request("GET", `/providers/${created.body.id}`),
      await m.production.request("GET", "/providers"),
    ];
    for (const read of reads) {
      expect(read.text).not.toContain(SECRET);
      expect(read.text).not.toContain(WEBHOOK_SECRET);
    }
    const sealed = await stored(created.body.id);
    expect(sealed).toMatch(/^v1\.[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+$/);
    expect(sealed).not.toContain(SECRET);
    expect(sealed).not.toContain("sk_live");
    expect(sealed).not.toContain(Buffer.from(SECRET).toString("base64").slice(0, 16));
    const [row] = await query<Record<string, unknown>>("select * from provider_connections where id = $1", [
      created.body.id,
    ]);
    expect(JSON.stringify(row)).not.toContain(SECRET);
    const trail = await query("select * from events where object_id = $1", [created.body.id]);
    expect(trail.length).toBeGreaterThan(0);
    expect(JSON.stringify(trail)).not.toContain(SECRET);

    expectError(
      await m.production.request("POST", "/providers", stripeBody),
      409,
      "provider_already_connected",
    );
  });

  it("PROVIDERS_ALLOW_LOCALHOST never applies to production connections, even when set", async () => {
    // The test stack sets PROVIDERS_ALLOW_LOCALHOST=true, as npm start does.
    const m = await createMerchant();
    for (const base of ["http://127.0.0.1:9", "http://localhost:9"]) {
      expectError(
        await m.production.request("POST", "/providers", { ...stripeBody, api_base_url: base }),
        400,
        "parameter_invalid",
      );
    }
    const sandbox = await m.sandbox.request("POST", "/providers", {
      ...stripeBody,
      api_base_url: "http://127.0.0.1:9",
    });
    expect(sandbox.status).toBe(200);
  });

  it("rejects bad connections with catalog codes", async () => {
    const m = await createMerchant();
    const cases: Array<[Client, unknown, number, string]> = [
      [m.sandbox, { provider: "paypal" }, 400, "provider_unknown"],
      [m.production, { provider: "sandbox_global" }, 400, "provider_unknown"],
      [m.sandbox, { provider: "stripe" }, 400, "parameter_missing"],
      [
        m.sandbox,
        {
          provider: "stripe",
          credentials: { secret_key: "pk_live_notasecret", webhook_secret: WEBHOOK_SECRET },
        },
        400,
        "provider_credentials_invalid",
      ],
      [
        m.sandbox,
        { provider: "stripe", credentials: { secret_key: SECRET, webhook_secret: "secret_123456" } },
        400,
        "provider_credentials_invalid",
      ],
      [m.sandbox, { ...stripeBody, api_base_url: "https://evil.example.com" }, 400, "parameter_invalid"],
      [m.sandbox, { ...stripeBody, api_base_url: "not a url" }, 400, "parameter_invalid"],
      [
        m.sandbox,
        { provider: "sandbox_global", credentials: stripeBody.credentials },
        400,
        "parameter_unknown",
      ],
      [m.sandbox, { provider: "stripe", credentials: { secret_key: SECRET } }, 400, "parameter_missing"],
      [m.sandbox, { ...stripeBody, colour: "blue" }, 400, "parameter_unknown"],
      [m.sandbox, { provider: 7 }, 400, "parameter_invalid"],
    ];
    for (const [client, body, status, code] of cases)
      expectError(await client.request("POST", "/providers", body), status, code);
    const list = await m.sandbox.request<{ data: Connection[] }>("GET", "/providers");
    expect(list.body.data.some((c) => c.provider === "stripe")).toBe(false);
  });

  it("retrieves, disables, re-keys and deletes; another merchant or environment gets 404", async () => {
    const [m, other] = await Promise.all([createMerchant(), createMerchant()]);
    const created = await m.sandbox.request<Connection>("POST", "/providers", stripeBody);
    const id = created.body.id;
    expect((await m.sandbox.request<Connection>("GET", `/providers/${id}`)).body.provider).toBe("stripe");
    expectError(await other.sandbox.request("GET", `/providers/${id}`), 404, "resource_missing");
    expectError(await m.production.request("GET", `/providers/${id}`), 404, "resource_missing");
    expectError(
      await other.sandbox.request("PATCH", `/providers/${id}`, { enabled: false }),
      404,
      "resource_missing",
    );

    const disabled = await m.sandbox.request<Connection>("PATCH", `/providers/${id}`, { enabled: false });
    expect(disabled.body.enabled).toBe(false);
    const before = await stored(id);
    const newSecret = "sk_live_51RotatedSecretWxYz";
    const rekeyed = await m.sandbox.request<Connection>("PATCH", `/providers/${id}`, {
      credentials: { secret_key: newSecret, webhook_secret: WEBHOOK_SECRET },
    });
    expect(rekeyed.body.credentials).toEqual({ set: true, secret_key_last4: "WxYz" });
    expect(rekeyed.body.enabled).toBe(false);
    expect(rekeyed.text).not.toContain(newSecret);
    const after = await stored(id);
    expect(after).not.toBe(before);
    expect(after).not.toContain(newSecret);
    expectError(
      await m.sandbox.request("PATCH", `/providers/${id}`, {
        credentials: { secret_key: "nope", webhook_secret: "x" },
      }),
      400,
      "parameter_invalid",
    );
    const events = await query<{ type: string }>(
      "select type from events where object_id = $1 order by created_at",
      [id],
    );
    expect(events.map((e) => e.type)).toEqual([
      "provider_connection.created",
      "provider_connection.updated",
      "provider_connection.updated",
    ]);

    const deleted = await m.sandbox.request("DELETE", `/providers/${id}`);
    expect(deleted.body).toEqual({ id, object: "provider_connection", deleted: true });
    expectError(await m.sandbox.request("GET", `/providers/${id}`), 404, "resource_missing");
  });

  it("a disabled processor is skipped by routing, and comes back when enabled", async () => {
    const m = await createMerchant();
    const list = await m.sandbox.request<{ data: Connection[] }>("GET", "/providers");
    const global = list.body.data.find((c) => c.provider === "sandbox_global");
    await m.sandbox.request("PATCH", `/providers/${global?.id}`, { enabled: false });
    const pay = () =>
      m.sandbox.request<Payment>("POST", "/payments", {
        amount: 10_000,
        currency: "USD",
        confirm: true,
        payment_method_data: {
          type: "card",
          card: { number: "4242424242424242", exp_month: 12, exp_year: 2040 },
        },
      });
    const skipped = await pay();
    expect(skipped.body.provider).toBe("sandbox_apac");
    expect(skipped.body.routing?.candidates.map((c) => c.provider)).not.toContain("sandbox_global");
    await m.sandbox.request("PATCH", `/providers/${global?.id}`, { enabled: true });
    expect((await pay()).body.provider).toBe("sandbox_global");
  });
});
