import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { payoutBatch } from "../../../functions/payout-batch";
import { query } from "../../../test/db";
import { createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { nodeServices } from "../../../test/node-services";
import { runFunction } from "../../core/background-functions";
import type { Services } from "../../core/context";
import {
  achReturnCodes,
  magicAmount,
  type ReturnCode,
  railBusinessDaysAfter,
  railOf as railOfPayment,
  rails,
  scheduleOnRail,
  sepaReturnCodes,
} from "../../core/rails";
import { zonedInstant } from "../../core/rails/zoned";
import { ibanAccount, usAccount } from "../bank-accounts/test-accounts";
import { balances, eventTypes, payoutPostings } from "./payouts-testing";
import type { Payout } from "./schemas";

let services: Services;

beforeAll(() => {
  services = nodeServices();
});

afterAll(async () => {
  await services.close();
});

/**
 * Runs payout-batch at `at` on the services clock, in a window no other run shares, for this test's
 * merchant only: other files' payouts stay where their own tests put them.
 */
async function runBatchAt(m: TestMerchant, at: Date): Promise<Record<string, unknown>> {
  const window = new Date(Date.UTC(2002, 0, 1) + Math.floor(Math.random() * 1_000_000) * 60_000);
  const outcome = await runFunction(
    { ...services, clock: { now: () => at } },
    payoutBatch,
    { merchant: m.merchantId },
    "manual",
    window,
  );
  if (outcome.status !== "succeeded") throw new Error(`payout-batch: ${JSON.stringify(outcome)}`);
  return outcome.result;
}

/** A bank payout's rail (these tests pay out to bank accounts only). */
function railOf(payout: Payout) {
  if (payout.rail === null) throw new Error(`payout ${payout.id} has no rail`);
  return railOfPayment({ rail: payout.rail, currency: payout.currency });
}

/**
 * Submits the payouts at their rails' cut-offs, earliest first, so that each `payout.in_transit`
 * is recorded at an instant before the run that settles it: events of one run share created_at,
 * and eventTypes could not tell their order.
 */
async function submitAtCutOffs(m: TestMerchant, payouts: Payout[]): Promise<void> {
  const windows = [
    ...new Set(
      payouts.map((payout) => scheduleOnRail(railOf(payout), new Date(payout.created_at)).windowAt.getTime()),
    ),
  ].sort((a, b) => a - b);
  for (const windowAt of windows) await runBatchAt(m, new Date(windowAt + 1_000));
}

/** Noon of the payout's arrival day in its rail's zone: the same calendar day in New York, London and Berlin. */
const arrivalNoon = (payout: Payout) => zonedInstant(payout.arrival_date, "12:00", railOf(payout).timeZone);

async function verifiedAccount(m: TestMerchant, body: Record<string, unknown>): Promise<string> {
  const saved = await m.sandbox.request<{ id: string }>("POST", "/bank-accounts", body);
  expect(saved.status, saved.text).toBe(200);
  const verified = await m.sandbox.request<{ status: string }>(
    "POST",
    `/bank-accounts/${saved.body.id}/verify/instant`,
  );
  expect(verified.body.status).toBe("verified");
  return saved.body.id;
}

async function fund(m: TestMerchant, currency: "USD" | "EUR", amount: number): Promise<void> {
  const deposit = await m.sandbox.request<{ id: string }>("POST", "/funding/deposits", {
    amount,
    currency,
    method: currency === "USD" ? "ach" : "sepa",
  });
  expect(deposit.status, deposit.text).toBe(200);
  const received = await m.sandbox.request("POST", `/sandbox/funding/deposits/${deposit.body.id}/receive`);
  expect(received.status, received.text).toBe(200);
}

async function create(m: TestMerchant, body: Record<string, unknown>, headers?: Record<string, string>) {
  return m.sandbox.request<Payout>("POST", "/payouts", body, headers);
}

async function retrieve(m: TestMerchant, id: string): Promise<Payout> {
  const res = await m.sandbox.request<Payout>("GET", `/payouts/${id}`);
  expect(res.status, res.text).toBe(200);
  return res.body;
}

describe("payouts: create, batch, arrival", () => {
  it("reserves at creation, dates the arrival from the ACH calendar, goes in transit at the cut-off in one batch, then paid", async () => {
    const m = await createMerchant();
    const account = await verifiedAccount(m, usAccount());
    await fund(m, "USD", 10_000);
    const first = await create(m, {
      amount: 2_500,
      currency: "USD",
      destination: account,
      statement_descriptor: "ACME PAYOUT",
    });
    expect(first.status, first.text).toBe(200);
    const second = await create(m, { amount: 1_000, currency: "USD", destination: account });
    const payout = first.body;
    expect(payout).toMatchObject({
      object: "payout",
      status: "pending",
      rail: "ach_standard",
      fee: 0,
      method: "standard",
    });
    const schedule = scheduleOnRail(rails.ach_standard, new Date(payout.created_at));
    expect(payout.arrival_date).toBe(schedule.arrivalDate);
    expect(await balances(m, "USD")).toMatchObject({ merchant_available: 6_500, payouts_in_transit: 3_500 });

    // Before its cut-off nothing leaves.
    await runBatchAt(m, new Date(schedule.windowAt.getTime() - 1_000));
    expect((await retrieve(m, payout.id)).status).toBe("pending");

    await runBatchAt(m, new Date(schedule.windowAt.getTime() + 1_000));
    const submitted = await retrieve(m, payout.id);
    expect(submitted).toMatchObject({ status: "in_transit", submitted_at: expect.any(String) });
    expect((await retrieve(m, second.body.id)).batch).toBe(submitted.batch);

    await runBatchAt(m, arrivalNoon(payout));
    const paid = await retrieve(m, payout.id);
    expect(paid).toMatchObject({ status: "paid", failure_code: null });
    expect(await eventTypes(payout.id)).toEqual(["payout.created", "payout.in_transit", "payout.paid"]);
    expect(await balances(m, "USD")).toMatchObject({ merchant_available: 6_500, payouts_in_transit: 3_500 });

    const status = await m.sandbox.request<{ status: string; timeline: Array<{ status: string }> }>(
      "GET",
      `/status/payouts/${payout.id}`,
    );
    expect(status.body.status).toBe("paid");
    expect(status.body.timeline.map((step) => step.status)).toEqual(["pending", "in_transit", "paid"]);

    const listed = await m.sandbox.request<{ data: Payout[] }>("GET", "/payouts?status=paid");
    expect(listed.body.data.map((p) => p.id).sort()).toEqual([payout.id, second.body.id].sort());
  });

  it("instant: SEPA Instant with its 1 % fee, arriving the day it is sent", async () => {
    const m = await createMerchant();
    const account = await verifiedAccount(m, ibanAccount());
    await fund(m, "EUR", 50_000);
    const res = await create(m, { amount: 20_000, currency: "EUR", destination: account, method: "instant" });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ rail: "sepa_instant", fee: 200 });
    expect(await balances(m, "EUR")).toMatchObject({
      merchant_available: 29_800,
      payouts_in_transit: 20_000,
      fees: 200,
    });
    await runBatchAt(m, new Date(new Date(res.body.created_at).getTime() + 1_000));
    expect((await retrieve(m, res.body.id)).status).toBe("paid");
  });

  it("every ACH and SEPA return code injected by magic amounts fails the payout at settlement and releases its funds once", async () => {
    const m = await createMerchant();
    const ach = await verifiedAccount(m, usAccount());
    const sepa = await verifiedAccount(m, ibanAccount("FR"));
    await fund(m, "USD", 200_000);
    await fund(m, "EUR", 200_000);
    const made: Array<{ code: ReturnCode; payout: Payout }> = [];
    for (const [codes, currency, destination] of [
      [achReturnCodes, "USD", ach],
      [sepaReturnCodes, "EUR", sepa],
    ] as const) {
      for (const code of codes) {
        const res = await create(m, { amount: magicAmount(code, "fail"), currency, destination });
        expect(res.status, res.text).toBe(200);
        made.push({ code, payout: res.body });
      }
    }
    await submitAtCutOffs(
      m,
      made.map(({ payout }) => payout),
    );
    const latest = Math.max(...made.map(({ payout }) => arrivalNoon(payout).getTime()));
    await runBatchAt(m, new Date(latest));
    await runBatchAt(m, new Date(latest));
    for (const { code, payout } of made) {
      expect(await retrieve(m, payout.id)).toMatchObject({
        status: "failed",
        failure_code: code,
        returned_at: null,
      });
      expect(await eventTypes(payout.id)).toEqual(["payout.created", "payout.in_transit", "payout.failed"]);
    }
    expect(await balances(m, "USD")).toMatchObject({ merchant_available: 200_000, payouts_in_transit: 0 });
    expect(await balances(m, "EUR")).toMatchObject({ merchant_available: 200_000, payouts_in_transit: 0 });
    const sources = await payoutPostings(m);
    expect(sources.filter((source) => source.endsWith(":released"))).toHaveLength(made.length);
  });

  it("a return after paid, within the rail's window, reverses the posting (ACH R02, SEPA AC04)", async () => {
    const m = await createMerchant();
    const cases = [
      { code: "R02", currency: "USD", account: usAccount() },
      { code: "AC04", currency: "EUR", account: ibanAccount("NL") },
    ] as const;
    // One payout's whole life runs before the next is created: the batch is global, so a run at one
    // payout's arrival would otherwise also return the other whenever the calendar puts its return day earlier.
    for (const { code, currency, account } of cases) {
      const destination = await verifiedAccount(m, account);
      await fund(m, currency, 50_000);
      const created = await create(m, { amount: magicAmount(code, "return"), currency, destination });
      expect(created.status, created.text).toBe(200);
      const payout = created.body;
      await submitAtCutOffs(m, [payout]);
      await runBatchAt(m, arrivalNoon(payout));
      expect(await retrieve(m, payout.id)).toMatchObject({ status: "paid" });
      expect((await balances(m, currency)).merchant_available).toBe(50_000 - payout.amount);
      const rail = railOf(payout);
      const returnDay = zonedInstant(
        railBusinessDaysAfter(rail, payout.arrival_date, 1),
        "12:00",
        rail.timeZone,
      );
      await runBatchAt(m, returnDay);
      await runBatchAt(m, returnDay);
      expect(await retrieve(m, payout.id)).toMatchObject({
        status: "failed",
        failure_code: code,
        returned_at: expect.any(String),
      });
      expect(await eventTypes(payout.id)).toEqual([
        "payout.created",
        "payout.in_transit",
        "payout.paid",
        "payout.returned",
      ]);
      expect(await balances(m, currency)).toMatchObject({
        merchant_available: 50_000,
        payouts_in_transit: 0,
      });
    }
  });
});

