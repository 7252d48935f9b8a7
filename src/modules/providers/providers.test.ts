import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { type Client, createMerchant, expectError } from "../../../test/harness";
import { splitBucket } from "./routing";

type Connection = {
  id: string;
  object: string;
  environment: string;
  provider: string;
  enabled: boolean;
  credentials: { set: boolean; secret_key_last4: string | null };
  webhook_url: string | null;
};
type Rule = {
  id: string;
  object: string;
  action: string;
  provider: string;
  currency: string | null;
  country: string | null;
  percentage: number | null;
};
type Payment = {
  id: string;
  provider: string | null;
  routing: {
    provider: string;
    reason: string;
    candidates: Array<{ provider: string; eligible: boolean; estimated_fee: number | null; reason: string }>;
  } | null;
};

const SECRET = "sk_live_51ProvidersTestSecretAbCd";
const WEBHOOK_SECRET = "whsec_cHJvdmlkZXJzLXRlc3Qtd2ViaG9vaw==";
const stripeBody = {
  provider: "stripe",
  credentials: { secret_key: SECRET, webhook_secret: WEBHOOK_SECRET },
};

async function stored(id: string): Promise<string> {
  const [row] = await query<{ credentials_encrypted: string }>(
    "select credentials_encrypted from provider_connections where id = $1",
    [id],
  );
  return row?.credentials_encrypted ?? "";
}

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

