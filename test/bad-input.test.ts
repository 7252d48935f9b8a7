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

  it("left nothing behind", async () => {
    const list = await m.sandbox.request<{ data: unknown[] }>("GET", "/customers");
    expect(list.body.data).toEqual([]);
  });
});