describe("payouts: cancel", () => {
  it("a pending payout cancels once and its funds come back; in transit it no longer cancels", async () => {
    const m = await createMerchant();
    const account = await verifiedAccount(m, usAccount());
    await fund(m, "USD", 5_000);
    const payout = (await create(m, { amount: 4_000, currency: "USD", destination: account })).body;
    const canceled = await m.sandbox.request<Payout>("POST", `/payouts/${payout.id}/cancel`);
    expect(canceled.body).toMatchObject({ status: "canceled", canceled_at: expect.any(String) });
    expectError(
      await m.sandbox.request("POST", `/payouts/${payout.id}/cancel`),
      409,
      "payout_not_cancelable",
    );
    expect(await balances(m, "USD")).toMatchObject({ merchant_available: 5_000, payouts_in_transit: 0 });
    expect(await eventTypes(payout.id)).toEqual(["payout.created", "payout.canceled"]);

    const other = (await create(m, { amount: 1_000, currency: "USD", destination: account })).body;
    await runBatchAt(m, scheduleOnRail(rails.ach_standard, new Date(other.created_at)).windowAt);
    expectError(await m.sandbox.request("POST", `/payouts/${other.id}/cancel`), 409, "payout_not_cancelable");
    // A canceled payout is never submitted.
    expect((await retrieve(m, payout.id)).status).toBe("canceled");
  });
});

