import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError } from "../../../test/harness";

interface TaxRate {
  id: string;
  object: string;
  display_name: string;
  percentage: number;
  inclusive: boolean;
  jurisdiction: string | null;
  active: boolean;
}

describe("tax rates", () => {
  it("creates, retrieves, archives and lists a rate, with events", async () => {
    const m = await createMerchant();
    const created = await m.sandbox.request<TaxRate>("POST", "/tax-rates", {
      display_name: "Sales tax",
      percentage: 8.8125,
      inclusive: false,
      jurisdiction: "US-NY",
      country: "US",
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      object: "tax_rate",
      display_name: "Sales tax",
      percentage: 8.8125,
      inclusive: false,
      jurisdiction: "US-NY",
      active: true,
    });
    expect(created.body.id).toMatch(/^txr_/);
    const archived = await m.sandbox.request<TaxRate>("PATCH", `/tax-rates/${created.body.id}`, {
      active: false,
    });
    expect(archived.body).toMatchObject({ active: false, percentage: 8.8125 });
    expect((await m.sandbox.request<TaxRate>("GET", `/tax-rates/${created.body.id}`)).body.active).toBe(
      false,
    );
    const listed = await m.sandbox.request<{ data: TaxRate[] }>("GET", "/tax-rates?active=false");
    expect(listed.body.data.map((rate) => rate.id)).toEqual([created.body.id]);
    const events = await query<{ type: string }>(
      "select type from events where object_id = $1 order by created_at, id",
      [created.body.id],
    );
    expect(events.map((event) => event.type)).toEqual(["tax_rate.created", "tax_rate.updated"]);
  });

  it("refuses bad input and writes nothing; another merchant's or environment's rate is a 404", async () => {
    const m = await createMerchant();
    const body = { display_name: "VAT", percentage: 19, inclusive: true };
    expectError(
      await m.sandbox.request("POST", "/tax-rates", { ...body, percentage: 100.5 }),
      400,
      "parameter_invalid",
    );
    expectError(
      await m.sandbox.request("POST", "/tax-rates", { ...body, percentage: 1.23456 }),
      400,
      "parameter_invalid",
    );
    expectError(
      await m.sandbox.request("POST", "/tax-rates", { ...body, inclusive: undefined }),
      400,
      "parameter_missing",
    );
    expectError(
      await m.sandbox.request("PATCH", "/tax-rates/txr_x", { percentage: 5 }),
      400,
      "parameter_unknown",
    );
    expect(await query("select 1 from tax_rates where merchant_id = $1", [m.merchantId])).toHaveLength(0);

    const rate = await m.sandbox.request<TaxRate>("POST", "/tax-rates", body, { "idempotency-key": "txr-1" });
    const replay = await m.sandbox.request<TaxRate>("POST", "/tax-rates", body, {
      "idempotency-key": "txr-1",
    });
    expect(replay.body.id).toBe(rate.body.id);
    expect(await query("select 1 from tax_rates where merchant_id = $1", [m.merchantId])).toHaveLength(1);

    const other = await createMerchant();
    expectError(await other.sandbox.request("GET", `/tax-rates/${rate.body.id}`), 404, "resource_missing");
    expectError(await m.production.request("GET", `/tax-rates/${rate.body.id}`), 404, "resource_missing");
    expectError(
      await other.sandbox.request("PATCH", `/tax-rates/${rate.body.id}`, { active: false }),
      404,
      "resource_missing",
    );
  });
});
