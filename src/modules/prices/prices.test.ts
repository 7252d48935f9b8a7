import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError, type TestMerchant } from "../../../test/harness";

interface Price {
  id: string;
  object: string;
  product: string;
  active: boolean;
  currency: string;
  type: string;
  recurring: { interval: string; interval_count: number } | null;
  pricing_model: string;
  unit_amount: number | null;
  package: { size: number; round: string } | null;
  tiers_mode: string | null;
  tiers: Array<{ up_to: number | "inf"; unit_amount: number; flat_amount: number }> | null;
  lookup_key: string | null;
  nickname: string | null;
}

async function product(m: TestMerchant, active = true): Promise<string> {
  const created = await m.sandbox.request<{ id: string }>("POST", "/products", { name: "Plan", active });
  return created.body.id;
}

describe("prices: models", () => {
  it("creates one-time and recurring prices under each model and reads them back", async () => {
    const m = await createMerchant();
    const prod = await product(m);
    const perUnit = await m.sandbox.request<Price>("POST", "/prices", {
      product: prod,
      currency: "USD",
      unit_amount: 1999,
    });
    expect(perUnit.status).toBe(200);
    expect(perUnit.body).toMatchObject({
      object: "price",
      product: prod,
      type: "one_time",
      recurring: null,
      pricing_model: "per_unit",
      unit_amount: 1999,
      package: null,
      tiers: null,
      active: true,
    });
    expect(perUnit.body.id).toMatch(/^price_[0-9A-Za-z]{24}$/);

    const monthly = await m.sandbox.request<Price>("POST", "/prices", {
      product: prod,
      currency: "JPY",
      unit_amount: 500,
      recurring: { interval: "month", interval_count: 3 },
    });
    expect(monthly.body).toMatchObject({
      type: "recurring",
      recurring: { interval: "month", interval_count: 3 },
    });

    const pack = await m.sandbox.request<Price>("POST", "/prices", {
      product: prod,
      currency: "EUR",
      pricing_model: "package",
      unit_amount: 1000,
      package: { size: 5, round: "down" },
      recurring: { interval: "week" },
    });
    expect(pack.body).toMatchObject({
      pricing_model: "package",
      package: { size: 5, round: "down" },
      recurring: { interval_count: 1 },
    });

    const tiered = await m.sandbox.request<Price>("POST", "/prices", {
      product: prod,
      currency: "KWD",
      pricing_model: "tiered",
      tiers_mode: "graduated",
      tiers: [
        { up_to: 10, unit_amount: 100, flat_amount: 500 },
        { up_to: "inf", unit_amount: 50 },
      ],
    });
    expect(tiered.body).toMatchObject({
      pricing_model: "tiered",
      tiers_mode: "graduated",
      tiers: [
        { up_to: 10, unit_amount: 100, flat_amount: 500 },
        { up_to: "inf", unit_amount: 50, flat_amount: 0 },
      ],
      unit_amount: null,
    });
    expect((await m.sandbox.request("GET", `/prices/${tiered.body.id}`)).body).toEqual(tiered.body);

    const recurring = await m.sandbox.request<{ data: Price[] }>("GET", "/prices?type=recurring");
    expect(recurring.body.data.map((p) => p.id)).toEqual([pack.body.id, monthly.body.id]);
    const oneTime = await m.sandbox.request<{ data: Price[] }>(
      "GET",
      `/prices?type=one_time&product=${prod}`,
    );
    expect(oneTime.body.data.map((p) => p.id)).toEqual([tiered.body.id, perUnit.body.id]);
  });

  it("refuses a price on an archived product", async () => {
    const m = await createMerchant();
    const archived = await product(m, false);
    expectError(
      await m.sandbox.request("POST", "/prices", { product: archived, currency: "USD", unit_amount: 1 }),
      400,
      "product_archived",
    );
    expect(await query("select id from prices where merchant_id = $1", [m.merchantId])).toHaveLength(0);
  });
});

describe("prices: metered", () => {
  it("binds a recurring price to an active meter of the same account", async () => {
    const [m, other] = await Promise.all([createMerchant(), createMerchant()]);
    const prod = await product(m);
    const meter = await m.sandbox.request<{ id: string }>("POST", "/meters", {
      display_name: "Calls",
      aggregation: { formula: "count" },
    });
    const body = {
      product: prod,
      currency: "USD",
      pricing_model: "tiered",
      tiers_mode: "graduated",
      tiers: [
        { up_to: 1000, unit_amount: 0 },
        { up_to: "inf", unit_amount: 2 },
      ],
      recurring: { interval: "month" },
      meter: meter.body.id,
    };
    const metered = await m.sandbox.request<Price & { usage_type: string; meter: string }>(
      "POST",
      "/prices",
      body,
    );
    expect(metered.status).toBe(200);
    expect(metered.body).toMatchObject({ usage_type: "metered", meter: meter.body.id, type: "recurring" });
    const licensed = await m.sandbox.request<{ usage_type: string; meter: null }>("POST", "/prices", {
      product: prod,
      currency: "USD",
      unit_amount: 5,
    });
    expect(licensed.body).toMatchObject({ usage_type: "licensed", meter: null });

    const { recurring: _recurring, ...oneTime } = body;
    const refused = await m.sandbox.request<{ error: { param: string } }>("POST", "/prices", oneTime);
    expectError(refused, 400, "parameter_invalid");
    expect(refused.body.error.param).toBe("meter");
    const otherMeter = await other.sandbox.request<{ id: string }>("POST", "/meters", {
      display_name: "Theirs",
      aggregation: { formula: "sum" },
    });
    expectError(
      await m.sandbox.request("POST", "/prices", { ...body, meter: otherMeter.body.id }),
      404,
      "resource_missing",
    );
    await m.sandbox.request("PATCH", `/meters/${meter.body.id}`, { active: false });
    expectError(await m.sandbox.request("POST", "/prices", body), 400, "meter_inactive");
  });
});

