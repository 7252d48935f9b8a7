import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError } from "../../../test/harness";
import { ahead, type Coupon, customer, type Discount } from "./coupons-testing";

describe("coupons: redemption", () => {
  it("computes the discount and counts the redemption, with a discount.created event", async () => {
    const m = await createMerchant();
    const buyer = await customer(m);
    const coupon = await m.sandbox.request<Coupon>("POST", "/coupons", {
      percent_off: 12.5,
      duration: "forever",
    });
    const redeemed = await m.sandbox.request<Discount>("POST", `/coupons/${coupon.body.id}/redeem`, {
      customer: buyer,
      amount: 999,
      currency: "USD",
    });
    expect(redeemed.status).toBe(200);
    expect(redeemed.body).toMatchObject({
      object: "discount",
      coupon: coupon.body.id,
      promotion_code: null,
      customer: buyer,
      amount: 999,
      discount_amount: 125,
      amount_after_discount: 874,
      duration: "forever",
    });
    expect(redeemed.body.id).toMatch(/^di_/);
    expect((await m.sandbox.request<Coupon>("GET", `/coupons/${coupon.body.id}`)).body.times_redeemed).toBe(
      1,
    );
    expect(await query("select type from events where object_id = $1", [redeemed.body.id])).toEqual([
      { type: "discount.created" },
    ]);
    // Webhook endpoints can subscribe to every billing event type.
    const types = await m.sandbox.request<{ data: Array<{ type: string }> }>("GET", "/events/types");
    const listed = new Set(types.body.data.map((entry) => entry.type));
    for (const type of [
      "product.created",
      "price.updated",
      "coupon.deleted",
      "promotion_code.created",
      "discount.created",
      "meter.updated",
    ]) {
      expect(listed.has(type), type).toBe(true);
    }
    const endpoint = await m.sandbox.request("POST", "/webhooks/endpoints", {
      url: "https://example.com/billing",
      enabled_events: ["discount.created", "coupon.*", "promotion_code.*", "product.*", "price.*", "meter.*"],
    });
    expect(endpoint.status).toBe(200);
  });

  it("applies fixed amounts per currency, capped at the amount, and refuses other currencies and products", async () => {
    const m = await createMerchant();
    const buyer = await customer(m);
    const prod = (await m.sandbox.request<{ id: string }>("POST", "/products", { name: "Only" })).body.id;
    const coupon = await m.sandbox.request<Coupon>("POST", "/coupons", {
      amount_off: 500,
      currency: "USD",
      currency_options: { EUR: { amount_off: 450 } },
      applies_to: { products: [prod] },
    });
    const path = `/coupons/${coupon.body.id}/redeem`;
    const eur = await m.sandbox.request<Discount>("POST", path, {
      customer: buyer,
      amount: 300,
      currency: "EUR",
      product: prod,
    });
    expect(eur.body).toMatchObject({ discount_amount: 300, amount_after_discount: 0 });
    const usd = await m.sandbox.request<Discount>("POST", path, {
      customer: buyer,
      amount: 2000,
      currency: "USD",
      product: prod,
    });
    expect(usd.body.discount_amount).toBe(500);
    expectError(
      await m.sandbox.request("POST", path, {
        customer: buyer,
        amount: 2000,
        currency: "GBP",
        product: prod,
      }),
      400,
      "coupon_not_applicable",
    );
    expectError(
      await m.sandbox.request("POST", path, { customer: buyer, amount: 2000, currency: "USD" }),
      400,
      "coupon_not_applicable",
    );
    expectError(
      await m.sandbox.request("POST", path, {
        customer: "cus_missing",
        amount: 2000,
        currency: "USD",
        product: prod,
      }),
      404,
      "resource_missing",
    );
    expectError(
      await m.sandbox.request("POST", path, { customer: buyer, amount: -1, currency: "USD", product: prod }),
      400,
      "amount_invalid",
    );
    expect((await m.sandbox.request<Coupon>("GET", `/coupons/${coupon.body.id}`)).body.times_redeemed).toBe(
      2,
    );
  });

  it("refuses a redemption after redeem_by", async () => {
    const m = await createMerchant();
    const buyer = await customer(m);
    const redeemBy = new Date(Date.now() + 3_600_000).toISOString();
    const coupon = await m.sandbox.request<Coupon>("POST", "/coupons", {
      percent_off: 10,
      redeem_by: redeemBy,
    });
    const body = { customer: buyer, amount: 1000, currency: "USD" };
    expectError(
      await m.sandbox.request("POST", `/coupons/${coupon.body.id}/redeem`, body, ahead(7200)),
      400,
      "coupon_expired",
    );
    expect(
      (await m.sandbox.request<Coupon>("GET", `/coupons/${coupon.body.id}`, undefined, ahead(7200))).body
        .valid,
    ).toBe(false);
    expect((await m.sandbox.request("POST", `/coupons/${coupon.body.id}/redeem`, body)).status).toBe(200);
    expect(await query("select id from discounts where coupon_id = $1", [coupon.body.id])).toHaveLength(1);
  });

  it("gives exactly max_redemptions discounts to 50 parallel redemptions", async () => {
    const m = await createMerchant();
    const buyer = await customer(m);
    const coupon = await m.sandbox.request<Coupon>("POST", "/coupons", {
      percent_off: 10,
      max_redemptions: 10,
    });
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        m.sandbox.request("POST", `/coupons/${coupon.body.id}/redeem`, {
          customer: buyer,
          amount: 1000,
          currency: "USD",
        }),
      ),
    );
    const ok = responses.filter((response) => response.status === 200);
    expect(ok).toHaveLength(10);
    for (const response of responses.filter((r) => r.status !== 200)) {
      expectError(response, 409, "coupon_max_redemptions_reached");
    }
    const after = await m.sandbox.request<Coupon>("GET", `/coupons/${coupon.body.id}`);
    expect(after.body).toMatchObject({ times_redeemed: 10, valid: false });
    expect(await query("select id from discounts where coupon_id = $1", [coupon.body.id])).toHaveLength(10);
    expect(
      await query("select id from events where merchant_id = $1 and type = 'discount.created'", [
        m.merchantId,
      ]),
    ).toHaveLength(10);
  });

  it("replays a retried redemption with the same Idempotency-Key without counting it twice", async () => {
    const m = await createMerchant();
    const buyer = await customer(m);
    const coupon = await m.sandbox.request<Coupon>("POST", "/coupons", {
      percent_off: 10,
      max_redemptions: 5,
    });
    const headers = { "idempotency-key": `redeem-${Date.now()}` };
    const body = { customer: buyer, amount: 1000, currency: "USD" };
    const first = await m.sandbox.request<Discount>(
      "POST",
      `/coupons/${coupon.body.id}/redeem`,
      body,
      headers,
    );
    const again = await m.sandbox.request<Discount>(
      "POST",
      `/coupons/${coupon.body.id}/redeem`,
      body,
      headers,
    );
    expect(again.body).toEqual(first.body);
    expect((await m.sandbox.request<Coupon>("GET", `/coupons/${coupon.body.id}`)).body.times_redeemed).toBe(
      1,
    );
  });

  it("answers 404 across merchants and environments", async () => {
    const [m, other] = await Promise.all([createMerchant(), createMerchant()]);
    const coupon = await m.sandbox.request<Coupon>("POST", "/coupons", { percent_off: 10 });
    const id = coupon.body.id;
    const otherBuyer = await customer(other);
    for (const client of [other.sandbox, m.production]) {
      expectError(await client.request("GET", `/coupons/${id}`), 404, "resource_missing");
      expectError(await client.request("PATCH", `/coupons/${id}`, { name: "x" }), 404, "resource_missing");
      expectError(await client.request("DELETE", `/coupons/${id}`), 404, "resource_missing");
    }
    expectError(
      await other.sandbox.request("POST", `/coupons/${id}/redeem`, {
        customer: otherBuyer,
        amount: 1,
        currency: "USD",
      }),
      404,
      "resource_missing",
    );
    // Another merchant's customer is no customer here.
    expectError(
      await m.sandbox.request("POST", `/coupons/${id}/redeem`, {
        customer: otherBuyer,
        amount: 1,
        currency: "USD",
      }),
      404,
      "resource_missing",
    );
    expect((await m.sandbox.request<Coupon>("GET", `/coupons/${id}`)).body.times_redeemed).toBe(0);
  });
});
