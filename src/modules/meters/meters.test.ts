import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError } from "../../../test/harness";

interface Meter {
  id: string;
  object: string;
  display_name: string;
  aggregation: { formula: string; property: string | null };
  filter: Record<string, string>;
  group_by: string | null;
  active: boolean;
}

describe("meters", () => {
  it("creates, retrieves, renames, deactivates and lists meters, with events", async () => {
    const m = await createMerchant();
    const created = await m.sandbox.request<Meter>("POST", "/meters", {
      display_name: "API calls",
      aggregation: { formula: "count" },
      filter: { region: "eu" },
      group_by: "endpoint",
    });
    expect(created.status).toBe(200);
    expect(created.body.id).toMatch(/^mtr_[0-9A-Za-z]{24}$/);
    expect(created.body).toMatchObject({
      object: "meter",
      aggregation: { formula: "count", property: null },
      filter: { region: "eu" },
      group_by: "endpoint",
      active: true,
    });
    const unique = await m.sandbox.request<Meter>("POST", "/meters", {
      display_name: "Active users",
      aggregation: { formula: "count_unique", property: "user_id" },
    });
    expect(unique.body.aggregation).toEqual({ formula: "count_unique", property: "user_id" });
    expect((await m.sandbox.request("GET", `/meters/${created.body.id}`)).body).toEqual(created.body);
    const off = await m.sandbox.request<Meter>("PATCH", `/meters/${created.body.id}`, {
      display_name: "Calls",
      active: false,
    });
    expect(off.body).toMatchObject({ display_name: "Calls", active: false });
    expectError(
      await m.sandbox.request("PATCH", `/meters/${created.body.id}`, { aggregation: { formula: "sum" } }),
      400,
      "parameter_unknown",
    );
    const active = await m.sandbox.request<{ data: Meter[] }>("GET", "/meters?active=true");
    expect(active.body.data.map((meter) => meter.id)).toEqual([unique.body.id]);
    const events = await query<{ type: string }>(
      "select type from events where object_id = $1 order by created_at, id",
      [created.body.id],
    );
    expect(events.map((event) => event.type)).toEqual(["meter.created", "meter.updated"]);
  });

  it("refuses bad meters with a catalog code, and answers 404 across tenants", async () => {
    const [m, other] = await Promise.all([createMerchant(), createMerchant()]);
    const cases: Array<[unknown, string, string?]> = [
      [{ display_name: "x" }, "parameter_missing", "aggregation"],
      [{ display_name: "x", aggregation: { formula: "avg" } }, "parameter_invalid", "aggregation.formula"],
      [
        { display_name: "x", aggregation: { formula: "count_unique" } },
        "parameter_missing",
        "aggregation.property",
      ],
      [
        { display_name: "x", aggregation: { formula: "sum", property: "a" } },
        "parameter_unknown",
        "aggregation.property",
      ],
      [
        { display_name: "x".repeat(100_000), aggregation: { formula: "sum" } },
        "parameter_invalid",
        "display_name",
      ],
      [
        { display_name: "x", aggregation: { formula: "sum" }, group_by: "a b" },
        "parameter_invalid",
        "group_by",
      ],
    ];
    for (const [body, code, param] of cases) {
      const response = await m.sandbox.request<{ error: { param?: string } }>("POST", "/meters", body);
      expectError(response, 400, code);
      if (param) expect(response.body.error.param, JSON.stringify(body)).toBe(param);
    }
    expect(await query("select id from meters where merchant_id = $1", [m.merchantId])).toHaveLength(0);
    const headers = { "idempotency-key": `meter-${Date.now()}` };
    const body = { display_name: "Storage", aggregation: { formula: "weighted_sum" } };
    const created = await m.sandbox.request<Meter>("POST", "/meters", body, headers);
    expect((await m.sandbox.request<Meter>("POST", "/meters", body, headers)).body).toEqual(created.body);
    for (const client of [other.sandbox, m.production]) {
      expectError(await client.request("GET", `/meters/${created.body.id}`), 404, "resource_missing");
      expectError(
        await client.request("PATCH", `/meters/${created.body.id}`, { active: false }),
        404,
        "resource_missing",
      );
    }
  });
});
