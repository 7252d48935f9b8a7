import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, type TestMerchant } from "../../../test/harness";
import { nodeServices } from "../../../test/node-services";
import { runFunctionFor } from "../../../test/verifications";
import type { ServiceContext, Services } from "../../core/context";
import { databaseErrorCode } from "../../core/db";
import { rails, scheduleOnRail } from "../../core/rails";
import { weekdays } from "../../core/tables";
import { ibanAccount, usAccount } from "../bank-accounts/test-accounts";
import { balances, fund, verifiedAccount } from "../bank-transfers/bank-transfers-testing";
import { runAutomaticPayouts } from "./automatic";
import { setSchedule } from "./payouts-testing";
import type { Payout } from "./schemas";
import { createPayout } from "./service";

const DAY_S = 86_400;
const TODAY = Math.floor(Date.now() / (DAY_S * 1000)) * DAY_S * 1000;

/**
 * The clock offset (seconds) to `hour`:00 UTC `days` after today: runs land on a known day and hour
 * whatever time the test starts, so "the same period" and "the next period" never straddle midnight.
 */
const at = (days: number, hour: number) =>
  Math.round((TODAY + (days * 24 + hour) * 3_600_000 - Date.now()) / 1000);

let services: Services;

beforeAll(() => {
  services = nodeServices();
});

afterAll(async () => {
  await services.close();
});

interface AutomaticResult {
  payouts: number;
  skipped_no_destination: number;
  already_paid_out: number;
  refused: number;
}

/** payout-automatic for one merchant, `offsetSeconds` ahead on the services clock, in a slot of its own. */
async function runAutomatic(m: TestMerchant, offsetSeconds: number): Promise<AutomaticResult> {
  const outcome = await runFunctionFor("payout-automatic", { merchant: m.merchantId }, offsetSeconds);
  expect(outcome.status, JSON.stringify(outcome)).toBe("succeeded");
  return outcome.result as unknown as AutomaticResult;
}

async function payoutsOf(m: TestMerchant): Promise<Payout[]> {
  const list = await m.sandbox.request<{ data: Payout[] }>("GET", "/payouts?limit=100");
  expect(list.status, list.text).toBe(200);
  return list.body.data;
}

async function periodEnds(m: TestMerchant): Promise<Date[]> {
  const rows = await query<{ period_end: Date }>(
    "select schedule_period_end as period_end from payouts where merchant_id = $1 and schedule_period_end is not null",
    [m.merchantId],
  );
  return rows.map((row) => new Date(row.period_end));
}

