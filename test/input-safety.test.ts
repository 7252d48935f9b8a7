import { beforeAll, describe, expect, it } from "vitest";
import { call, createMerchant, expectError, type TestMerchant, uniqueEmail } from "./harness";

const NUL = "\u0000";
const LONE_HIGH = "\uD800";
const LONE_LOW = "\uDC00";

/** Finding 8: NUL and unpaired surrogates are refused at the edge with 400, on every kind of input. */
describe("input safety: NUL and unpaired surrogates", () => {
  let m: TestMerchant;
  beforeAll(async () => {
    m = await createMerchant();
  });

  it("in body values, nested values, metadata keys and values", async () => {
    const bodies: Array<[unknown, string]> = [
      [{ email: `a${NUL}@example.com` }, "email"],
      [{ name: `x${LONE_HIGH}` }, "name"],
      [{ name: `x${LONE_LOW}y` }, "name"],
      [{ metadata: { order: `o${NUL}1` } }, "metadata.order"],
      [{ metadata: { [`k${NUL}`]: "v" } }, "metadata.k?"],
      [{ address: { line1: `l${NUL}` } }, "address.line1"],
      [{ tax_ids: [{ type: "eu_vat", value: `DE${NUL}` }] }, "tax_ids[0].value"],
    ];
    for (const [body, param] of bodies) {
      const response = await m.sandbox.request("POST", "/customers", body);
      expectError(response, 400, "parameter_characters_invalid");
      expect((response.body as { error: { param: string } }).error.param).toBe(param);
    }
    const created = await m.sandbox.request<{ id: string }>("POST", "/customers", { name: "ok" });
    expectError(
      await m.sandbox.request("PATCH", `/customers/${created.body.id}`, { metadata: { a: NUL } }),
      400,
      "parameter_characters_invalid",
    );
    const list = await m.sandbox.request<{ data: unknown[] }>("GET", "/customers");
    expect(list.body.data).toHaveLength(1);
  });

  it("in path ids, query filters and cursors", async () => {
    for (const path of [
      "/customers/cus_%00",
      "/payments/pay_x%00/capture",
      "/refunds/%ED%A0%80",
      "/customers?starting_after=cus_%00",
      "/customers?email=a%00b",
      "/payments?status=%00",
      "/events?type=%ED%B0%80",
      "/customers?%00=1",
    ]) {
      const method = path.endsWith("/capture") ? "POST" : "GET";
      expectError(await m.sandbox.request(method, path), 400, "parameter_characters_invalid");
    }
  });

  it("in sign-up and login, before any authentication", async () => {
    expectError(
      await call("POST", "/api/v1/auth/signup", {
        body: { business_name: `Shop${NUL}`, email: uniqueEmail(), password: "a long enough password" },
      }),
      400,
      "parameter_characters_invalid",
    );
    expectError(
      await call("POST", "/api/v1/auth/sessions", {
        body: { email: uniqueEmail(), password: `pw${NUL}` },
      }),
      400,
      "parameter_characters_invalid",
    );
    expectError(
      await call("POST", "/api/v1/auth/sessions", {
        body: { email: uniqueEmail(), password: `pw${LONE_HIGH}` },
      }),
      400,
      "parameter_characters_invalid",
    );
  });

  it("leaves well-formed astral characters alone", async () => {
    const created = await m.sandbox.request<{ name: string }>("POST", "/customers", { name: "Zoë 😀" });
    expect(created.status).toBe(200);
    expect(created.body.name).toBe("Zoë 😀");
  });
});

describe("method_not_allowed", () => {
  it("a known path with another method is 405 with Allow", async () => {
    const m = await createMerchant();
    const response = await m.sandbox.request("PUT", "/customers");
    expectError(response, 405, "method_not_allowed");
    expect(response.headers.get("allow")).toBe("POST, GET");
    const one = await m.sandbox.request("POST", "/customers/cus_x");
    expectError(one, 405, "method_not_allowed");
    expect(one.headers.get("allow")?.split(", ").sort()).toEqual(["DELETE", "GET", "PATCH"]);
    expectError(await m.sandbox.request("GET", "/nope"), 404, "route_not_found");
  });
});
