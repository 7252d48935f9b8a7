import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { call, createMerchant, type TestMerchant } from "../../../test/harness";
import {
  advance,
  clockCustomer,
  getInvoice,
  monthlyPrice,
  newClock,
  subscribe,
} from "../subscriptions/testing";

interface Settlement {
  id: string;
  currency: string;
  period_end: string;
  gross: number;
  fees: number;
  net: number;
  charge_count: number;
  test_clock: string | null;
  created_at: string;
}

/** settlement-run for one merchant on real time moved `days` ahead, in a schedule slot of its own. */
async function runSettlementAhead(m: TestMerchant, days: number): Promise<number> {
  const slot = Date.UTC(2004, 0, 1) + Math.floor(Math.random() * 1_000_000) * 300_000;
  const run = await call<{ status: string; result: { settlements: number } }>(
    "POST",
    `/internal/dev/functions/settlement-run?time=${slot}`,
    { body: { merchant: m.merchantId }, headers: { "x-test-clock-offset-seconds": String(days * 86_400) } },
  );
  expect(run.body.status, run.text).toBe("succeeded");
  return run.body.result.settlements;
}

async function settlementsOf(m: TestMerchant): Promise<Settlement[]> {
  return (await m.sandbox.request<{ data: Settlement[] }>("GET", "/settlements?limit=100")).body.data;
}

async function balance(m: TestMerchant, kind: string): Promise<number> {
  const [row] = await query<{ balance: string }>(
    "select balance from ledger_accounts where merchant_id = $1 and environment = 'sandbox' and currency = 'USD' and kind = $2",
    [m.merchantId, kind],
  );
  return Number(row?.balance ?? 0);
}

describe("settlements on a test clock", () => {
  it("a clock's payments settle as the clock passes the merchant's schedule after they mature; real time leaves them alone", async () => {
    const m = await createMerchant();
    const clock = await newClock(m, "2027-03-01T12:00:00Z");
    const customer = await clockCustomer(m, clock);
    const sub = await subscribe(m, { customer, items: [{ price: await monthlyPrice(m, 900, "Team") }] });
    const invoice = await getInvoice(m, sub.latest_invoice);
    expect(invoice.status).toBe("paid");
    const payment = await m.sandbox.request<{ available_on: string; amount_received: number }>(
      "GET",
      `/payments/${invoice.payment}`,
    );
    const maturesAt = Date.parse(payment.body.available_on);
    expect(maturesAt).toBeGreaterThan(Date.parse("2027-03-01T12:00:00Z"));
    // The default schedule fires daily at 00:00 UTC: the first fire at or after maturity settles it.
    const fire = new Date(Math.ceil(maturesAt / 86_400_000) * 86_400_000);

    // Real time, even far past the payment's maturity, doesn't settle a clock's payment.
    expect(await runSettlementAhead(m, 500)).toBe(0);
    expect(await settlementsOf(m)).toEqual([]);

    await advance(m, clock, new Date(fire.getTime() - 3_600_000).toISOString());
    expect(await settlementsOf(m)).toEqual([]);
    const pendingBefore = await balance(m, "merchant_pending");
    expect(pendingBefore).toBeGreaterThan(0);

    await advance(m, clock, new Date(fire.getTime() + 6 * 3_600_000).toISOString());
    const [settlement, ...more] = await settlementsOf(m);
    expect(more).toEqual([]);
    expect(settlement).toMatchObject({
      currency: "USD",
      test_clock: clock,
      period_end: fire.toISOString(),
      created_at: fire.toISOString(),
      gross: 900,
      charge_count: 1,
    });
    expect(settlement?.net).toBe(900 - (settlement?.fees ?? 0));
    expect(await balance(m, "merchant_available")).toBe(settlement?.net);
    expect(await balance(m, "merchant_pending")).toBe(pendingBefore - (settlement?.net ?? 0));

    // Neither a later advance nor real time settles it again.
    await advance(m, clock, new Date(fire.getTime() + 3 * 86_400_000).toISOString());
    expect(await runSettlementAhead(m, 500)).toBe(0);
    expect(await settlementsOf(m)).toHaveLength(1);
  }, 120_000);
});
