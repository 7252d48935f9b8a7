import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError, type TestMerchant } from "../../../test/harness";

interface PromotionCode {
  id: string;
  object: string;
  code: string;
  coupon: string;
  active: boolean;
  customer: string | null;
  max_redemptions: number | null;
  times_redeemed: number;
  expires_at: string | null;
  restrictions: {
    first_time_transaction: boolean;
    minimum_amount: number | null;
    minimum_amount_currency: string | null;
    max_redemptions_per_customer: number | null;
  };
}

interface Discount {
  id: string;
  coupon: string;
  promotion_code: string | null;
  discount_amount: number;
}

async function customer(m: TestMerchant): Promise<string> {
  return (await m.sandbox.request<{ id: string }>("POST", "/customers", { name: "Buyer" })).body.id;
}

async function coupon(m: TestMerchant, body: Record<string, unknown> = { percent_off: 20 }): Promise<string> {
  return (await m.sandbox.request<{ id: string }>("POST", "/coupons", body)).body.id;
}

const ahead = (seconds: number) => ({ "x-test-clock-offset-seconds": String(seconds) });

describe("promotion codes: lifecycle", () => {
  it("creates a code on a coupon, keeps codes unique case-insensitively among active ones, lists and filters", async () => {
    const m = await createMerchant();
    const co = await coupon(m);
    const created = await m.sandbox.request<PromotionCode>("POST", "/promotion-codes", {
      coupon: co,
      code: "Summer25",
      max_redemptions: 5,
      restrictions: { minimum_amount: 1000, minimum_amount_currency: "USD", max_redemptions_per_customer: 1 },
    });
    expect(created.status).toBe(200);
    expect(created.body.id).toMatch(/^promo_[0-9A-Za-z]{24}$/);
    expect(created.body).toMatchObject({
      object: "promotion_code",
      code: "Summer25",
      coupon: co,
      active: true,
      times_redeemed: 0,
      restrictions: {
        first_time_transaction: false,
        minimum_amount: 1000,
        minimum_amount_currency: "USD",
        max_redemptions_per_customer: 1,
      },
    });
    expectError(
      await m.sandbox.request("POST", "/promotion-codes", { coupon: co, code: "SUMMER25" }),
      409,
      "promotion_code_taken",
    );

    const off = await m.sandbox.request<PromotionCode>("PATCH", `/promotion-codes/${created.body.id}`, {
      active: false,
    });
    expect(off.body.active).toBe(false);
    const replacement = await m.sandbox.request<PromotionCode>("POST", "/promotion-codes", {
      coupon: co,
      code: "summer25",
    });
    expect(replacement.status).toBe(200);
    expectError(
      await m.sandbox.request("PATCH", `/promotion-codes/${created.body.id}`, { active: true }),
      409,
      "promotion_code_taken",
    );
    const generated = await m.sandbox.request<PromotionCode>("POST", "/promotion-codes", { coupon: co });
    expect(generated.body.code).toMatch(/^[0-9A-Z]{10}$/);

    const byCode = await m.sandbox.request<{ data: PromotionCode[] }>(
      "GET",
      "/promotion-codes?code=SUMMER25",
    );
    expect(byCode.body.data.map((p) => p.id)).toEqual([replacement.body.id, created.body.id]);
    const active = await m.sandbox.request<{ data: PromotionCode[] }>(
      "GET",
      "/promotion-codes?code=SUMMER25&active=true",
    );
    expect(active.body.data.map((p) => p.id)).toEqual([replacement.body.id]);
    const byCoupon = await m.sandbox.request<{ data: PromotionCode[] }>(
      "GET",
      `/promotion-codes?coupon=${co}`,
    );
    expect(byCoupon.body.data).toHaveLength(3);
    const events = await query<{ type: string }>(
      "select type from events where object_id = $1 order by created_at, id",
      [created.body.id],
    );
    expect(events.map((event) => event.type)).toEqual(["promotion_code.created", "promotion_code.updated"]);
  });

  it("refuses bad promotion codes with a catalog code and writes nothing", async () => {
    const m = await createMerchant();
    const co = await coupon(m);
    const cases: Array<[unknown, number, string, string?]> = [
      [{}, 400, "parameter_missing", "coupon"],
      [{ coupon: "co_missing" }, 404, "resource_missing", "coupon"],
      [{ coupon: co, customer: "cus_missing" }, 404, "resource_missing", "customer"],
      [{ coupon: co, code: "a b" }, 400, "parameter_invalid", "code"],
      [{ coupon: co, code: "x".repeat(100_000) }, 400, "parameter_invalid", "code"],
      [{ coupon: co, code: "AB\u0000C" }, 400, "parameter_characters_invalid"],
      [{ coupon: co, expires_at: "2001-01-01T00:00:00Z" }, 400, "parameter_invalid", "expires_at"],
      [
        { coupon: co, restrictions: { minimum_amount: 100 } },
        400,
        "parameter_missing",
        "restrictions.minimum_amount_currency",
      ],
      [
        { coupon: co, restrictions: { minimum_amount: -100, minimum_amount_currency: "USD" } },
        400,
        "amount_invalid",
      ],
      [
        { coupon: co, restrictions: { minimum_amount: 100, minimum_amount_currency: "ABC" } },
        400,
        "currency_invalid",
      ],
      [{ coupon: co, restrictions: { max_redemptions_per_customer: 0 } }, 400, "parameter_invalid"],
      [{ coupon: co, restrictions: { weekdays_only: true } }, 400, "parameter_unknown"],
    ];
    for (const [body, status, code, param] of cases) {
      const response = await m.sandbox.request<{ error: { param?: string } }>(
        "POST",
        "/promotion-codes",
        body,
      );
      expectError(response, status, code);
      if (param) expect(response.body.error.param, JSON.stringify(body)).toBe(param);
    }
    expect(await query("select id from promotion_codes where merchant_id = $1", [m.merchantId])).toHaveLength(
      0,
    );
  });
});

