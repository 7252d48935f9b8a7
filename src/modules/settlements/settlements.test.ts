import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { baseUrl, type Client, createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { nodeServices } from "../../../test/node-services";
import type { Services } from "../../core/context";
import type { Settlement, SettlementItem, SettlementSchedule } from "./schemas";
import { reconcileSettlements, type SettlementReconciliation } from "./service";

/** Carries a report out of a transaction that must not commit. */
class RolledBack extends Error {
  constructor(readonly report: SettlementReconciliation) {
    super("rolled back");
  }
}

const DAY_S = 86_400;

let services: Services;

beforeAll(() => {
  services = nodeServices();
});

afterAll(async () => {
  await services.close();
});

/**
 * Runs settlement-run for one merchant through the dev functions route: on the request's clock
 * moved `offsetSeconds` ahead, in a schedule slot (`time`) no other run shares.
 */
async function runSettlement(merchantId: string, offsetSeconds: number): Promise<{ settlements: number }> {
  const slot = Date.UTC(2004, 0, 1) + Math.floor(Math.random() * 1_000_000) * 300_000;
  const response = await fetch(`${baseUrl()}/internal/dev/functions/settlement-run?time=${slot}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-test-clock-offset-seconds": String(offsetSeconds) },
    body: JSON.stringify({ merchant: merchantId }),
  });
  const outcome = (await response.json()) as { status: string; result: { settlements: number } };
  expect(outcome.status, JSON.stringify(outcome)).toBe("succeeded");
  return outcome.result;
}

async function pay(client: Client, amount: number, currency: string): Promise<string> {
  const paid = await client.request<{ id: string; status: string }>("POST", "/payments", {
    amount,
    currency,
    confirm: true,
    payment_method_data: {
      type: "card",
      card: { number: "4242424242424242", exp_month: 12, exp_year: 2040, cvc: "123" },
    },
  });
  expect(paid.body.status, paid.text).toBe("succeeded");
  return paid.body.id;
}

async function balances(merchantId: string, currency: string): Promise<Record<string, number>> {
  const rows = await query<{ kind: string; balance: string }>(
    "select kind, balance from ledger_accounts where merchant_id = $1 and environment = 'sandbox' and currency = $2",
    [merchantId, currency],
  );
  return Object.fromEntries(rows.map((row) => [row.kind, Number(row.balance)]));
}

async function settlementsOf(m: TestMerchant): Promise<Settlement[]> {
  const list = await m.sandbox.request<{ data: Settlement[] }>("GET", "/settlements?limit=100");
  expect(list.status, list.text).toBe(200);
  return list.body.data;
}

describe("settlement schedule", () => {
  it("is daily by default, and takes weekly on a weekday or a custom cron", async () => {
    const m = await createMerchant();
    const initial = await m.sandbox.request<SettlementSchedule>("GET", "/settlements/schedule");
    expect(initial.body).toMatchObject({ id: null, interval: "daily", cron: "0 0 * * *", timezone: "UTC" });
    expect(initial.body.next_run_at.endsWith("T00:00:00.000Z")).toBe(true);

    const weekly = await m.sandbox.request<SettlementSchedule>("POST", "/settlements/schedule", {
      interval: "weekly",
      weekly_anchor: "friday",
    });
    expect(weekly.status, weekly.text).toBe(200);
    expect(weekly.body).toMatchObject({ interval: "weekly", weekly_anchor: "friday", cron: "0 0 * * 5" });
    expect(new Date(weekly.body.next_run_at).getUTCDay()).toBe(5);

    const custom = await m.sandbox.request<SettlementSchedule>("POST", "/settlements/schedule", {
      interval: "custom",
      cron: "30 6 * * 1-5",
    });
    expect(custom.body).toMatchObject({ interval: "custom", weekly_anchor: null, cron: "30 6 * * 1-5" });
    expect((await m.sandbox.request<SettlementSchedule>("GET", "/settlements/schedule")).body).toMatchObject({
      id: weekly.body.id,
      cron: "30 6 * * 1-5",
    });
    // Production keeps its own schedule.
    expect((await m.production.request<SettlementSchedule>("GET", "/settlements/schedule")).body.cron).toBe(
      "0 0 * * *",
    );
    const events = await query<{ type: string }>(
      "select type from events where merchant_id = $1 and type = 'settlement_schedule.updated'",
      [m.merchantId],
    );
    expect(events).toHaveLength(2);
  });

  it("refuses bad input with a 4xx and a catalog code", async () => {
    const m = await createMerchant();
    const post = (body: unknown) => m.sandbox.request("POST", "/settlements/schedule", body);
    expectError(await post({ interval: "weekly" }), 400, "parameter_missing");
    expectError(await post({ interval: "daily", weekly_anchor: "monday" }), 400, "parameter_invalid");
    expectError(await post({ interval: "daily", cron: "0 1 * * *" }), 400, "parameter_invalid");
    expectError(await post({ interval: "custom" }), 400, "parameter_missing");
    for (const cron of ["* * * * *", "*/5 * * * *", "0 0 * *", "0 25 * * *", "0 0 * * * *", "nonsense"]) {
      const refused = await post({ interval: "custom", cron });
      expectError(refused, 400, "parameter_invalid");
    }
    expectError(await post({ interval: "hourly" }), 400, "parameter_invalid");
    expectError(await post({ interval: "weekly", weekly_anchor: "someday" }), 400, "parameter_invalid");
    expectError(await post({ interval: "daily", extra: 1 }), 400, "parameter_unknown");
    expect((await m.sandbox.request<SettlementSchedule>("GET", "/settlements/schedule")).body.id).toBeNull();
  });
});

describe("settlement-run", () => {
  it("settles matured funds once per currency and period, with totals equal to the ledger", async () => {
    const m = await createMerchant();
    const first = await pay(m.sandbox, 10_000, "USD");
    await pay(m.sandbox, 5_000, "USD");
    await pay(m.sandbox, 20_000, "EUR");
    // A refund before settlement draws from the payment's pending funds.
    const refund = await m.sandbox.request<{ id: string; status: string }>(
      "POST",
      `/payments/${first}/refunds`,
      {
        amount: 1_000,
      },
    );
    expect(refund.body.status, refund.text).toBe("succeeded");
    const pendingUsd = (await balances(m.merchantId, "USD")).merchant_pending ?? 0;
    const pendingEur = (await balances(m.merchantId, "EUR")).merchant_pending ?? 0;

    // Nothing has matured yet: the provider's settlement delay has not passed.
    expect(await runSettlement(m.merchantId, 0)).toMatchObject({ settlements: 0 });
    expect(await settlementsOf(m)).toEqual([]);

    // Four days on, the last daily period's end is past every available_on.
    expect(await runSettlement(m.merchantId, 4 * DAY_S)).toMatchObject({ settlements: 2 });
    // Again, and three at once in other slots: nothing more.
    await runSettlement(m.merchantId, 4 * DAY_S);
    await Promise.all([1, 2, 3].map(() => runSettlement(m.merchantId, 4 * DAY_S + 60)));
    const settled = await settlementsOf(m);
    expect(settled).toHaveLength(2);

    const usd = settled.find((row) => row.currency === "USD");
    const eur = settled.find((row) => row.currency === "EUR");
    if (!usd || !eur) throw new Error("a currency was not settled");
    const fees = await query<{ currency: string; fee: string }>(
      "select currency, sum(fee)::text as fee from payments where merchant_id = $1 group by currency",
      [m.merchantId],
    );
    const feeOf = (currency: string) => Number(fees.find((row) => row.currency === currency)?.fee);
    expect(usd).toMatchObject({
      gross: 15_000,
      refunds: 1_000,
      fees: feeOf("USD"),
      adjustments: 0,
      net: 15_000 - 1_000 - feeOf("USD"),
      charge_count: 2,
      refund_count: 1,
    });
    expect(eur).toMatchObject({ gross: 20_000, refunds: 0, fees: feeOf("EUR"), net: 20_000 - feeOf("EUR") });
    expect(usd.period_end.endsWith("T00:00:00.000Z")).toBe(true);
    expect(new Date(usd.period_end).getTime() - new Date(usd.period_start).getTime()).toBe(DAY_S * 1000);

    // The ledger: pending moved to available exactly by each net, in one posting per settlement.
    expect(usd.net).toBe(pendingUsd);
    expect(eur.net).toBe(pendingEur);
    expect(await balances(m.merchantId, "USD")).toMatchObject({
      merchant_pending: 0,
      merchant_available: usd.net,
    });
    expect(await balances(m.merchantId, "EUR")).toMatchObject({
      merchant_pending: 0,
      merchant_available: eur.net,
    });
    const posting = await m.sandbox.request<{ type: string; entries: { account: string; amount: number }[] }>(
      "GET",
      `/transactions/${usd.balance_transaction}`,
    );
    expect(posting.body.type).toBe("settlement");
    expect(posting.body.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ account: "pending", amount: -usd.net }),
        expect.objectContaining({ account: "available", amount: usd.net }),
      ]),
    );

    // Its balance transactions: two charges and the refund, whose nets add up to the settlement's.
    const items = await m.sandbox.request<{ data: SettlementItem[]; has_more: boolean }>(
      "GET",
      `/settlements/${usd.id}/transactions`,
    );
    expect(items.body.data.map((item) => item.reporting_category).sort()).toEqual([
      "charge",
      "charge",
      "refund",
    ]);
    expect(items.body.data.reduce((sum, item) => sum + item.net, 0)).toBe(usd.net);
    expect(items.body.data.find((item) => item.reporting_category === "refund")).toMatchObject({
      source: refund.body.id,
      gross: -1_000,
      net: -1_000,
    });
    const page = await m.sandbox.request<{ data: SettlementItem[]; has_more: boolean }>(
      "GET",
      `/settlements/${usd.id}/transactions?limit=2`,
    );
    expect(page.body.has_more).toBe(true);
    const next = await m.sandbox.request<{ data: SettlementItem[]; has_more: boolean }>(
      "GET",
      `/settlements/${usd.id}/transactions?limit=2&starting_after=${page.body.data[1]?.balance_transaction}`,
    );
    expect(next.body).toMatchObject({ has_more: false });
    expect(next.body.data).toHaveLength(1);

    // The payments are settled; settlement.created went out with each, and the invariants hold.
    const payment = await m.sandbox.request<{ settled: boolean }>("GET", `/payments/${first}`);
    expect(payment.body.settled).toBe(true);
    const events = await query<{ object_id: string }>(
      "select object_id from events where merchant_id = $1 and type = 'settlement.created'",
      [m.merchantId],
    );
    expect(events.map((row) => row.object_id).sort()).toEqual([usd.id, eur.id].sort());
    expect(await reconcileSettlements({ merchantId: m.merchantId }, services.db)).toEqual({
      settlements_checked: 2,
      violations: [],
    });
    // The check catches a settlement whose net no longer matches its posting (in a rolled-back transaction).
    const caught = await services
      .transaction(async (tx) => {
        await tx.execute(sql`update settlements set net = net + 1 where id = ${usd.id}`);
        const report = await reconcileSettlements({ merchantId: m.merchantId }, tx);
        throw new RolledBack(report);
      })
      .catch((error: unknown) => (error instanceof RolledBack ? error.report : Promise.reject(error)));
    expect(caught.violations).toEqual([
      {
        settlement_id: usd.id,
        net: usd.net + 1,
        ledger_net: usd.net,
        items_net: usd.net,
        totals_net: usd.net,
      },
    ]);
    expect((await reconcileSettlements({ merchantId: m.merchantId }, services.db)).violations).toEqual([]);
    const filtered = await m.sandbox.request<{ data: Settlement[] }>("GET", "/settlements?currency=EUR");
    expect(filtered.body.data.map((row) => row.id)).toEqual([eur.id]);
  });

  it("follows a weekly schedule: nothing until the anchor day's period ends", async () => {
    const m = await createMerchant();
    await pay(m.sandbox, 3_000, "USD");
    const now = Date.now();
    // The weekday three days from now: its 00:00 UTC is after available_on (two days), but before the run.
    const anchorDay = new Date(now + 3 * DAY_S * 1000).getUTCDay();
    const names = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
    await m.sandbox.request("POST", "/settlements/schedule", {
      interval: "weekly",
      weekly_anchor: names[anchorDay],
    });
    expect(await runSettlement(m.merchantId, 2 * DAY_S)).toMatchObject({ settlements: 0 });
    expect(await runSettlement(m.merchantId, 3 * DAY_S + 3_600)).toMatchObject({ settlements: 1 });
    const [settlement] = await settlementsOf(m);
    expect(new Date(settlement?.period_end ?? "").getUTCDay()).toBe(anchorDay);
    expect(
      new Date(settlement?.period_end ?? "").getTime() - new Date(settlement?.period_start ?? "").getTime(),
    ).toBe(7 * DAY_S * 1000);
  });

  it("exports a settlement as RFC 4180 CSV with the reconciliation columns", async () => {
    const m = await createMerchant();
    const paymentId = await pay(m.sandbox, 4_200, "USD");
    await runSettlement(m.merchantId, 4 * DAY_S);
    const [settlement] = await settlementsOf(m);
    if (!settlement) throw new Error("not settled");
    const csv = await fetch(`${baseUrl()}/api/v1/settlements/${settlement.id}/export.csv`, {
      headers: m.sandbox.headers,
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const lines = (await csv.text()).split("\r\n");
    expect(lines[0]).toBe(
      "balance_transaction_id,gross,fee,net,reporting_category,source_id,available_on,currency,created",
    );
    expect(lines).toHaveLength(3);
    expect(lines[2]).toBe("");
    const [id, gross, fee, net, category, source, availableOn, currency] = (lines[1] ?? "").split(",");
    expect(id?.startsWith("ltx_")).toBe(true);
    expect({ gross: Number(gross), net: Number(net), category, source, currency }).toEqual({
      gross: 4_200,
      net: 4_200 - Number(fee),
      category: "charge",
      source: paymentId,
      currency: "USD",
    });
    expect(Number.isNaN(Date.parse(availableOn ?? ""))).toBe(false);
  });

  it("streams a settlement larger than one export page, every item once, oldest first", async () => {
    const m = await createMerchant();
    await pay(m.sandbox, 1_000, "USD");
    await runSettlement(m.merchantId, 4 * DAY_S);
    const [settlement] = await settlementsOf(m);
    if (!settlement) throw new Error("not settled");
    // 4,500 more items in one statement, two per instant (ties the keyset must order by id):
    // more than two export pages of 2,000. Each nets 0 (its fee is its gross), so the settlement
    // still reconciles: ledger-invariants checks every settlement in the database.
    await query(
      `insert into settlement_items (id, settlement_id, merchant_id, environment, currency, reporting_category,
                                     source_id, gross, fee, net, available_on, created_at)
       select 'ltx_bulk_' || lpad(k::text, 5, '0'), $1, $2, 'sandbox', 'USD', 'charge', 'pay_bulk_' || k,
              100, 100, 0, now(), now() + interval '1 microsecond' * (k / 2)
         from generate_series(1, 4500) k`,
      [settlement.id, m.merchantId],
    );
    const csv = await fetch(`${baseUrl()}/api/v1/settlements/${settlement.id}/export.csv`, {
      headers: m.sandbox.headers,
    });
    expect(csv.status).toBe(200);
    const ids = (await csv.text())
      .split("\r\n")
      .slice(1, -1)
      .map((line) => line.split(",")[0]);
    expect(ids).toHaveLength(4_501);
    expect(new Set(ids).size).toBe(4_501);
    const bulk = ids.filter((id) => id?.startsWith("ltx_bulk_"));
    expect(bulk).toEqual([...bulk].sort());
    const reconciliation = await reconcileSettlements(
      { merchantId: m.merchantId, environment: "sandbox" },
      services.db,
    );
    expect(reconciliation.violations).toEqual([]);
  });

  it("answers another merchant's or environment's settlement with 404", async () => {
    const owner = await createMerchant();
    await pay(owner.sandbox, 1_500, "USD");
    await runSettlement(owner.merchantId, 4 * DAY_S);
    const [settlement] = await settlementsOf(owner);
    if (!settlement) throw new Error("not settled");
    const other = await createMerchant();
    for (const path of [
      `/settlements/${settlement.id}`,
      `/settlements/${settlement.id}/transactions`,
      `/settlements/${settlement.id}/export.csv`,
    ]) {
      expectError(await other.sandbox.request("GET", path), 404, "resource_missing");
      expectError(await owner.production.request("GET", path), 404, "resource_missing");
    }
    expect(await settlementsOf(other)).toEqual([]);
    expectError(await owner.sandbox.request("GET", "/settlements?limit=0"), 400, "parameter_invalid");
    expectError(await owner.sandbox.request("GET", "/settlements?currency=usd1"), 400, "currency_invalid");
  });
});
