import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createMerchant, expectError } from "../../../test/harness";
import { eventTypeCatalog } from "./catalog";

interface EventBody {
  id: string;
  object: string;
  type: string;
  environment: string;
  created_at: string;
  api_version: string;
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> };
}

interface EventList {
  object: string;
  data: EventBody[];
  has_more: boolean;
}

describe("events API", () => {
  it("lists, filters and retrieves events in the documented shape", async () => {
    const m = await createMerchant();
    const created = await m.sandbox.request<{ id: string }>("POST", "/customers", { name: "Ada" });
    const customerId = created.body.id;
    await m.sandbox.request("PATCH", `/customers/${customerId}`, { name: "Ada King" });
    const other = await m.sandbox.request<{ id: string }>("POST", "/customers", { name: "Bob" });

    const all = await m.sandbox.request<EventList>("GET", "/events?type=customer.*");
    expect(all.status).toBe(200);
    expect(all.body.object).toBe("list");
    expect(all.body.data.map((event) => [event.type, event.data.object.id])).toEqual([
      ["customer.created", other.body.id],
      ["customer.updated", customerId],
      ["customer.created", customerId],
    ]);
    const updated = all.body.data[1];
    expect(updated).toMatchObject({
      object: "event",
      environment: "sandbox",
      api_version: "2026-11-01",
      data: { object: { id: customerId, name: "Ada King" }, previous_attributes: { name: "Ada" } },
    });
    expect(updated?.id).toMatch(/^evt_/);
    expect(all.body.data[0]?.data).not.toHaveProperty("previous_attributes");

    const retrieved = await m.sandbox.request<EventBody>("GET", `/events/${updated?.id}`);
    expect(retrieved.body).toEqual(updated);

    const exact = await m.sandbox.request<EventList>("GET", "/events?type=customer.updated");
    expect(exact.body.data.map((event) => event.id)).toEqual([updated?.id]);
    const byObject = await m.sandbox.request<EventList>("GET", `/events?object_id=${customerId}`);
    expect(byObject.body.data.map((event) => event.type)).toEqual(["customer.updated", "customer.created"]);
    const page = await m.sandbox.request<EventList>("GET", "/events?type=customer.*&limit=2");
    expect(page.body.has_more).toBe(true);
    const next = await m.sandbox.request<EventList>(
      "GET",
      `/events?type=customer.*&limit=2&starting_after=${page.body.data[1]?.id}`,
    );
    expect(next.body.data.map((event) => event.id)).toEqual([all.body.data[2]?.id]);
    const future = encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString());
    expect((await m.sandbox.request<EventList>("GET", `/events?created_gte=${future}`)).body.data).toEqual(
      [],
    );
    const none = await m.sandbox.request<EventList>("GET", "/events?type=payment.*");
    expect(none.body.data).toEqual([]);

    expectError(await m.sandbox.request("GET", "/events?type=Not%20A%20Type"), 400, "parameter_invalid");
    expectError(await m.sandbox.request("GET", "/events/evt_nope"), 404, "resource_missing");
    // Production sees none of the sandbox events.
    const production = await m.production.request<EventList>("GET", "/events");
    expect(production.body.data.filter((event) => event.type.startsWith("customer."))).toEqual([]);
    expectError(await m.production.request("GET", `/events/${updated?.id}`), 404, "resource_missing");
  });

  it("serves the event type catalog at /events/types (not taken for an event id)", async () => {
    const m = await createMerchant();
    const types = await m.sandbox.request<{
      object: string;
      data: Array<{ type: string; object_type: string }>;
    }>("GET", "/events/types");
    expect(types.status).toBe(200);
    expect(types.body.object).toBe("list");
    const names = types.body.data.map((entry) => entry.type);
    for (const expected of [
      "customer.created",
      "customer.updated",
      "customer.deleted",
      "api_key.created",
      "api_key.rolled",
      "api_key.revoked",
      "webhook_endpoint.disabled",
      "webhook.test",
      "payment.succeeded",
      "refund.created",
    ]) {
      expect(names).toContain(expected);
    }
    expect(new Set(names).size).toBe(names.length);
    expect(types.body.data.find((entry) => entry.type === "customer.created")?.object_type).toBe("customer");
  });

  it("the catalog names every event type the code records", () => {
    const root = fileURLToPath(new URL("../..", import.meta.url));
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (name.endsWith(".ts") && !name.endsWith(".test.ts")) files.push(path);
      }
    };
    walk(root);
    const catalog = new Set(eventTypeCatalog.map((entry) => entry.type));
    // Literal types in recordChange calls, `type:` fields (change records built for changeStatement,
    // writeSubscription and the like, a ternary's branches included) and `event:` options, and the values
    // of `...Events` maps (a status-to-event table). A type built at run time must still be listed by hand.
    const recorded = new Set<string>();
    const eventType = /"([a-z_]+(?:\.[a-z_]+)+)"/g;
    for (const file of files) {
      const source = readFileSync(file, "utf8");
      for (const match of source.matchAll(/recordChange\([\s\S]{0,300}?type: "([a-z_]+(?:\.[a-z_]+)+)"/g)) {
        if (match[1]) recorded.add(match[1]);
      }
      for (const field of source.matchAll(/\btype:\s*[^,;{}]{0,200}/g)) {
        for (const match of field[0].matchAll(eventType)) if (match[1]) recorded.add(match[1]);
      }
      for (const match of source.matchAll(/\bevent: "([a-z_]+(?:\.[a-z_]+)+)"/g)) {
        if (match[1]) recorded.add(match[1]);
      }
      for (const block of source.matchAll(/Events\b[^=\n]*=\s*\{([^}]*)\}/g)) {
        for (const match of (block[1] ?? "").matchAll(eventType)) if (match[1]) recorded.add(match[1]);
      }
    }
    expect(recorded.size).toBeGreaterThan(5);
    expect([...recorded].filter((type) => !catalog.has(type))).toEqual([]);
  });
});
