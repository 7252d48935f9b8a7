import { describe, expect, it } from "vitest";
import { createMerchant, expectError } from "../../../test/harness";
import { clockCustomer, monthlyPrice, newClock, subscribe } from "../subscriptions/testing";

interface TestClock {
  id: string;
  object: string;
  status: string;
  frozen_time: string;
  deletes_after: string;
  created_at: string;
}

describe("test clocks", () => {
  it("creates, reads, lists, advances forward only and deletes, in sandbox only", async () => {
    const m = await createMerchant();
    const created = await m.sandbox.request<TestClock>("POST", "/test-clocks", {
      frozen_time: "2027-01-01T00:00:00Z",
      name: "January",
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      object: "test_clock",
      status: "ready",
      frozen_time: "2027-01-01T00:00:00.000Z",
    });
    expect(created.body.id).toMatch(/^clock_/);
    expect(Date.parse(created.body.deletes_after) - Date.parse(created.body.created_at)).toBe(7 * 86_400_000);
    const id = created.body.id;
    expect((await m.sandbox.request<TestClock>("GET", `/test-clocks/${id}`)).body.id).toBe(id);
    const list = await m.sandbox.request<{ data: TestClock[] }>("GET", "/test-clocks");
    expect(list.body.data.map((clock) => clock.id)).toEqual([id]);

    expectError(
      await m.sandbox.request("POST", `/test-clocks/${id}/advance`, { frozen_time: "2026-12-31T00:00:00Z" }),
      400,
      "test_clock_time_invalid",
    );
    expectError(
      await m.sandbox.request("POST", `/test-clocks/${id}/advance`, { frozen_time: "2027-01-01T00:00:00Z" }),
      400,
      "test_clock_time_invalid",
    );
    expectError(
      await m.sandbox.request("POST", `/test-clocks/${id}/advance`, { frozen_time: "tomorrow" }),
      400,
      "parameter_invalid",
    );
    const moved = await m.sandbox.request<TestClock>("POST", `/test-clocks/${id}/advance`, {
      frozen_time: "2027-01-05T00:00:00Z",
    });
    expect(moved.body).toMatchObject({ status: "ready", frozen_time: "2027-01-05T00:00:00.000Z" });

    expectError(
      await m.production.request("POST", "/test-clocks", { frozen_time: "2027-01-01T00:00:00Z" }),
      403,
      "sandbox_only",
    );
    expectError(await m.production.request("GET", "/test-clocks"), 403, "sandbox_only");
    expectError(
      await m.sandbox.request("POST", "/customers", { test_clock: "clock_missing" }),
      404,
      "resource_missing",
    );
    expectError(
      await m.production.request("POST", "/customers", { test_clock: id }),
      404,
      "resource_missing",
    );

    const deleted = await m.sandbox.request("DELETE", `/test-clocks/${id}`);
    expect(deleted.body).toEqual({ id, object: "test_clock", deleted: true });
    expectError(await m.sandbox.request("GET", `/test-clocks/${id}`), 404, "resource_missing");
  }, 120_000);

  it("two advances of one clock at once: one moves it, the other is 409 test_clock_advancing", async () => {
    const m = await createMerchant();
    const clock = await newClock(m, "2027-02-01T00:00:00Z");
    const customer = await clockCustomer(m, clock);
    await subscribe(m, { customer, items: [{ price: await monthlyPrice(m, 700, "Basic") }] });
    const answers = await Promise.all(
      ["2027-03-02T00:00:00Z", "2027-03-02T00:00:00Z"].map((frozen_time) =>
        m.sandbox.request("POST", `/test-clocks/${clock}/advance`, { frozen_time }),
      ),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses[0]).toBe(200);
    // The loser either found the clock advancing (409) or, once ready, already at that time (400).
    expect([400, 409]).toContain(statuses[1]);
    const invoices = await m.sandbox.request<{ data: unknown[] }>("GET", `/invoices?customer=${customer}`);
    expect(invoices.body.data.length).toBe(2);
  }, 120_000);

  it("two clocks advancing at once each renew only their own subscription, once", async () => {
    const m = await createMerchant();
    const clocks = await Promise.all([
      newClock(m, "2027-02-01T00:00:00Z"),
      newClock(m, "2027-02-01T00:00:00Z"),
    ]);
    const customers = await Promise.all(clocks.map((clock) => clockCustomer(m, clock)));
    const prices = [await monthlyPrice(m, 700, "Basic"), await monthlyPrice(m, 1100, "Plus")];
    await Promise.all(
      customers.map((customer, index) => subscribe(m, { customer, items: [{ price: prices[index] }] })),
    );
    // Past the renewal and its draft's hour, both at once.
    const answers = await Promise.all(
      clocks.map((clock) =>
        m.sandbox.request<TestClock>("POST", `/test-clocks/${clock}/advance`, {
          frozen_time: "2027-03-01T02:00:00Z",
        }),
      ),
    );
    expect(answers.map((answer) => [answer.status, answer.body.status])).toEqual([
      [200, "ready"],
      [200, "ready"],
    ]);
    for (const [index, customer] of customers.entries()) {
      const invoices = await m.sandbox.request<{ data: Array<{ status: string; total: number }> }>(
        "GET",
        `/invoices?customer=${customer}`,
      );
      const total = index === 0 ? 700 : 1100;
      expect(invoices.body.data.map((invoice) => [invoice.status, invoice.total])).toEqual([
        ["paid", total],
        ["paid", total],
      ]);
    }
  }, 120_000);

  it("one advance goes at most two intervals of the shortest live subscription on the clock", async () => {
    const m = await createMerchant();
    const clock = await newClock(m, "2027-01-31T00:00:00Z");
    const advance = (frozen_time: string) =>
      m.sandbox.request("POST", `/test-clocks/${clock}/advance`, { frozen_time });
    // No subscription yet: any forward advance.
    expect((await advance("2027-03-31T00:00:00Z")).status).toBe(200);
    const customer = await clockCustomer(m, clock);
    const sub = await subscribe(m, { customer, items: [{ price: await monthlyPrice(m, 700, "Basic") }] });
    // Two months from Mar 31 is May 31; a second past it is refused, and the clock does not move.
    const refused = await advance("2027-05-31T00:00:01Z");
    expectError(refused, 400, "test_clock_time_invalid");
    expect(refused.text).toContain("2027-05-31T00:00:00.000Z");
    expect((await m.sandbox.request<TestClock>("GET", `/test-clocks/${clock}`)).body).toMatchObject({
      status: "ready",
      frozen_time: "2027-03-31T00:00:00.000Z",
    });
    expect((await advance("2027-05-31T00:00:00Z")).status).toBe(200);
    const invoices = await m.sandbox.request<{ data: unknown[] }>("GET", `/invoices?customer=${customer}`);
    expect(invoices.body.data.length).toBe(3);
    // Once it has ended, the subscription no longer limits the clock.
    expect((await m.sandbox.request("POST", `/subscriptions/${sub.id}/cancel`, {})).status).toBe(200);
    expect((await advance("2028-05-31T00:00:00Z")).status).toBe(200);
  }, 120_000);
});