describe("payouts: concurrency and retries", () => {
  it("100 payouts racing on a balance that covers 37: exactly 37 reserve, the rest 402 with nothing reserved", async () => {
    const m = await createMerchant();
    const account = await verifiedAccount(m, usAccount());
    await fund(m, "USD", 37 * 100);
    const answers = await Promise.all(
      Array.from({ length: 100 }, () => create(m, { amount: 100, currency: "USD", destination: account })),
    );
    const statuses = answers.map((res) => res.status);
    expect(statuses.filter((status) => status === 200)).toHaveLength(37);
    for (const res of answers.filter((answer) => answer.status !== 200))
      expectError(res, 402, "insufficient_funds");
    expect(await balances(m, "USD")).toMatchObject({ merchant_available: 0, payouts_in_transit: 3_700 });
    const [count] = await query<{ n: number }>(
      "select count(*)::int as n from payouts where merchant_id = $1",
      [m.merchantId],
    );
    expect(count?.n).toBe(37);
    expect(await payoutPostings(m)).toHaveLength(37);
    const [lowest] = await query<{ min: string }>(
      `select min(e.balance_after) as min from ledger_entries e join ledger_accounts a on a.id = e.account_id
       where a.merchant_id = $1 and a.kind = 'merchant_available'`,
      [m.merchantId],
    );
    expect(Number(lowest?.min)).toBeGreaterThanOrEqual(0);
  });

  it("a retried POST with the same Idempotency-Key creates one payout and reserves once", async () => {
    const m = await createMerchant();
    const account = await verifiedAccount(m, usAccount());
    await fund(m, "USD", 5_000);
    const body = { amount: 1_500, currency: "USD", destination: account };
    const key = { "Idempotency-Key": `po-${crypto.randomUUID()}` };
    const first = await create(m, body, key);
    const again = await create(m, body, key);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await payoutPostings(m)).toEqual([`payout:${first.body.id}:reserved`]);
    expect((await balances(m, "USD")).merchant_available).toBe(3_500);
  });
});