describe("prices: lookup keys and updates", () => {
  it("keeps lookup_key unique among active prices, and transfers it atomically on create", async () => {
    const m = await createMerchant();
    const prod = await product(m);
    const first = await m.sandbox.request<Price>("POST", "/prices", {
      product: prod,
      currency: "USD",
      unit_amount: 1000,
      lookup_key: "pro_monthly",
    });
    expectError(
      await m.sandbox.request("POST", "/prices", {
        product: prod,
        currency: "USD",
        unit_amount: 1200,
        lookup_key: "pro_monthly",
      }),
      409,
      "price_lookup_key_taken",
    );
    const second = await m.sandbox.request<Price>("POST", "/prices", {
      product: prod,
      currency: "USD",
      unit_amount: 1200,
      lookup_key: "pro_monthly",
      transfer_lookup_key: true,
    });
    expect(second.status).toBe(200);
    expect(second.body.lookup_key).toBe("pro_monthly");
    expect((await m.sandbox.request<Price>("GET", `/prices/${first.body.id}`)).body.lookup_key).toBeNull();
    const found = await m.sandbox.request<{ data: Price[] }>(
      "GET",
      "/prices?lookup_keys=pro_monthly&lookup_keys=other",
    );
    expect(found.body.data.map((p) => p.id)).toEqual([second.body.id]);
    const bracket = await m.sandbox.request<{ data: Price[] }>("GET", "/prices?lookup_keys[]=pro_monthly");
    expect(bracket.body.data.map((p) => p.id)).toEqual([second.body.id]);
    const released = await query<{ type: string; previous_attributes: Record<string, unknown> }>(
      "select type, previous_attributes from events where object_id = $1 order by created_at, id",
      [first.body.id],
    );
    expect(released.map((event) => event.type)).toEqual(["price.created", "price.updated"]);
    expect(released[1]?.previous_attributes).toEqual({ lookup_key: "pro_monthly" });

    // An archived price may keep its key; it only counts again if reactivated.
    await m.sandbox.request("PATCH", `/prices/${second.body.id}`, { active: false });
    const third = await m.sandbox.request<Price>("POST", "/prices", {
      product: prod,
      currency: "USD",
      unit_amount: 1500,
      lookup_key: "pro_monthly",
    });
    expect(third.status).toBe(200);
    expectError(
      await m.sandbox.request("PATCH", `/prices/${second.body.id}`, { active: true }),
      409,
      "price_lookup_key_taken",
    );
    const active = await m.sandbox.request<{ data: Price[] }>("GET", "/prices?active=false");
    expect(active.body.data.map((p) => p.id)).toEqual([second.body.id]);
  });

  it("changes only active, nickname, lookup_key and metadata; amounts are immutable", async () => {
    const m = await createMerchant();
    const prod = await product(m);
    const created = await m.sandbox.request<Price>("POST", "/prices", {
      product: prod,
      currency: "USD",
      unit_amount: 1000,
    });
    const id = created.body.id;
    const updated = await m.sandbox.request<Price>("PATCH", `/prices/${id}`, {
      nickname: "Standard",
      lookup_key: "std",
      metadata: { a: "b" },
    });
    expect(updated.body).toMatchObject({ nickname: "Standard", lookup_key: "std", unit_amount: 1000 });
    for (const body of [
      { unit_amount: 2000 },
      { currency: "EUR" },
      { tiers: [] },
      { recurring: { interval: "day" } },
    ]) {
      expectError(await m.sandbox.request("PATCH", `/prices/${id}`, body), 400, "parameter_unknown");
    }
    expect((await m.sandbox.request<Price>("GET", `/prices/${id}`)).body.unit_amount).toBe(1000);
  });
});

