import { describe, expect, it } from "vitest";
import { createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import type { Balance, BalanceChange } from "./schemas";

async function fund(m: TestMerchant, amount: number, currency = "EUR"): Promise<string> {
  const method = currency === "USD" ? "ach" : "wire";
  const declared = await m.sandbox.request<{ id: string }>("POST", "/funding/deposits", {
    amount,
    currency,
    method,
  });
  await m.sandbox.request("POST", `/sandbox/funding/deposits/${declared.body.id}/receive`);
  return declared.body.id;
}

describe("balances", () => {
  it("lists one balance per currency used, and zeros for a currency never used", async () => {
    const m = await createMerchant();
    const empty = await m.sandbox.request<{ object: string; data: Balance[]; has_more: boolean }>(
      "GET",
      "/balances",
    );
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ object: "list", data: [], has_more: false });
    expect((await m.sandbox.request<Balance>("GET", "/balances/JPY")).body).toEqual({
      object: "balance",
      environment: "sandbox",
      currency: "JPY",
      available: 0,
      pending: 0,
      reserved: 0,
    });

    await fund(m, 1_500);
    await fund(m, 700, "USD");
    await fund(m, 300);
    const list = await m.sandbox.request<{ data: Balance[] }>("GET", "/balances");
    expect(list.body.data).toEqual([
      {
        object: "balance",
        environment: "sandbox",
        currency: "EUR",
        available: 1_800,
        pending: 0,
        reserved: 0,
      },
      { object: "balance", environment: "sandbox", currency: "USD", available: 700, pending: 0, reserved: 0 },
    ]);
    expect((await m.sandbox.request<Balance>("GET", "/balances/USD")).body.available).toBe(700);
  });

  it("shows the history of postings that moved a balance, with the balance after each, paginated", async () => {
    const m = await createMerchant();
    const first = await fund(m, 1_000);
    const second = await fund(m, 250);
    const history = await m.sandbox.request<{ data: BalanceChange[]; has_more: boolean }>(
      "GET",
      "/balances/EUR/history?balance=available",
    );
    expect(history.status).toBe(200);
    expect(history.body.data.map((c) => [c.source_object_id, c.amount, c.balance_after])).toEqual([
      [second, 250, 1_250],
      [first, 1_000, 1_000],
    ]);
    expect(history.body.data[0]).toMatchObject({
      object: "balance_change",
      environment: "sandbox",
      currency: "EUR",
      balance: "available",
      type: "funding",
    });
    expect(history.body.data[0]?.id).toMatch(/^len_/);
    expect(history.body.data[0]?.transaction).toMatch(/^ltx_/);

    // Each deposit passes through pending: in (+) and out (-), then into available.
    const all = await m.sandbox.request<{ data: BalanceChange[] }>("GET", "/balances/EUR/history");
    expect(all.body.data).toHaveLength(6);
    const pendingMoves = all.body.data.filter((c) => c.balance === "pending").map((c) => c.amount);
    expect(pendingMoves.sort((a, b) => a - b)).toEqual([-1_000, -250, 250, 1_000]);

    const page1 = await m.sandbox.request<{ data: BalanceChange[]; has_more: boolean }>(
      "GET",
      "/balances/EUR/history?limit=4",
    );
    expect(page1.body.has_more).toBe(true);
    const last = page1.body.data.at(-1)?.id;
    const page2 = await m.sandbox.request<{ data: BalanceChange[]; has_more: boolean }>(
      "GET",
      `/balances/EUR/history?limit=4&starting_after=${last}`,
    );
    expect(page2.body.has_more).toBe(false);
    expect([...page1.body.data, ...page2.body.data].map((c) => c.id)).toEqual(all.body.data.map((c) => c.id));
    expect(
      (await m.sandbox.request<{ data: BalanceChange[] }>("GET", "/balances/USD/history")).body.data,
    ).toEqual([]);
  });

  it("refuses bad currencies, balances and cursors with a code", async () => {
    const m = await createMerchant();
    expectError(await m.sandbox.request("GET", "/balances/eur"), 400, "currency_invalid");
    expectError(await m.sandbox.request("GET", "/balances/XYZ"), 400, "currency_invalid");
    expectError(await m.sandbox.request("GET", "/balances/XYZ/history"), 400, "currency_invalid");
    expectError(
      await m.sandbox.request("GET", "/balances/EUR/history?balance=savings"),
      400,
      "parameter_invalid",
    );
    expectError(
      await m.sandbox.request("GET", "/balances/EUR/history?starting_after=len_nope"),
      400,
      "cursor_invalid",
    );
  });

  it("keeps merchants and environments apart, including history cursors", async () => {
    const [m, other] = await Promise.all([createMerchant(), createMerchant()]);
    await fund(m, 900);
    const history = await m.sandbox.request<{ data: BalanceChange[] }>("GET", "/balances/EUR/history");
    const cursor = history.body.data[0]?.id;
    expect((await other.sandbox.request<{ data: Balance[] }>("GET", "/balances")).body.data).toEqual([]);
    expect((await other.sandbox.request<Balance>("GET", "/balances/EUR")).body.available).toBe(0);
    expect((await m.production.request<Balance>("GET", "/balances/EUR")).body).toMatchObject({
      environment: "production",
      available: 0,
    });
    expect(
      (await m.production.request<{ data: BalanceChange[] }>("GET", "/balances/EUR/history")).body.data,
    ).toEqual([]);
    expectError(
      await other.sandbox.request("GET", `/balances/EUR/history?starting_after=${cursor}`),
      400,
      "cursor_invalid",
    );
    expectError(
      await m.production.request("GET", `/balances/EUR/history?starting_after=${cursor}`),
      400,
      "cursor_invalid",
    );
  });
});
