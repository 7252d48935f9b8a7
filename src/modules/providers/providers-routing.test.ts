import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError } from "../../../test/harness";
import type { Rule } from "./providers-testing";

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
});