describe("payouts: refusals write nothing", () => {
  it("bad input, unverified, wrong currency, over the rail limit, crypto and customer destinations, another tenant", async () => {
    const m = await createMerchant();
    const verified = await verifiedAccount(m, usAccount());
    const unverified = (await m.sandbox.request<{ id: string }>("POST", "/bank-accounts", usAccount())).body
      .id;
    const customer = (
      await m.sandbox.request<{ id: string }>("POST", "/customers", { email: "c@example.com" })
    ).body.id;
    const customerAccount = (
      await m.sandbox.request<{ id: string }>("POST", "/bank-accounts", { ...usAccount(), customer })
    ).body.id;
    await m.sandbox.request("POST", `/bank-accounts/${customerAccount}/verify/instant`);
    await fund(m, "USD", 5_000);
    const base = { amount: 1_000, currency: "USD", destination: verified };

    expectError(await create(m, { ...base, amount: -5 }), 400, "amount_invalid");
    expectError(await create(m, { ...base, currency: "usd" }), 400, "currency_invalid");
    expectError(await create(m, { ...base, method: "overnight" }), 400, "parameter_invalid");
    expectError(await create(m, { ...base, surprise: 1 }), 400, "parameter_unknown");
    expectError(await create(m, { ...base, statement_descriptor: "x".repeat(23) }), 400, "parameter_invalid");
    expectError(await create(m, { ...base, destination: unverified }), 409, "bank_account_unverified");
    expectError(await create(m, { ...base, currency: "EUR" }), 400, "currency_unsupported");
    expectError(
      await create(m, { ...base, amount: 100_000_001, method: "instant" }),
      400,
      "rail_limit_exceeded",
    );
    // A wallet payout names asset_amount, not a bank payout's amount (payouts-crypto.test.ts for the rest).
    expectError(
      await create(m, { ...base, destination: "0x52908400098527886E0F7030069857D2E4169EE7" }),
      400,
      "parameter_invalid",
    );
    expectError(await create(m, { ...base, destination: "caddr_x" }), 400, "payout_destination_unsupported");
    expectError(await create(m, { ...base, network: "local" }), 400, "parameter_invalid");
    expectError(await create(m, { currency: "USD", destination: verified }), 400, "parameter_missing");
    expectError(await create(m, { amount: 1_000, destination: verified }), 400, "parameter_missing");
    expectError(
      await create(m, { ...base, destination: customerAccount }),
      400,
      "payout_destination_unsupported",
    );
    expectError(await create(m, { ...base, destination: "ba_doesnotexist" }), 404, "resource_missing");

    const other = await createMerchant();
    const foreign = await verifiedAccount(other, usAccount());
    expectError(await create(m, { ...base, destination: foreign }), 404, "resource_missing");
    expectError(
      await m.production.request("POST", "/payouts", { ...base, destination: verified }),
      403,
      "account_verification_required",
    );

    expect(await payoutPostings(m)).toEqual([]);
    expect((await balances(m, "USD")).merchant_available).toBe(5_000);
    const [count] = await query<{ n: number }>(
      "select count(*)::int as n from payouts where merchant_id = $1",
      [m.merchantId],
    );
    expect(count?.n).toBe(0);

    // Another merchant's payout and the other environment are 404 too.
    await fund(other, "USD", 2_000);
    const theirs = (await create(other, { amount: 500, currency: "USD", destination: foreign })).body.id;
    expectError(await m.sandbox.request("GET", `/payouts/${theirs}`), 404, "resource_missing");
    expectError(await m.sandbox.request("POST", `/payouts/${theirs}/cancel`), 404, "resource_missing");
    expectError(await other.production.request("GET", `/payouts/${theirs}`), 404, "resource_missing");
    expectError(await m.sandbox.request("GET", `/status/payouts/${theirs}`), 404, "resource_missing");
    expect((await retrieve(other, theirs)).status).toBe("pending");
  });
});
