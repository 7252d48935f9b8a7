import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError } from "../../../test/harness";

interface Customer {
  id: string;
  object: string;
  email: string | null;
  name: string | null;
  environment: string;
  metadata: Record<string, string>;
  address: Record<string, string | null> | null;
  tax_ids: Array<{ type: string; value: string }>;
  preferred_currency: string | null;
}

describe("customers: happy path", () => {
  it("creates, retrieves, updates and deletes a customer, with an event for each change", async () => {
    const m = await createMerchant();
    const created = await m.sandbox.request<Customer>("POST", "/customers", {
      email: "Ada@Example.com",
      name: "Ada Lovelace",
      address: { line1: "1 Analytical St", city: "London", country: "GB" },
      preferred_currency: "GBP",
      invoice_email: "billing@example.com",
      tax_ids: [{ type: "gb_vat", value: "GB123456789" }],
      metadata: { crm_id: "42" },
    });
    expect(created.status).toBe(200);
    expect(created.body.id).toMatch(/^cus_[0-9A-Za-z]{24}$/);
    expect(created.body).toMatchObject({
      object: "customer",
      environment: "sandbox",
      name: "Ada Lovelace",
      preferred_currency: "GBP",
      metadata: { crm_id: "42" },
      address: { line1: "1 Analytical St", line2: null, city: "London", country: "GB" },
    });
    const id = created.body.id;

    const fetched = await m.sandbox.request<Customer>("GET", `/customers/${id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body).toEqual(created.body);

    const updated = await m.sandbox.request<Customer>("PATCH", `/customers/${id}`, {
      name: "Ada King",
      phone: null,
    });
    expect(updated.status).toBe(200);
    expect(updated.body.name).toBe("Ada King");
    expect(updated.body.email).toBe("Ada@Example.com");

    const deleted = await m.sandbox.request("DELETE", `/customers/${id}`);
    expect(deleted.body).toEqual({ id, object: "customer", deleted: true });
    expectError(await m.sandbox.request("GET", `/customers/${id}`), 404, "resource_missing");
    expectError(await m.sandbox.request("PATCH", `/customers/${id}`, { name: "x" }), 404, "resource_missing");

    const events = await query<{ type: string; previous_attributes: Record<string, unknown> | null }>(
      "select type, previous_attributes from events where object_id = $1 order by created_at, type",
      [id],
    );
    expect(events.map((event) => event.type)).toEqual([
      "customer.created",
      "customer.updated",
      "customer.deleted",
    ]);
    expect(events[1]?.previous_attributes).toEqual({ name: "Ada Lovelace" });
    const audit = await query<{ action: string; actor_id: string }>(
      "select action, actor_id from audit_logs where object_id = $1",
      [id],
    );
    expect(audit).toHaveLength(3);
    expect(audit.every((row) => row.actor_id === m.sandboxKey.id)).toBe(true);
  });

  it("lists newest first with cursors both ways and filters by email and created range", async () => {
    const m = await createMerchant();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const created = await m.sandbox.request<Customer>("POST", "/customers", { email: `c${i}@example.com` });
      ids.push(created.body.id);
    }
    const newestFirst = [...ids].reverse();
    const page1 = await m.sandbox.request<{ data: Customer[]; has_more: boolean; object: string }>(
      "GET",
      "/customers?limit=2",
    );
    expect(page1.body.object).toBe("list");
    expect(page1.body.data.map((c) => c.id)).toEqual(newestFirst.slice(0, 2));
    expect(page1.body.has_more).toBe(true);
    const page2 = await m.sandbox.request<{ data: Customer[]; has_more: boolean }>(
      "GET",
      `/customers?limit=2&starting_after=${newestFirst[1]}`,
    );
    expect(page2.body.data.map((c) => c.id)).toEqual(newestFirst.slice(2, 4));
    const page3 = await m.sandbox.request<{ data: Customer[]; has_more: boolean }>(
      "GET",
      `/customers?limit=2&starting_after=${newestFirst[3]}`,
    );
    expect(page3.body.data.map((c) => c.id)).toEqual(newestFirst.slice(4));
    expect(page3.body.has_more).toBe(false);
    const back = await m.sandbox.request<{ data: Customer[] }>(
      "GET",
      `/customers?limit=2&ending_before=${newestFirst[2]}`,
    );
    expect(back.body.data.map((c) => c.id)).toEqual(newestFirst.slice(0, 2));

    const byEmail = await m.sandbox.request<{ data: Customer[] }>("GET", "/customers?email=C3@EXAMPLE.com");
    expect(byEmail.body.data.map((c) => c.id)).toEqual([ids[3]]);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const none = await m.sandbox.request<{ data: Customer[] }>(
      "GET",
      `/customers?created_gte=${encodeURIComponent(future)}`,
    );
    expect(none.body.data).toEqual([]);
    expectError(
      await m.sandbox.request("GET", "/customers?starting_after=cus_doesnotexist"),
      400,
      "cursor_invalid",
    );
    expectError(await m.sandbox.request("GET", "/customers?limit=101"), 400, "parameter_invalid");
  });
});

describe("customers: errors", () => {
  it("refuses bad fields with a code and the parameter", async () => {
    const m = await createMerchant();
    const badEmail = await m.sandbox.request("POST", "/customers", { email: "not-an-email" });
    expectError(badEmail, 400, "parameter_invalid");
    expect((badEmail.body as { error: { param: string } }).error.param).toBe("email");
    expectError(
      await m.sandbox.request("POST", "/customers", { preferred_currency: "usd" }),
      400,
      "currency_invalid",
    );
    expectError(
      await m.sandbox.request("POST", "/customers", { preferred_currency: "XYZ" }),
      400,
      "currency_invalid",
    );
    expectError(await m.sandbox.request("POST", "/customers", { nickname: "x" }), 400, "parameter_unknown");
    expectError(
      await m.sandbox.request("POST", "/customers", { address: { country: "gbr" } }),
      400,
      "parameter_invalid",
    );
    const tooMany = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, "v"]));
    expectError(
      await m.sandbox.request("POST", "/customers", { metadata: tooMany }),
      400,
      "metadata_invalid",
    );
    expectError(
      await m.sandbox.request("POST", "/customers", { metadata: { ["k".repeat(41)]: "v" } }),
      400,
      "metadata_invalid",
    );
    expectError(
      await m.sandbox.request("POST", "/customers", { metadata: { k: "v".repeat(501) } }),
      400,
      "metadata_invalid",
    );
    expectError(
      await m.sandbox.request("POST", "/customers", { default_payment_method: "card_123" }),
      400,
      "parameter_invalid",
    );
  });
});