describe("prices: errors and tenancy", () => {
  it("refuses bad amounts, tiers and currencies with a catalog code and writes nothing", async () => {
    const m = await createMerchant();
    const prod = await product(m);
    const base = { product: prod, currency: "USD" };
    const tiered = { ...base, pricing_model: "tiered", tiers_mode: "volume" };
    const cases: Array<[unknown, number, string, string?]> = [
      [{ ...base, unit_amount: -1 }, 400, "amount_invalid"],
      [{ ...base, unit_amount: 1.5 }, 400, "amount_invalid"],
      [{ ...base }, 400, "parameter_missing", "unit_amount"],
      [{ ...base, currency: "XYZ", unit_amount: 1 }, 400, "currency_invalid"],
      [{ ...base, currency: "usd", unit_amount: 1 }, 400, "currency_invalid"],
      [{ ...base, unit_amount: 1, tiers_mode: "volume" }, 400, "parameter_unknown", "tiers_mode"],
      [{ ...base, pricing_model: "package", unit_amount: 1 }, 400, "parameter_missing", "package"],
      [
        { ...base, pricing_model: "package", unit_amount: 1, package: { size: 0, round: "up" } },
        400,
        "parameter_invalid",
      ],
      [
        {
          ...tiered,
          tiers: [
            { up_to: 10, unit_amount: 1 },
            { up_to: 5, unit_amount: 1 },
            { up_to: "inf", unit_amount: 1 },
          ],
        },
        400,
        "parameter_invalid",
        "tiers[1].up_to",
      ],
      [
        {
          ...tiered,
          tiers: [
            { up_to: 10, unit_amount: 1 },
            { up_to: 10, unit_amount: 1 },
            { up_to: "inf", unit_amount: 1 },
          ],
        },
        400,
        "parameter_invalid",
        "tiers[1].up_to",
      ],
      [{ ...tiered, tiers: [{ up_to: 10, unit_amount: 1 }] }, 400, "parameter_invalid", "tiers[0].up_to"],
      [
        {
          ...tiered,
          tiers: [
            { up_to: "inf", unit_amount: 1 },
            { up_to: "inf", unit_amount: 1 },
          ],
        },
        400,
        "parameter_invalid",
        "tiers[0].up_to",
      ],
      [{ ...tiered, tiers: [{ up_to: "inf" }] }, 400, "parameter_missing", "tiers[0].unit_amount"],
      [{ ...tiered, tiers: [{ up_to: "inf", unit_amount: -5 }] }, 400, "amount_invalid"],
      [{ ...tiered, tiers: [] }, 400, "parameter_invalid"],
      [
        { ...tiered, unit_amount: 5, tiers: [{ up_to: "inf", unit_amount: 1 }] },
        400,
        "parameter_unknown",
        "unit_amount",
      ],
      [
        { ...base, pricing_model: "tiered", tiers: [{ up_to: "inf", unit_amount: 1 }] },
        400,
        "parameter_missing",
        "tiers_mode",
      ],
      [
        { ...base, unit_amount: 1, recurring: { interval: "month", interval_count: 37 } },
        400,
        "parameter_invalid",
        "recurring.interval_count",
      ],
      [{ ...base, unit_amount: 1, recurring: { interval: "fortnight" } }, 400, "parameter_invalid"],
      [{ ...base, unit_amount: 1, nickname: "x".repeat(100_000) }, 400, "parameter_invalid"],
      [{ ...base, unit_amount: 1, nickname: "nul\u0000" }, 400, "parameter_characters_invalid"],
      [{ ...base, unit_amount: 1, pricing_model: "metered" }, 400, "parameter_invalid"],
      [{ ...base, product: "prod_missing", unit_amount: 1 }, 404, "resource_missing", "product"],
    ];
    for (const [body, status, code, param] of cases) {
      const response = await m.sandbox.request<{ error: { param?: string } }>("POST", "/prices", body);
      expectError(response, status, code);
      if (param) expect(response.body.error.param, JSON.stringify(body)).toBe(param);
    }
    expect(await query("select id from prices where merchant_id = $1", [m.merchantId])).toHaveLength(0);
    expect(
      await query("select id from events where merchant_id = $1 and type like 'price.%'", [m.merchantId]),
    ).toHaveLength(0);
  });

  it("answers 404 across merchants and environments, and replays a retried create", async () => {
    const [m, other] = await Promise.all([createMerchant(), createMerchant()]);
    const prod = await product(m);
    const headers = { "idempotency-key": `price-${Date.now()}` };
    const body = { product: prod, currency: "USD", unit_amount: 700 };
    const created = await m.sandbox.request<Price>("POST", "/prices", body, headers);
    const replay = await m.sandbox.request<Price>("POST", "/prices", body, headers);
    expect(replay.body).toEqual(created.body);
    expect(await query("select id from prices where merchant_id = $1", [m.merchantId])).toHaveLength(1);
    const id = created.body.id;
    expectError(await other.sandbox.request("GET", `/prices/${id}`), 404, "resource_missing");
    expectError(
      await other.sandbox.request("PATCH", `/prices/${id}`, { active: false }),
      404,
      "resource_missing",
    );
    expectError(await m.production.request("GET", `/prices/${id}`), 404, "resource_missing");
    // A product of another merchant or environment is no product at all.
    expectError(await other.sandbox.request("POST", "/prices", body), 404, "resource_missing");
    expectError(await m.production.request("POST", "/prices", body), 404, "resource_missing");
  });
});
