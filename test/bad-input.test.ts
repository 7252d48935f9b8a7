import { beforeAll, describe, expect, it } from "vitest";
import { call, createMerchant, expectError, type TestMerchant } from "./harness";

/** Bad input is a 4xx with a catalog code, never a 500, and changes nothing. */
describe("bad input", () => {
  let m: TestMerchant;
  beforeAll(async () => {
    m = await createMerchant();
  });

  it("malformed JSON", async () => {
    expectError(await m.sandbox.request("POST", "/customers", "{not json"), 400, "json_invalid");
    expectError(await m.sandbox.request("POST", "/customers", "[1,2"), 400, "json_invalid");
  });

  it("a body that is not an object, or not JSON", async () => {
    expectError(await m.sandbox.request("POST", "/customers", "[]"), 400, "parameter_invalid");
    expectError(await m.sandbox.request("POST", "/customers", "null"), 400, "parameter_invalid");
    const form = await m.sandbox.request("POST", "/customers", "email=a@b.c", {
      "content-type": "application/x-www-form-urlencoded",
    });
    expectError(form, 415, "content_type_invalid");
    expectError(
      await m.sandbox.request("POST", "/customers", "", { "content-type": "text/plain" }),
      415,
      "content_type_invalid",
    );
  });

  it("wrong types and unknown fields", async () => {
    expectError(await m.sandbox.request("POST", "/customers", { email: 42 }), 400, "parameter_invalid");
    expectError(await m.sandbox.request("POST", "/customers", { metadata: "x" }), 400, "metadata_invalid");
    expectError(
      await m.sandbox.request("POST", "/customers", { tax_ids: [{ type: "eu_vat" }] }),
      400,
      "parameter_missing",
    );
    expectError(await m.sandbox.request("POST", "/customers", { __proto__x: 1 }), 400, "parameter_unknown");
    expectError(await m.sandbox.request("GET", "/customers?limit=abc"), 400, "parameter_invalid");
    expectError(await m.sandbox.request("GET", "/customers?created_gte=yesterday"), 400, "parameter_invalid");
  });

  it("huge bodies", async () => {
    const huge = JSON.stringify({ description: "x".repeat(2 * 1024 * 1024) });
    expectError(await m.sandbox.request("POST", "/customers", huge), 413, "body_too_large");
  });

  it("unknown currency", async () => {
    expectError(
      await m.sandbox.request("POST", "/customers", { preferred_currency: "ABC" }),
      400,
      "currency_invalid",
    );
  });

  it("unknown routes and methods", async () => {
    // As with Stripe, credentials are checked before the route: anonymous callers learn nothing.
    expectError(await call("GET", "/api/v1/nope"), 401, "authentication_required");
    expectError(await m.sandbox.request("GET", "/nope"), 404, "route_not_found");
  });

  it("payments and refunds: bad amounts, currencies, JSON and fields", async () => {
    const card = { type: "card", card: { number: "4242424242424242", exp_month: 12, exp_year: 2040 } };
    const payment = (fields: Record<string, unknown>) => ({
      amount: 1_000,
      currency: "USD",
      payment_method_data: card,
      ...fields,
    });
    const cases: Array<[string, unknown, number, string]> = [
      ["/payments", payment({ amount: -100 }), 400, "amount_invalid"],
      ["/payments", payment({ amount: 0 }), 400, "amount_invalid"],
      ["/payments", payment({ amount: 10.5 }), 400, "amount_invalid"],
      ["/payments", payment({ amount: "1000" }), 400, "amount_invalid"],
      ["/payments", payment({ amount: 1e300 }), 400, "amount_invalid"],
      ["/payments", payment({ amount: undefined }), 400, "parameter_missing"],
      ["/payments", payment({ currency: "ABC" }), 400, "currency_invalid"],
      ["/payments", payment({ currency: "usd" }), 400, "currency_invalid"],
      ["/payments", payment({ currency: 840 }), 400, "currency_invalid"],
      ["/payments", payment({ tip: 5 }), 400, "parameter_unknown"],
      ["/payments", payment({ capture_method: "later" }), 400, "parameter_invalid"],
      ["/payments", payment({ payment_method_data: { ...card, colour: "red" } }), 400, "parameter_unknown"],
      ["/payments", "{not json", 400, "json_invalid"],
      ["/payments", '{"amount": 1000, "currency": "USD"', 400, "json_invalid"],
      ["/payments", "[]", 400, "parameter_invalid"],
    ];
    for (const [path, body, status, code] of cases) {
      expectError(await m.sandbox.request("POST", path, body), status, code);
    }
    const paid = await m.sandbox.request<{ id: string }>("POST", "/payments", payment({ confirm: true }));
    const refunds = `/payments/${paid.body.id}/refunds`;
    const refundCases: Array<[unknown, number, string]> = [
      [{ amount: -1 }, 400, "amount_invalid"],
      [{ amount: 1.5 }, 400, "amount_invalid"],
      [{ amount: "100" }, 400, "amount_invalid"],
      [{ amount: 0 }, 400, "amount_invalid"],
      [{ reason: "changed_mind" }, 400, "parameter_invalid"],
      [{ currency: "EUR" }, 400, "parameter_unknown"],
      [{ amount: 100, note: "x" }, 400, "parameter_unknown"],
      ["{not json", 400, "json_invalid"],
      ["null", 400, "parameter_invalid"],
    ];
    for (const [body, status, code] of refundCases) {
      expectError(await m.sandbox.request("POST", refunds, body), status, code);
    }
    expectError(
      await m.sandbox.request("POST", "/payments/pay_doesnotexist/refunds", { amount: 100 }),
      404,
      "resource_missing",
    );
    const list = await m.sandbox.request<{ data: Array<{ id: string }> }>("GET", "/payments");
    expect(list.body.data.map((p) => p.id)).toEqual([paid.body.id]);
    const refundList = await m.sandbox.request<{ data: unknown[] }>("GET", "/refunds");
    expect(refundList.body.data).toEqual([]);
  });

  it("left nothing behind", async () => {
    const list = await m.sandbox.request<{ data: unknown[] }>("GET", "/customers");
    expect(list.body.data).toEqual([]);
  });
});
