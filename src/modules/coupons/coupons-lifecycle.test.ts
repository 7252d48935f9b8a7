import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError } from "../../../test/harness";
import { type Coupon, customer } from "./coupons-testing";

describe("coupons: lifecycle", () => {
  it("creates percent and fixed coupons, updates name and metadata, lists and deletes, with events", async () => {
    const m = await createMerchant();
    const percent = await m.sandbox.request<Coupon>("POST", "/coupons", {
      name: "Launch",
      percent_off: 12.5,
      duration: "repeating",
      duration_in_months: 3,
      max_redemptions: 100,
    });
    expect(percent.status).toBe(200);
    expect(percent.body.id).toMatch(/^co_[0-9A-Za-z]{24}$/);
    expect(percent.body).toMatchObject({
      object: "coupon",
      percent_off: 12.5,
      amount_off: null,
      duration: "repeating",
      duration_in_months: 3,
      max_redemptions: 100,
      times_redeemed: 0,
      valid: true,
    });
    expect(
      await query("select percent_off_basis_points from coupons where id = $1", [percent.body.id]),
    ).toEqual([{ percent_off_basis_points: 1250 }]);
    const fixed = await m.sandbox.request<Coupon>("POST", "/coupons", {
      amount_off: 500,
      currency: "USD",
      currency_options: { EUR: { amount_off: 450 } },
      duration: "forever",
    });
    expect(fixed.body).toMatchObject({
      percent_off: null,
      amount_off: 500,
      currency: "USD",
      currency_options: { EUR: { amount_off: 450 } },
      duration: "forever",
      duration_in_months: null,
    });

    const renamed = await m.sandbox.request<Coupon>("PATCH", `/coupons/${percent.body.id}`, {
      name: "Launch 2",
      metadata: { a: "1" },
    });
    expect(renamed.body).toMatchObject({ name: "Launch 2", metadata: { a: "1" }, percent_off: 12.5 });
    expectError(
      await m.sandbox.request("PATCH", `/coupons/${percent.body.id}`, { percent_off: 50 }),
      400,
      "parameter_unknown",
    );

    const list = await m.sandbox.request<{ data: Coupon[] }>("GET", "/coupons");
    expect(list.body.data.map((c) => c.id)).toEqual([fixed.body.id, percent.body.id]);

    const deleted = await m.sandbox.request("DELETE", `/coupons/${fixed.body.id}`);
    expect(deleted.body).toEqual({ id: fixed.body.id, object: "coupon", deleted: true });
    expectError(await m.sandbox.request("GET", `/coupons/${fixed.body.id}`), 404, "resource_missing");
    expectError(
      await m.sandbox.request("POST", `/coupons/${fixed.body.id}/redeem`, {
        customer: await customer(m),
        amount: 1000,
        currency: "USD",
      }),
      404,
      "resource_missing",
    );
    const events = await query<{ type: string }>(
      "select type from events where object_id = any($1) order by created_at, id",
      [[percent.body.id, fixed.body.id]],
    );
    expect(events.map((event) => event.type)).toEqual([
      "coupon.created",
      "coupon.created",
      "coupon.updated",
      "coupon.deleted",
    ]);
  });

  it("deletes a coupon once when two deletes race: one 200 and one event", async () => {
    const m = await createMerchant();
    const co = await m.sandbox.request<Coupon>("POST", "/coupons", { percent_off: 5 });
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => m.sandbox.request("DELETE", `/coupons/${co.body.id}`)),
    );
    expect(responses.filter((response) => response.status === 200)).toHaveLength(1);
    for (const response of responses.filter((r) => r.status !== 200))
      expectError(response, 404, "resource_missing");
    expect(
      await query("select id from events where object_id = $1 and type = 'coupon.deleted'", [co.body.id]),
    ).toHaveLength(1);
  });

  it("refuses bad coupons with a catalog code and writes nothing", async () => {
    const m = await createMerchant();
    const cases: Array<[unknown, number, string, string?]> = [
      [{}, 400, "parameter_missing", "percent_off"],
      [{ percent_off: 10, amount_off: 100, currency: "USD" }, 400, "parameter_invalid", "amount_off"],
      [{ percent_off: 0 }, 400, "parameter_invalid"],
      [{ percent_off: 100.01 }, 400, "parameter_invalid"],
      [{ percent_off: 12.345 }, 400, "parameter_invalid"],
      [{ percent_off: -5 }, 400, "parameter_invalid"],
      [{ amount_off: 100 }, 400, "parameter_missing", "currency"],
      [{ amount_off: -100, currency: "USD" }, 400, "amount_invalid"],
      [{ amount_off: 100, currency: "XYZ" }, 400, "currency_invalid"],
      [
        { amount_off: 100, currency: "USD", currency_options: { usd: { amount_off: 1 } } },
        400,
        "currency_invalid",
      ],
      [
        { amount_off: 100, currency: "USD", currency_options: { USD: { amount_off: 1 } } },
        400,
        "parameter_invalid",
      ],
      [{ percent_off: 10, duration: "repeating" }, 400, "parameter_missing", "duration_in_months"],
      [
        { percent_off: 10, duration: "once", duration_in_months: 2 },
        400,
        "parameter_invalid",
        "duration_in_months",
      ],
      [{ percent_off: 10, redeem_by: "2000-01-01T00:00:00Z" }, 400, "parameter_invalid", "redeem_by"],
      [{ percent_off: 10, max_redemptions: 0 }, 400, "parameter_invalid"],
      [
        { percent_off: 10, applies_to: { products: ["prod_missing"] } },
        404,
        "resource_missing",
        "applies_to.products",
      ],
      [{ percent_off: 10, name: "x".repeat(100_000) }, 400, "parameter_invalid"],
      [{ percent_off: 10, name: "\u0000" }, 400, "parameter_characters_invalid"],
    ];
    for (const [body, status, code, param] of cases) {
      const response = await m.sandbox.request<{ error: { param?: string } }>("POST", "/coupons", body);
      expectError(response, status, code);
      if (param) expect(response.body.error.param, JSON.stringify(body)).toBe(param);
    }
    expect(await query("select id from coupons where merchant_id = $1", [m.merchantId])).toHaveLength(0);
  });
});