describe("payout-automatic", () => {
  it("a daily schedule pays out the whole available balance after a settlement, once per period, on the rail's calendar", async () => {
    const m = await createMerchant();
    const account = await verifiedAccount(m, usAccount());
    await setSchedule(m, { interval: "daily" });
    const paid = await m.sandbox.request<{ status: string }>("POST", "/payments", {
      amount: 12_000,
      currency: "USD",
      confirm: true,
      payment_method_data: {
        type: "card",
        card: { number: "4242424242424242", exp_month: 12, exp_year: 2040, cvc: "123" },
      },
    });
    expect(paid.body.status, paid.text).toBe("succeeded");

    // Before settlement the funds are pending: nothing to pay out.
    expect(await runAutomatic(m, at(1, 1))).toMatchObject({ payouts: 0 });
    const settled = await runFunctionFor("settlement-run", { merchant: m.merchantId }, at(4, 1));
    expect(settled.result).toMatchObject({ settlements: 1 });
    const available = (await balances(m, "USD")).merchant_available ?? 0;
    expect(available).toBeGreaterThan(0);

    expect(await runAutomatic(m, at(4, 1))).toMatchObject({ payouts: 1 });
    const [payout, ...others] = await payoutsOf(m);
    expect(others).toEqual([]);
    expect(payout).toMatchObject({
      amount: available,
      currency: "USD",
      destination: account,
      method: "standard",
      fee: 0,
      status: "pending",
      automatic: true,
    });
    // Reserved exactly as a manual payout: available → payouts in transit, with payout.created.
    expect(await balances(m, "USD")).toMatchObject({ merchant_available: 0, payouts_in_transit: available });
    const created = await query<{ data: Payout; actor_id: string }>(
      `select e.data, a.actor_id from events e join audit_logs a on a.object_id = e.object_id and a.action = e.type
        where e.object_id = $1 and e.type = 'payout.created'`,
      [payout?.id],
    );
    expect(created[0]).toMatchObject({ data: { automatic: true }, actor_id: "payout-automatic" });
    // Its period is the day's 00:00 UTC.
    const [periodEnd] = await periodEnds(m);
    expect(periodEnd?.toISOString().endsWith("T00:00:00.000Z")).toBe(true);

    // A rerun of the same period creates nothing, even with new funds in available.
    await fund(m, "USD", 1_000);
    expect(await runAutomatic(m, at(4, 2))).toMatchObject({ payouts: 0 });
    expect(await payoutsOf(m)).toHaveLength(1);
    // The next day's period pays out what came in since.
    expect(await runAutomatic(m, at(5, 1))).toMatchObject({ payouts: 1 });
    const next = (await payoutsOf(m)).find((row) => row.id !== payout?.id);
    expect(next).toMatchObject({ amount: 1_000, automatic: true });

    // A plain pending payout on the rail's calendar: payout-batch, run for this merchant alone past the
    // cut-off, submits it as any other.
    if (!payout) throw new Error("no payout");
    const schedule = scheduleOnRail(rails.ach_standard, new Date(payout.created_at));
    expect(payout).toMatchObject({ rail: "ach_standard", arrival_date: schedule.arrivalDate, batch: null });
    const pastCutOff = Math.ceil((schedule.windowAt.getTime() - Date.now()) / 1000) + 60;
    const batch = await runFunctionFor("payout-batch", { merchant: m.merchantId }, pastCutOff);
    expect(batch.status).toBe("succeeded");
    const submitted = (await payoutsOf(m)).find((row) => row.id === payout.id);
    expect(submitted).toMatchObject({ status: "in_transit", batch: expect.any(String) });
  });

  it("concurrent runs of one period create one payout and reserve once", async () => {
    const m = await createMerchant();
    await verifiedAccount(m, usAccount());
    await fund(m, "USD", 7_000);
    await setSchedule(m, { interval: "daily" });
    const results = await Promise.all([1, 2, 3, 4].map(() => runAutomatic(m, at(1, 1))));
    expect(results.reduce((sum, result) => sum + result.payouts, 0)).toBe(1);
    expect(results.every((result) => result.refused === 0)).toBe(true);
    const payouts = await payoutsOf(m);
    expect(payouts.map((row) => row.amount)).toEqual([7_000]);
    expect(await balances(m, "USD")).toMatchObject({ merchant_available: 0, payouts_in_transit: 7_000 });
    // What decides between runs that read the same due group: a second payout for the same
    // merchant, currency and period is refused by the unique key, and its reservation rolls back.
    await fund(m, "USD", 3_000);
    const [periodEnd] = await periodEnds(m);
    const ctx: ServiceContext = {
      services,
      merchantId: m.merchantId,
      environment: "sandbox",
      actor: { type: "system", id: "test" },
      requestId: null,
    };
    const destination = payouts[0]?.destination ?? "";
    const input = { amount: 3_000, currency: "USD", destination, method: "standard" as const };
    const second = await createPayout({ ctx, input, schedulePeriodEnd: periodEnd ?? null }).catch(
      (error: unknown) => error,
    );
    expect(databaseErrorCode(second)).toBe("23505");
    expect(await payoutsOf(m)).toHaveLength(1);
    expect(await balances(m, "USD")).toMatchObject({ merchant_available: 3_000, payouts_in_transit: 7_000 });
    const postings = await query<{ n: number }>(
      "select count(*)::int as n from ledger_transactions where merchant_id = $1 and type = 'payout'",
      [m.merchantId],
    );
    expect(postings[0]?.n).toBe(1);
  });

  it("below the minimum nothing is paid out; one payout per currency at or above it", async () => {
    const m = await createMerchant();
    await verifiedAccount(m, usAccount());
    await verifiedAccount(m, ibanAccount());
    await fund(m, "USD", 4_999);
    await fund(m, "EUR", 5_000);
    await setSchedule(m, { interval: "daily", minimum_amount: 5_000 });
    expect(await runAutomatic(m, at(1, 1))).toMatchObject({ payouts: 1 });
    expect((await payoutsOf(m)).map((row) => [row.currency, row.amount])).toEqual([["EUR", 5_000]]);
    expect((await balances(m, "USD")).merchant_available).toBe(4_999);
  });

  it("a weekly schedule pays out only on its anchor day, from its next fire time on", async () => {
    const m = await createMerchant();
    await verifiedAccount(m, usAccount());
    await fund(m, "USD", 3_000);
    const anchorDay = new Date(TODAY + 3 * DAY_S * 1000).getUTCDay();
    const schedule = await setSchedule(m, { interval: "weekly", weekly_anchor: weekdays[anchorDay] });
    expect(new Date(schedule.next_run_at ?? "").getUTCDay()).toBe(anchorDay);
    // The last anchor day was before the schedule was set: nothing on the days before the next one.
    for (const days of [1, 2]) {
      expect(await runAutomatic(m, at(days, 1))).toMatchObject({ payouts: 0 });
    }
    expect(await runAutomatic(m, at(3, 1))).toMatchObject({ payouts: 1 });
    const [periodEnd] = await periodEnds(m);
    expect(periodEnd?.getUTCDay()).toBe(anchorDay);
    expect(periodEnd?.toISOString()).toBe(schedule.next_run_at);
    // The rest of the week is the same period.
    await fund(m, "USD", 500);
    expect(await runAutomatic(m, at(5, 1))).toMatchObject({ payouts: 0 });
    expect(await payoutsOf(m)).toHaveLength(1);
  });

  it("without a verified account in the currency nothing is paid out and the run says so; the default is the most recently verified account, a named one wins for its currency", async () => {
    const m = await createMerchant();
    await fund(m, "USD", 2_000);
    await verifiedAccount(m, ibanAccount());
    await m.sandbox.request("POST", "/bank-accounts", usAccount()); // unverified: not a destination
    await setSchedule(m, { interval: "daily" });
    expect(await runAutomatic(m, at(1, 1))).toMatchObject({ payouts: 0, skipped_no_destination: 1 });
    expect(await payoutsOf(m)).toEqual([]);
    expect((await balances(m, "USD")).merchant_available).toBe(2_000);

    // Two verified USD accounts: the most recently verified one is the default.
    const older = await verifiedAccount(m, usAccount());
    const newer = await verifiedAccount(m, usAccount());
    expect(await runAutomatic(m, at(1, 2))).toMatchObject({ payouts: 1, skipped_no_destination: 0 });
    expect((await payoutsOf(m))[0]).toMatchObject({ destination: newer, amount: 2_000 });

    // A named destination is used for its currency.
    await setSchedule(m, { interval: "daily", destination: older });
    await fund(m, "USD", 800);
    expect(await runAutomatic(m, at(2, 1))).toMatchObject({ payouts: 1 });
    expect((await payoutsOf(m))[0]).toMatchObject({ destination: older, amount: 800 });
  });

  it("groups that can be paid come first: one without a destination never takes a run's page", async () => {
    const m = await createMerchant();
    // EUR sorts before USD, but no EUR account exists: with a page of one, USD must still be paid.
    await fund(m, "EUR", 2_000);
    await fund(m, "USD", 2_000);
    await verifiedAccount(m, usAccount());
    await setSchedule(m, { interval: "daily" });
    const later = new Date(Date.now() + at(1, 1) * 1000);
    const run = await runAutomaticPayouts(
      { ...services, clock: { now: () => later } },
      { merchantId: m.merchantId, limit: 1 },
    );
    expect(run).toMatchObject({ payouts: 1, skipped_no_destination: 0 });
    expect((await payoutsOf(m)).map((payout) => payout.currency)).toEqual(["USD"]);
  });

  it("a manual schedule, or none, never pays out", async () => {
    const m = await createMerchant();
    await verifiedAccount(m, usAccount());
    await fund(m, "USD", 2_000);
    expect(await runAutomatic(m, at(1, 1))).toMatchObject({ payouts: 0 });
    await setSchedule(m, { interval: "manual" });
    expect(await runAutomatic(m, at(2, 1))).toMatchObject({ payouts: 0 });
    expect(await payoutsOf(m)).toEqual([]);
  });
});
