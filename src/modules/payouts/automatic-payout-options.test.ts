import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createMerchant, type TestMerchant } from "../../../test/harness";
import { runFunctionFor } from "../../../test/verifications";
import { rails } from "../../core/rails";
import { ibanAccount, usAccount } from "../bank-accounts/test-accounts";
import { balances, fund, verifiedAccount } from "../bank-transfers/bank-transfers-testing";
import { largestPayout } from "./automatic";
import { payoutFee, payoutRail } from "./create";
import { setSchedule } from "./payouts-testing";
import type { Payout } from "./schemas";

const DAY_S = 86_400;
const TODAY = Math.floor(Date.now() / (DAY_S * 1000)) * DAY_S * 1000;

/** The clock offset (seconds) to `hour`:00 UTC `days` after today. */
const at = (days: number, hour: number) =>
  Math.round((TODAY + (days * 24 + hour) * 3_600_000 - Date.now()) / 1000);

async function runAutomatic(m: TestMerchant, offsetSeconds: number): Promise<Record<string, number>> {
  const outcome = await runFunctionFor("payout-automatic", { merchant: m.merchantId }, offsetSeconds);
  expect(outcome.status, JSON.stringify(outcome)).toBe("succeeded");
  return outcome.result as Record<string, number>;
}

async function payoutsOf(m: TestMerchant): Promise<Payout[]> {
  const list = await m.sandbox.request<{ data: Payout[] }>("GET", "/payouts?limit=100");
  expect(list.status, list.text).toBe(200);
  return list.body.data;
}

describe("largestPayout", () => {
  it("is the largest amount whose amount + fee the balance covers, within the rail's maximum", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 99_999_999_999 }),
        fc.constantFrom(
          ["USD", "standard"] as const,
          ["USD", "instant"] as const,
          ["GBP", "instant"] as const,
          ["CHF", "standard"] as const,
          ["JPY", "standard"] as const,
          ["HKD", "standard"] as const,
        ),
        (balance, [currency, method]) => {
          const { maxAmount } = payoutRail(currency, method);
          const fee = (amount: number) => payoutFee(currency, method, amount);
          const amount = largestPayout(balance, currency, method);
          expect(amount).toBeGreaterThanOrEqual(0);
          expect(amount).toBeLessThanOrEqual(maxAmount);
          if (amount > 0) expect(amount + fee(amount)).toBeLessThanOrEqual(balance);
          if (amount < maxAmount) expect(amount + 1 + fee(amount + 1)).toBeGreaterThan(balance);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe("payout-automatic options", () => {
  it("a per-currency minimum wins for its currency; the single minimum stays the default for the others", async () => {
    const m = await createMerchant();
    await verifiedAccount(m, usAccount());
    await verifiedAccount(m, ibanAccount());
    await fund(m, "USD", 600);
    await fund(m, "EUR", 4_999);
    await setSchedule(m, { interval: "daily", minimum_amount: 5_000, minimum_amounts: { USD: 500 } });
    expect(await runAutomatic(m, at(1, 1))).toMatchObject({ payouts: 1 });
    expect((await payoutsOf(m)).map((row) => [row.currency, row.amount])).toEqual([["USD", 600]]);
    expect((await balances(m, "EUR")).merchant_available).toBe(4_999);

    // A per-currency minimum above the balance holds that currency even when the default would pay it.
    await setSchedule(m, { interval: "daily", minimum_amount: 0, minimum_amounts: { EUR: 5_000 } });
    expect(await runAutomatic(m, at(2, 1))).toMatchObject({ payouts: 0 });
    expect((await balances(m, "EUR")).merchant_available).toBe(4_999);
  });

  it("an instant schedule pays out on the instant rail with its fee from the balance, capped at the rail's limit", async () => {
    const m = await createMerchant();
    await verifiedAccount(m, usAccount());
    await verifiedAccount(m, ibanAccount());
    await fund(m, "USD", 10_100);
    const instantMax = rails.sepa_instant.maxAmount;
    await fund(m, "EUR", instantMax + 150_000);
    await setSchedule(m, { interval: "daily", method: "instant" });
    expect(await runAutomatic(m, at(1, 1))).toMatchObject({ payouts: 2, refused: 0 });
    const byCurrency = Object.fromEntries((await payoutsOf(m)).map((row) => [row.currency, row]));
    expect(byCurrency.USD).toMatchObject({
      method: "instant",
      rail: "ach_same_day",
      amount: 10_000,
      fee: 100,
      automatic: true,
    });
    expect(byCurrency.EUR).toMatchObject({
      method: "instant",
      rail: "sepa_instant",
      amount: instantMax,
      fee: instantMax / 100,
    });
    expect(await balances(m, "USD")).toMatchObject({ merchant_available: 0, payouts_in_transit: 10_000 });
    // What the rail could not carry (less the fee) waits for the next period.
    expect((await balances(m, "EUR")).merchant_available).toBe(150_000 - instantMax / 100);
  });

  it("delay_days pays out only funds that reached available at least that many days before the run", async () => {
    const m = await createMerchant();
    await verifiedAccount(m, usAccount());
    await setSchedule(m, { interval: "daily", delay_days: 2 });
    await fund(m, "USD", 1_000);
    const fromNow = (days: number, hours: number) => days * DAY_S + hours * 3_600;
    // A day later the funds are a day old: nothing is payable.
    expect(await runAutomatic(m, fromNow(1, 1))).toMatchObject({ payouts: 0 });

    // Funds that arrive two days later are newer than the delay when the first ones are old enough.
    const deposit = await m.sandbox.request<{ id: string }>(
      "POST",
      "/funding/deposits",
      { amount: 700, currency: "USD", method: "ach" },
      { "x-test-clock-offset-seconds": String(fromNow(2, 0)) },
    );
    expect(deposit.status, deposit.text).toBe(200);
    const received = await m.sandbox.request(
      "POST",
      `/sandbox/funding/deposits/${deposit.body.id}/receive`,
      undefined,
      { "x-test-clock-offset-seconds": String(fromNow(2, 0)) },
    );
    expect(received.status, received.text).toBe(200);
    expect((await balances(m, "USD")).merchant_available).toBe(1_700);

    expect(await runAutomatic(m, fromNow(2, 1))).toMatchObject({ payouts: 1 });
    expect((await payoutsOf(m)).map((row) => row.amount)).toEqual([1_000]);
    expect((await balances(m, "USD")).merchant_available).toBe(700);
    // Two days after they arrived, the later funds are paid out too.
    expect(await runAutomatic(m, fromNow(4, 1))).toMatchObject({ payouts: 1 });
    expect((await payoutsOf(m)).map((row) => row.amount)).toEqual([700, 1_000]);
  });
});