describe("promotion codes: redemption", () => {
  it("redeems through the code's coupon and enforces each restriction with its own code", async () => {
    const m = await createMerchant();
    const [buyer, stranger] = [await customer(m), await customer(m)];
    const co = await coupon(m);
    const mine = await m.sandbox.request<PromotionCode>("POST", "/promotion-codes", {
      coupon: co,
      customer: buyer,
      restrictions: { minimum_amount: 1000, minimum_amount_currency: "USD" },
    });
    const path = `/promotion-codes/${mine.body.id}/redeem`;
    expectError(
      await m.sandbox.request("POST", path, { customer: stranger, amount: 5000, currency: "USD" }),
      400,
      "promotion_code_restricted",
    );
    expectError(
      await m.sandbox.request("POST", path, { customer: buyer, amount: 999, currency: "USD" }),
      400,
      "promotion_code_restricted",
    );
    expectError(
      await m.sandbox.request("POST", path, { customer: buyer, amount: 5000, currency: "EUR" }),
      400,
      "promotion_code_restricted",
    );
    const redeemed = await m.sandbox.request<Discount>("POST", path, {
      customer: buyer,
      amount: 1000,
      currency: "USD",
    });
    expect(redeemed.status).toBe(200);
    expect(redeemed.body).toMatchObject({ coupon: co, promotion_code: mine.body.id, discount_amount: 200 });
    expect(
      (await m.sandbox.request<PromotionCode>("GET", `/promotion-codes/${mine.body.id}`)).body.times_redeemed,
    ).toBe(1);
    expect(
      (await m.sandbox.request<{ times_redeemed: number }>("GET", `/coupons/${co}`)).body.times_redeemed,
    ).toBe(1);

    // First-time only: the buyer has redeemed before, the stranger has not.
    const welcome = await m.sandbox.request<PromotionCode>("POST", "/promotion-codes", {
      coupon: co,
      restrictions: { first_time_transaction: true },
    });
    const welcomePath = `/promotion-codes/${welcome.body.id}/redeem`;
    expectError(
      await m.sandbox.request("POST", welcomePath, { customer: buyer, amount: 100, currency: "USD" }),
      400,
      "promotion_code_restricted",
    );
    expect(
      (await m.sandbox.request("POST", welcomePath, { customer: stranger, amount: 100, currency: "USD" }))
        .status,
    ).toBe(200);

    const expiring = await m.sandbox.request<PromotionCode>("POST", "/promotion-codes", {
      coupon: co,
      expires_at: new Date(Date.now() + 3_600_000).toISOString(),
    });
    const body = { customer: stranger, amount: 100, currency: "USD" };
    expectError(
      await m.sandbox.request("POST", `/promotion-codes/${expiring.body.id}/redeem`, body, ahead(7200)),
      400,
      "promotion_code_expired",
    );
    await m.sandbox.request("PATCH", `/promotion-codes/${expiring.body.id}`, { active: false });
    expectError(
      await m.sandbox.request("POST", `/promotion-codes/${expiring.body.id}/redeem`, body),
      400,
      "promotion_code_inactive",
    );

    // A code whose coupon was deleted can't be redeemed any more.
    await m.sandbox.request("DELETE", `/coupons/${co}`);
    expectError(
      await m.sandbox.request("POST", path, { customer: buyer, amount: 1000, currency: "USD" }),
      400,
      "promotion_code_inactive",
    );
    expect(await query("select id from discounts where coupon_id = $1", [co])).toHaveLength(2);
  });

  it("gives exactly max_redemptions to 50 parallel redemptions of a code", async () => {
    const m = await createMerchant();
    const buyers = await Promise.all(Array.from({ length: 5 }, () => customer(m)));
    const co = await coupon(m);
    const code = await m.sandbox.request<PromotionCode>("POST", "/promotion-codes", {
      coupon: co,
      max_redemptions: 10,
    });
    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        m.sandbox.request("POST", `/promotion-codes/${code.body.id}/redeem`, {
          customer: buyers[i % buyers.length],
          amount: 1000,
          currency: "USD",
        }),
      ),
    );
    expect(responses.filter((response) => response.status === 200)).toHaveLength(10);
    for (const response of responses.filter((r) => r.status !== 200)) {
      expectError(response, 409, "promotion_code_max_redemptions_reached");
    }
    expect(
      (await m.sandbox.request<PromotionCode>("GET", `/promotion-codes/${code.body.id}`)).body.times_redeemed,
    ).toBe(10);
    expect(
      (await m.sandbox.request<{ times_redeemed: number }>("GET", `/coupons/${co}`)).body.times_redeemed,
    ).toBe(10);
    expect(await query("select id from discounts where promotion_code_id = $1", [code.body.id])).toHaveLength(
      10,
    );
  });

  it("gives one customer exactly max_redemptions_per_customer out of 30 parallel redemptions", async () => {
    const m = await createMerchant();
    const [buyer, other] = [await customer(m), await customer(m)];
    const co = await coupon(m);
    const code = await m.sandbox.request<PromotionCode>("POST", "/promotion-codes", {
      coupon: co,
      restrictions: { max_redemptions_per_customer: 3 },
    });
    const path = `/promotion-codes/${code.body.id}/redeem`;
    const responses = await Promise.all(
      Array.from({ length: 30 }, () =>
        m.sandbox.request("POST", path, { customer: buyer, amount: 1000, currency: "USD" }),
      ),
    );
    expect(responses.filter((response) => response.status === 200)).toHaveLength(3);
    for (const response of responses.filter((r) => r.status !== 200)) {
      expectError(response, 409, "promotion_code_customer_limit_reached");
    }
    // The limit is per customer: another one still may.
    expect(
      (await m.sandbox.request("POST", path, { customer: other, amount: 1000, currency: "USD" })).status,
    ).toBe(200);
    expect(
      (await m.sandbox.request<PromotionCode>("GET", `/promotion-codes/${code.body.id}`)).body.times_redeemed,
    ).toBe(4);
    expect(await query("select id from discounts where customer_id = $1", [buyer])).toHaveLength(3);
  });

  it("lets exactly one of 20 parallel first redemptions of first-time codes through", async () => {
    const m = await createMerchant();
    const buyer = await customer(m);
    const co = await coupon(m);
    const codes = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const created = await m.sandbox.request<PromotionCode>("POST", "/promotion-codes", {
          coupon: co,
          restrictions: { first_time_transaction: true },
        });
        return created.body.id;
      }),
    );
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        m.sandbox.request("POST", `/promotion-codes/${codes[i % codes.length]}/redeem`, {
          customer: buyer,
          amount: 1000,
          currency: "USD",
        }),
      ),
    );
    expect(responses.filter((response) => response.status === 200)).toHaveLength(1);
    for (const response of responses.filter((r) => r.status !== 200)) {
      expectError(response, 400, "promotion_code_restricted");
      expect((response.body as { error: { param: string } }).error.param).toBe("customer");
    }
    expect(await query("select id from discounts where customer_id = $1", [buyer])).toHaveLength(1);
    expect(
      (await m.sandbox.request<{ times_redeemed: number }>("GET", `/coupons/${co}`)).body.times_redeemed,
    ).toBe(1);
  });

  it("replays a retried redemption and answers 404 across merchants and environments", async () => {
    const [m, other] = await Promise.all([createMerchant(), createMerchant()]);
    const buyer = await customer(m);
    const co = await coupon(m);
    const code = await m.sandbox.request<PromotionCode>("POST", "/promotion-codes", { coupon: co });
    const path = `/promotion-codes/${code.body.id}/redeem`;
    const headers = { "idempotency-key": `promo-${Date.now()}` };
    const body = { customer: buyer, amount: 1000, currency: "USD" };
    const first = await m.sandbox.request<Discount>("POST", path, body, headers);
    const again = await m.sandbox.request<Discount>("POST", path, body, headers);
    expect(again.body).toEqual(first.body);
    expect(
      (await m.sandbox.request<PromotionCode>("GET", `/promotion-codes/${code.body.id}`)).body.times_redeemed,
    ).toBe(1);
    for (const client of [other.sandbox, m.production]) {
      expectError(await client.request("GET", `/promotion-codes/${code.body.id}`), 404, "resource_missing");
      expectError(
        await client.request("PATCH", `/promotion-codes/${code.body.id}`, { active: false }),
        404,
        "resource_missing",
      );
      expectError(await client.request("POST", path, body), 404, "resource_missing");
      expectError(await client.request("POST", "/promotion-codes", { coupon: co }), 404, "resource_missing");
    }
  });
});