describe("routing rules over HTTP", () => {
  it("create, list newest first, retrieve, update, delete, with events", async () => {
    const [m, other] = await Promise.all([createMerchant(), createMerchant()]);
    const pin = await m.sandbox.request<Rule>("POST", "/routing/rules", {
      action: "pin",
      provider: "sandbox_apac",
      currency: "USD",
    });
    expect(pin.status).toBe(200);
    expect(pin.body).toMatchObject({
      object: "routing_rule",
      action: "pin",
      provider: "sandbox_apac",
      currency: "USD",
      country: null,
      percentage: null,
    });
    expect(pin.body.id).toMatch(/^rr_/);
    const split = await m.sandbox.request<Rule>("POST", "/routing/rules", {
      action: "split",
      provider: "sandbox_global",
      country: "FR",
      percentage: 30,
    });
    const list = await m.sandbox.request<{ data: Rule[]; has_more: boolean }>("GET", "/routing/rules");
    expect(list.body.data.map((r) => r.id)).toEqual([split.body.id, pin.body.id]);
    const page = await m.sandbox.request<{ data: Rule[]; has_more: boolean }>(
      "GET",
      "/routing/rules?limit=1",
    );
    expect(page.body).toMatchObject({ has_more: true, data: [{ id: split.body.id }] });
    expect((await m.sandbox.request<Rule>("GET", `/routing/rules/${pin.body.id}`)).body).toEqual(pin.body);

    const updated = await m.sandbox.request<Rule>("PATCH", `/routing/rules/${split.body.id}`, {
      percentage: 60,
      country: null,
    });
    expect(updated.body).toMatchObject({
      action: "split",
      percentage: 60,
      country: null,
      provider: "sandbox_global",
    });
    const asExclude = await m.sandbox.request<Rule>("PATCH", `/routing/rules/${split.body.id}`, {
      action: "exclude",
      percentage: null,
    });
    expect(asExclude.body).toMatchObject({ action: "exclude", percentage: null });

    expectError(await other.sandbox.request("GET", `/routing/rules/${pin.body.id}`), 404, "resource_missing");
    expectError(await m.production.request("GET", `/routing/rules/${pin.body.id}`), 404, "resource_missing");
    expectError(
      await other.sandbox.request("PATCH", `/routing/rules/${pin.body.id}`, { provider: "sandbox_global" }),
      404,
      "resource_missing",
    );
    expectError(
      await other.sandbox.request("DELETE", `/routing/rules/${pin.body.id}`),
      404,
      "resource_missing",
    );

    const deleted = await m.sandbox.request("DELETE", `/routing/rules/${pin.body.id}`);
    expect(deleted.body).toEqual({ id: pin.body.id, object: "routing_rule", deleted: true });
    expectError(await m.sandbox.request("GET", `/routing/rules/${pin.body.id}`), 404, "resource_missing");
    const events = await query<{ type: string }>(
      "select type from events where object_id = any($1) order by created_at, type",
      [[pin.body.id, split.body.id]],
    );
    expect(events.map((e) => e.type).sort()).toEqual([
      "routing_rule.created",
      "routing_rule.created",
      "routing_rule.deleted",
      "routing_rule.updated",
      "routing_rule.updated",
    ]);
  });

  it("validation errors carry catalog codes and change nothing", async () => {
    const m = await createMerchant();
    const cases: Array<[unknown, string]> = [
      [{ action: "split", provider: "sandbox_apac" }, "parameter_missing"],
      [{ action: "pin", provider: "sandbox_apac", percentage: 20 }, "parameter_invalid"],
      [{ action: "split", provider: "sandbox_apac", percentage: 100 }, "parameter_invalid"],
      [{ action: "split", provider: "sandbox_apac", percentage: 0 }, "parameter_invalid"],
      [{ action: "split", provider: "sandbox_apac", percentage: 12.5 }, "parameter_invalid"],
      [{ action: "pin", provider: "sandbox_apac", currency: "usd" }, "currency_invalid"],
      [{ action: "pin", provider: "sandbox_apac", country: "usa" }, "parameter_invalid"],
      [{ action: "prefer", provider: "sandbox_apac" }, "parameter_invalid"],
      [{ action: "pin" }, "parameter_missing"],
      [{ action: "pin", provider: "acme" }, "provider_unknown"],
      [{ action: "pin", provider: "sandbox_apac", weight: 3 }, "parameter_unknown"],
    ];
    for (const [body, code] of cases) {
      expectError(await m.sandbox.request("POST", "/routing/rules", body), 400, code);
    }
    expectError(
      await m.production.request("POST", "/routing/rules", { action: "pin", provider: "sandbox_apac" }),
      400,
      "provider_unknown",
    );
    const rule = await m.sandbox.request<Rule>("POST", "/routing/rules", {
      action: "pin",
      provider: "sandbox_apac",
    });
    expectError(
      await m.sandbox.request("PATCH", `/routing/rules/${rule.body.id}`, { action: "split" }),
      400,
      "parameter_missing",
    );
    expectError(
      await m.sandbox.request("PATCH", `/routing/rules/${rule.body.id}`, { provider: "acme" }),
      400,
      "provider_unknown",
    );
    expect((await m.sandbox.request<Rule>("GET", `/routing/rules/${rule.body.id}`)).body).toEqual(rule.body);
    const list = await m.sandbox.request<{ data: Rule[] }>("GET", "/routing/rules");
    expect(list.body.data).toHaveLength(1);
  });

  interface RoutingCase {
    name: string;
    card: string;
    currency: string;
    amount: number;
    rules: Array<Record<string, unknown>>;
    provider: string;
    reason: string;
    eligible: string[];
    ineligible?: Record<string, string>;
  }
  const US = "4242424242424242";
  const FR = "4000002500000003";
  const IN = "4000003560000008";
  const GB = "4000008260000000";
  const JP = "4000003920000003";
  const table: RoutingCase[] = [
    {
      name: "USD, US card, small amount: global's fixed fee is cheaper",
      card: US,
      currency: "USD",
      amount: 10_000,
      rules: [],
      provider: "sandbox_global",
      reason: "cheapest",
      eligible: ["sandbox_global", "sandbox_apac"],
      ineligible: { sandbox_europe: "does not support USD" },
    },
    {
      name: "USD, US card, large amount: APAC's lower percentage wins",
      card: US,
      currency: "USD",
      amount: 1_000_000,
      rules: [],
      provider: "sandbox_apac",
      reason: "cheapest",
      eligible: ["sandbox_global", "sandbox_apac"],
    },
    {
      name: "EUR, FR card: the European processor",
      card: FR,
      currency: "EUR",
      amount: 10_000,
      rules: [],
      provider: "sandbox_europe",
      reason: "cheapest",
      eligible: ["sandbox_global", "sandbox_europe"],
      ineligible: { sandbox_apac: "does not support EUR" },
    },
    {
      name: "EUR, US card: Europe does not serve the US",
      card: US,
      currency: "EUR",
      amount: 10_000,
      rules: [],
      provider: "sandbox_global",
      reason: "cheapest",
      eligible: ["sandbox_global"],
      ineligible: { sandbox_europe: "does not serve US", sandbox_apac: "does not support EUR" },
    },
    {
      name: "INR, IN card: APAC",
      card: IN,
      currency: "INR",
      amount: 100_000,
      rules: [],
      provider: "sandbox_apac",
      reason: "cheapest",
      eligible: ["sandbox_global", "sandbox_apac"],
    },
    {
      name: "GBP, GB card: Europe",
      card: GB,
      currency: "GBP",
      amount: 5_000,
      rules: [],
      provider: "sandbox_europe",
      reason: "cheapest",
      eligible: ["sandbox_global", "sandbox_europe"],
    },
    {
      name: "pin: USD goes to APAC although global is cheaper",
      card: US,
      currency: "USD",
      amount: 10_000,
      rules: [{ action: "pin", provider: "sandbox_apac", currency: "USD" }],
      provider: "sandbox_apac",
      reason: "pinned by routing rule",
      eligible: ["sandbox_global", "sandbox_apac"],
    },
    {
      name: "a pin for another country does not apply",
      card: US,
      currency: "USD",
      amount: 10_000,
      rules: [{ action: "pin", provider: "sandbox_apac", country: "JP" }],
      provider: "sandbox_global",
      reason: "cheapest",
      eligible: ["sandbox_global", "sandbox_apac"],
    },
    {
      name: "a pin for JPY from Japan applies",
      card: JP,
      currency: "JPY",
      amount: 10_000,
      rules: [{ action: "pin", provider: "sandbox_global", country: "JP", currency: "JPY" }],
      provider: "sandbox_global",
      reason: "pinned by routing rule",
      eligible: ["sandbox_global", "sandbox_apac"],
    },
    {
      name: "exclude: EUR from France without the European processor",
      card: FR,
      currency: "EUR",
      amount: 10_000,
      rules: [{ action: "exclude", provider: "sandbox_europe", currency: "EUR" }],
      provider: "sandbox_global",
      reason: "cheapest",
      eligible: ["sandbox_global"],
      ineligible: { sandbox_europe: "excluded by a routing rule" },
    },
    {
      name: "a pin of an excluded provider is ignored",
      card: US,
      currency: "USD",
      amount: 10_000,
      rules: [
        { action: "exclude", provider: "sandbox_apac" },
        { action: "pin", provider: "sandbox_apac" },
      ],
      provider: "sandbox_global",
      reason: "cheapest",
      eligible: ["sandbox_global"],
      ineligible: { sandbox_apac: "excluded by a routing rule" },
    },
  ];

  for (const row of table) {
    it(`routes: ${row.name}`, async () => {
      const m = await createMerchant();
      for (const rule of row.rules) {
        expect((await m.sandbox.request("POST", "/routing/rules", rule)).status).toBe(200);
      }
      const res = await m.sandbox.request<Payment>("POST", "/payments", {
        amount: row.amount,
        currency: row.currency,
        confirm: true,
        payment_method_data: { type: "card", card: { number: row.card, exp_month: 12, exp_year: 2040 } },
      });
      expect(res.status).toBe(200);
      expect(res.body.provider).toBe(row.provider);
      expect(res.body.routing?.provider).toBe(row.provider);
      expect(res.body.routing?.reason).toContain(row.reason);
      const candidates = res.body.routing?.candidates ?? [];
      expect(
        candidates
          .filter((c) => c.eligible)
          .map((c) => c.provider)
          .sort(),
      ).toEqual([...row.eligible].sort());
      for (const [provider, reason] of Object.entries(row.ineligible ?? {})) {
        expect(candidates.find((c) => c.provider === provider)).toMatchObject({ eligible: false, reason });
      }
    });
  }

  it("routes: a 50 % split sends exactly the payments whose bucket falls in the share", async () => {
    const m = await createMerchant();
    const split = await m.sandbox.request<Rule>("POST", "/routing/rules", {
      action: "split",
      provider: "sandbox_apac",
      currency: "USD",
      percentage: 50,
    });
    for (let i = 0; i < 12; i++) {
      const res = await m.sandbox.request<Payment>("POST", "/payments", {
        amount: 10_000,
        currency: "USD",
        confirm: true,
        payment_method_data: { type: "card", card: { number: US, exp_month: 12, exp_year: 2040 } },
      });
      const inShare = splitBucket(res.body.id) < 50;
      expect(res.body.provider).toBe(inShare ? "sandbox_apac" : "sandbox_global");
      expect(res.body.routing?.reason).toBe(
        inShare
          ? `volume split by routing rule ${split.body.id} (50%)`
          : "cheapest eligible provider (outside the split share)",
      );
    }
  });
});
