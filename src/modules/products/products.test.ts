import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError } from "../../../test/harness";

interface Product {
  id: string;
  object: string;
  environment: string;
  name: string;
  description: string | null;
  images: string[];
  active: boolean;
  tax_code: string | null;
  metadata: Record<string, string>;
}

describe("products: happy path", () => {
  it("creates, retrieves, updates and archives a product, with an event for each change", async () => {
    const m = await createMerchant();
    const created = await m.sandbox.request<Product>("POST", "/products", {
      name: "Pro plan",
      description: "Everything",
      images: ["https://example.com/pro.png"],
      tax_code: "txcd_10103001",
      metadata: { tier: "pro" },
    });
    expect(created.status).toBe(200);
    expect(created.body.id).toMatch(/^prod_[0-9A-Za-z]{24}$/);
    expect(created.body).toMatchObject({
      object: "product",
      environment: "sandbox",
      name: "Pro plan",
      active: true,
      images: ["https://example.com/pro.png"],
      tax_code: "txcd_10103001",
    });
    const id = created.body.id;
    expect((await m.sandbox.request("GET", `/products/${id}`)).body).toEqual(created.body);

    const updated = await m.sandbox.request<Product>("PATCH", `/products/${id}`, {
      name: "Pro",
      tax_code: null,
    });
    expect(updated.body).toMatchObject({ name: "Pro", tax_code: null, description: "Everything" });
    const archived = await m.sandbox.request<Product>("PATCH", `/products/${id}`, { active: false });
    expect(archived.body.active).toBe(false);

    const events = await query<{ type: string; previous_attributes: Record<string, unknown> | null }>(
      "select type, previous_attributes from events where object_id = $1 order by created_at, id",
      [id],
    );
    expect(events.map((event) => event.type)).toEqual([
      "product.created",
      "product.updated",
      "product.updated",
    ]);
    expect(events[1]?.previous_attributes).toEqual({ name: "Pro plan", tax_code: "txcd_10103001" });
    expect(events[2]?.previous_attributes).toEqual({ active: true });
  });

  it("lists newest first and filters by active", async () => {
    const m = await createMerchant();
    const a = await m.sandbox.request<Product>("POST", "/products", { name: "A" });
    const b = await m.sandbox.request<Product>("POST", "/products", { name: "B", active: false });
    const all = await m.sandbox.request<{ data: Product[] }>("GET", "/products");
    expect(all.body.data.map((p) => p.id)).toEqual([b.body.id, a.body.id]);
    const active = await m.sandbox.request<{ data: Product[] }>("GET", "/products?active=true");
    expect(active.body.data.map((p) => p.id)).toEqual([a.body.id]);
    const archived = await m.sandbox.request<{ data: Product[] }>("GET", "/products?active=false");
    expect(archived.body.data.map((p) => p.id)).toEqual([b.body.id]);
    expectError(await m.sandbox.request("GET", "/products?active=yes"), 400, "parameter_invalid");
  });

  it("answers a retried POST with the same Idempotency-Key with the same product, written once", async () => {
    const m = await createMerchant();
    const headers = { "idempotency-key": `prod-${Date.now()}` };
    const first = await m.sandbox.request<Product>("POST", "/products", { name: "Once" }, headers);
    const again = await m.sandbox.request<Product>("POST", "/products", { name: "Once" }, headers);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const rows = await query("select id from products where merchant_id = $1", [m.merchantId]);
    expect(rows).toHaveLength(1);
  });
});

describe("products: errors and tenancy", () => {
  it("refuses bad input with a catalog code and writes nothing", async () => {
    const m = await createMerchant();
    expectError(await m.sandbox.request("POST", "/products", {}), 400, "parameter_missing");
    expectError(
      await m.sandbox.request("POST", "/products", { name: "x".repeat(100_000) }),
      400,
      "parameter_invalid",
    );
    expectError(
      await m.sandbox.request("POST", "/products", { name: "a\u0000b" }),
      400,
      "parameter_characters_invalid",
    );
    expectError(
      await m.sandbox.request("POST", "/products", { name: "x", images: ["not a url"] }),
      400,
      "parameter_invalid",
    );
    expectError(
      await m.sandbox.request("POST", "/products", { name: "x", images: ["javascript:alert(1)"] }),
      400,
      "parameter_invalid",
    );
    const nine = Array.from({ length: 9 }, (_, i) => `https://example.com/${i}.png`);
    expectError(
      await m.sandbox.request("POST", "/products", { name: "x", images: nine }),
      400,
      "parameter_invalid",
    );
    expectError(
      await m.sandbox.request("POST", "/products", { name: "x", tax_code: "a b" }),
      400,
      "parameter_invalid",
    );
    expectError(
      await m.sandbox.request("POST", "/products", { name: "x", price: 1 }),
      400,
      "parameter_unknown",
    );
    expect(await query("select id from products where merchant_id = $1", [m.merchantId])).toHaveLength(0);
  });

  it("answers 404 for another merchant's product and for the other environment's", async () => {
    const [m, other] = await Promise.all([createMerchant(), createMerchant()]);
    const created = await m.sandbox.request<Product>("POST", "/products", { name: "Mine" });
    const id = created.body.id;
    expectError(await other.sandbox.request("GET", `/products/${id}`), 404, "resource_missing");
    expectError(
      await other.sandbox.request("PATCH", `/products/${id}`, { name: "x" }),
      404,
      "resource_missing",
    );
    expectError(await m.production.request("GET", `/products/${id}`), 404, "resource_missing");
    expectError(
      await m.production.request("PATCH", `/products/${id}`, { active: false }),
      404,
      "resource_missing",
    );
    expect((await m.production.request<{ data: Product[] }>("GET", "/products")).body.data).toEqual([]);
    expect((await m.sandbox.request<Product>("GET", `/products/${id}`)).body.name).toBe("Mine");
  });
});
