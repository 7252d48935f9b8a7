import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { runFunctionFor } from "../../../test/verifications";
import { generateBankDetails } from "../../core/bank-details";
import { holidayCalendars, holidaysIn } from "../../core/rails";
import { ibanAccount } from "../bank-accounts/test-accounts";
import { balances, fund, verifiedAccount } from "../bank-transfers/bank-transfers-testing";
import { swiftFees } from "../bank-transfers/fees";
import { buy } from "../fx/fx-testing";
import { advance, newClock } from "../subscriptions/testing";
import { eventTypes, payoutPostings, setSchedule } from "./payouts-testing";
import type { Payout } from "./schemas";

const chAccount = () => ({ ...ibanAccount("CH"), currency: "CHF" });

function jpAccount() {
  const details = generateBankDetails("JP");
  return {
    account_holder_name: "Ada KK",
    account_holder_type: "company",
    country: "JP",
    currency: "JPY",
    bank_code: details.routing.bank_code,
    branch_code: details.routing.branch_code,
    account_number: details.accountNumber,
  };
}

async function create(m: TestMerchant, body: Record<string, unknown>) {
  return m.sandbox.request<Payout>("POST", "/payouts", body);
}

async function retrieve(m: TestMerchant, id: string): Promise<Payout> {
  const res = await m.sandbox.request<Payout>("GET", `/payouts/${id}`);
  expect(res.status, res.text).toBe(200);
  return res.body;
}

async function payoutsOf(m: TestMerchant): Promise<Payout[]> {
  const list = await m.sandbox.request<{ data: Payout[] }>("GET", "/payouts?limit=100");
  expect(list.status, list.text).toBe(200);
  return list.body.data;
}

/** The reservation's entries by ledger account kind. */
async function reservation(payout: Payout): Promise<Record<string, number>> {
  const rows = await query<{ kind: string; amount: string }>(
    `select a.kind, e.amount from ledger_entries e
       join ledger_transactions t on t.id = e.transaction_id
       join ledger_accounts a on a.id = e.account_id
      where t.source = $1`,
    [`payout:${payout.id}:reserved`],
  );
  return Object.fromEntries(rows.map((row) => [row.kind, Number(row.amount)]));
}

describe("payouts by SWIFT", () => {
  it("a CHF payout to a Swiss IBAN waits out Christmas and the weekend, leaves at Zurich's cut-off and is paid that day, both fees reserved", async () => {
    expect(holidaysIn(holidayCalendars.ch, 2026)).toEqual(
      expect.arrayContaining(["2026-12-25", "2026-12-26"]),
    );
    const m = await createMerchant();
    const account = await verifiedAccount(m, chAccount());
    const francs = await buy(m, "CHF", 200_000);
    // Thursday 24 December, 15:00 in Zurich: after SIC's 14:00 cut-off, before two holidays and a weekend.
    const clock = await newClock(m, "2026-12-24T14:00:00Z");
    const created = await create(m, {
      amount: 100_000,
      currency: "CHF",
      destination: account,
      test_clock: clock,
    });
    expect(created.status, created.text).toBe(200);
    const { fee, correspondent } = swiftFees.CHF;
    expect(fee + correspondent).toBe(3_500);
    expect(created.body).toMatchObject({
      status: "pending",
      method: "standard",
      rail: "swift",
      fee: 3_500,
      arrival_date: "2026-12-28",
    });
    expect(await reservation(created.body)).toEqual({
      merchant_available: -103_500,
      payouts_in_transit: 100_000,
      fees: 3_500,
    });
    expect((await balances(m, "CHF")).merchant_available).toBe(francs - 103_500);

    await advance(m, clock, "2026-12-28T12:59:00Z");
    expect((await retrieve(m, created.body.id)).status).toBe("pending");
    // Monday 28 December, 14:00 in Zurich: it leaves and, the same SIC day, arrives.
    await advance(m, clock, "2026-12-29T00:00:00Z");
    expect(await retrieve(m, created.body.id)).toMatchObject({
      status: "paid",
      submitted_at: "2026-12-28T13:00:00.000Z",
      paid_at: "2026-12-28T13:00:00.000Z",
    });
    expect(await eventTypes(created.body.id)).toEqual(["payout.created", "payout.in_transit", "payout.paid"]);
    // Final once paid: no return window, nothing posted after the reservation.
    await advance(m, clock, "2027-01-08T00:00:00Z");
    expect((await retrieve(m, created.body.id)).status).toBe("paid");
    expect(await payoutPostings(m)).toEqual([`payout:${created.body.id}:reserved`]);
    expect(await balances(m, "CHF")).toMatchObject({
      merchant_available: francs - 103_500,
      payouts_in_transit: 100_000,
    });
  }, 120_000);

  it("a JPY payout leaves at Tokyo's cut-off after National Foundation Day and is paid the next Japanese business day, fees to the yen", async () => {
    expect(holidaysIn(holidayCalendars.jp, 2027)).toContain("2027-02-11");
    const m = await createMerchant();
    const account = await verifiedAccount(m, jpAccount());
    const yen = await buy(m, "JPY", 100_000);
    // Wednesday 10 February, 15:00 in Tokyo: after the 14:00 cut-off; Thursday is a holiday.
    const clock = await newClock(m, "2027-02-10T06:00:00Z");
    const created = await create(m, {
      amount: 50_000,
      currency: "JPY",
      destination: account,
      test_clock: clock,
    });
    expect(created.status, created.text).toBe(200);
    expect(created.body).toMatchObject({ rail: "swift", fee: 5_500, arrival_date: "2027-02-15" });
    expect(await reservation(created.body)).toEqual({
      merchant_available: -55_500,
      payouts_in_transit: 50_000,
      fees: 5_500,
    });

    // Friday 12 February, 14:00 in Tokyo: in transit.
    await advance(m, clock, "2027-02-12T06:00:00Z");
    expect(await retrieve(m, created.body.id)).toMatchObject({
      status: "in_transit",
      submitted_at: "2027-02-12T05:00:00.000Z",
    });
    // Monday 15 February begins in Tokyo: paid.
    await advance(m, clock, "2027-02-16T00:00:00Z");
    expect(await retrieve(m, created.body.id)).toMatchObject({
      status: "paid",
      paid_at: "2027-02-14T15:00:00.000Z",
    });
    expect((await balances(m, "JPY")).merchant_available).toBe(yen - 55_500);
  }, 120_000);

  it("refuses an instant CHF payout, a currency the account does not hold, an amount over SWIFT's limit and one the fee overdraws, reserving nothing", async () => {
    const m = await createMerchant();
    const account = await verifiedAccount(m, chAccount());
    const francs = await buy(m, "CHF", 100_000);
    const payout = { amount: 1_000, currency: "CHF", destination: account };
    const instant = await create(m, { ...payout, method: "instant" });
    expectError(instant, 400, "payout_rail_unavailable");
    expect(instant.text).toContain('"param":"method"');
    const mismatch = await create(m, { ...payout, currency: "JPY" });
    expectError(mismatch, 400, "currency_unsupported");
    const over = await create(m, { ...payout, amount: 1_000_000_001 });
    expectError(over, 400, "rail_limit_exceeded");
    expect(over.text).toContain('"param":"amount"');
    // The balance covers the amount but not the amount and the wire fees.
    expectError(await create(m, { ...payout, amount: francs - 3_499 }), 402, "insufficient_funds");
    expect(await payoutsOf(m)).toEqual([]);
    expect(await payoutPostings(m)).toEqual([]);
    expect((await balances(m, "CHF")).merchant_available).toBe(francs);

    const exact = await create(m, { ...payout, amount: francs - 3_500 });
    expect(exact.status, exact.text).toBe(200);
    expect((await balances(m, "CHF")).merchant_available).toBe(0);
  });
});

describe("automatic payouts in a SWIFT currency", () => {
  const DAY_S = 86_400;

  async function runAutomatic(m: TestMerchant, days: number): Promise<Record<string, number>> {
    const outcome = await runFunctionFor("payout-automatic", { merchant: m.merchantId }, days * DAY_S);
    expect(outcome.status, JSON.stringify(outcome)).toBe("succeeded");
    return outcome.result as Record<string, number>;
  }

  it("an instant schedule pays the CHF balance by SWIFT, standard, less the wire fees, and EUR instant", async () => {
    const m = await createMerchant();
    await verifiedAccount(m, chAccount());
    await verifiedAccount(m, ibanAccount());
    const francs = await buy(m, "CHF", 100_000);
    await fund(m, "EUR", 10_100);
    // The CHF minimum is held to SWIFT's limit, the rail the instant schedule pays CHF by.
    const tooHigh = await m.sandbox.request("POST", "/payouts/schedule", {
      interval: "daily",
      method: "instant",
      minimum_amounts: { CHF: 1_000_000_001 },
    });
    expectError(tooHigh, 400, "rail_limit_exceeded");
    await setSchedule(m, { interval: "daily", method: "instant", minimum_amounts: { CHF: 500 } });
    expect(await runAutomatic(m, 1)).toMatchObject({ payouts: 2, refused: 0 });
    const byCurrency = Object.fromEntries((await payoutsOf(m)).map((row) => [row.currency, row]));
    expect(byCurrency.CHF).toMatchObject({
      method: "standard",
      rail: "swift",
      amount: francs - 3_500,
      fee: 3_500,
      automatic: true,
    });
    expect(byCurrency.EUR).toMatchObject({
      method: "instant",
      rail: "sepa_instant",
      amount: 10_000,
      fee: 100,
    });
    expect(await balances(m, "CHF")).toMatchObject({
      merchant_available: 0,
      payouts_in_transit: francs - 3_500,
    });
  });

  it("a CHF balance the wire fees would eat whole is not due: nothing paid, nothing refused", async () => {
    const m = await createMerchant();
    await verifiedAccount(m, chAccount());
    const francs = await buy(m, "CHF", 30);
    expect(francs).toBeGreaterThan(0);
    expect(francs).toBeLessThanOrEqual(3_500);
    await setSchedule(m, { interval: "daily" });
    expect(await runAutomatic(m, 1)).toMatchObject({ payouts: 0, refused: 0, skipped_no_destination: 0 });
    expect((await balances(m, "CHF")).merchant_available).toBe(francs);
  });
});
