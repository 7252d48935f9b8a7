import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { nodeServices } from "../../../test/node-services";
import type { Services } from "../../core/context";
import { holidayCalendars, holidaysIn, magicAmount } from "../../core/rails";
import { usAccount } from "../bank-accounts/test-accounts";
import {
  createTransfer,
  eventTypes,
  fund,
  retrieveTransfer,
  runBatchAt,
  verifiedAccount,
} from "../bank-transfers/bank-transfers-testing";
import type { BankTransfer } from "../bank-transfers/schemas";
import type { Payout } from "../payouts/schemas";
import { advance, newClock } from "../subscriptions/testing";

let services: Services;

beforeAll(() => {
  services = nodeServices();
});

afterAll(async () => {
  await services.close();
});

/**
 * Friday 15 January 2027, 17:00 in New York: after ACH's last cut-off (16:45), before a weekend
 * and Martin Luther King Jr. Day (Monday 18 January, a Federal Reserve holiday).
 */
const FRIDAY_AFTER_CUTOFF = "2027-01-15T22:00:00.000Z";
/** Tuesday's first cut-off, 10:30 in New York: the window that carries it. */
const TUESDAY_WINDOW = "2027-01-19T15:30:00.000Z";
/** Wednesday 20 January begins in New York: ACH standard's next business day after the window. */
const WEDNESDAY_START = "2027-01-20T05:00:00.000Z";
/** Thursday 21 January begins in New York: one business day after arrival. */
const THURSDAY_START = "2027-01-21T05:00:00.000Z";

async function retrievePayout(m: TestMerchant, id: string): Promise<Payout> {
  const res = await m.sandbox.request<Payout>("GET", `/payouts/${id}`);
  expect(res.status, res.text).toBe(200);
  return res.body;
}

async function clockPayout(m: TestMerchant, clock: string): Promise<Payout> {
  const account = await verifiedAccount(m, usAccount());
  await fund(m, "USD", 10_000);
  const created = await m.sandbox.request<Payout>("POST", "/payouts", {
    amount: 2_500,
    currency: "USD",
    destination: account,
    test_clock: clock,
  });
  expect(created.status, created.text).toBe(200);
  return created.body;
}

/** A customer on the clock with a verified US account and an active ACH debit mandate on it. */
async function clockPayer(m: TestMerchant, clock: string): Promise<{ bankAccount: string; mandate: string }> {
  const customer = await m.sandbox.request<{ id: string }>("POST", "/customers", {
    email: `payer-${crypto.randomUUID()}@example.com`,
    test_clock: clock,
  });
  expect(customer.status, customer.text).toBe(200);
  const bankAccount = await verifiedAccount(m, { ...usAccount(), customer: customer.body.id });
  const mandate = await m.sandbox.request<{ id: string }>("POST", "/mandates", {
    bank_account: bankAccount,
    type: "ach_debit",
    acceptance: { type: "online", ip_address: "203.0.113.7", user_agent: "test" },
  });
  expect(mandate.status, mandate.text).toBe(200);
  return { bankAccount, mandate: mandate.body.id };
}

describe("payouts and bank transfers on a test clock", () => {
  it("a payout made on a Friday after the cut-off leaves Tuesday (weekend, MLK Day) and is paid Wednesday, as the clock advances", async () => {
    expect(holidaysIn(holidayCalendars.us, 2027)).toContain("2027-01-18");
    const m = await createMerchant();
    const clock = await newClock(m, FRIDAY_AFTER_CUTOFF);
    const payout = await clockPayout(m, clock);
    expect(payout).toMatchObject({ status: "pending", test_clock: clock, arrival_date: "2027-01-20" });

    await advance(m, clock, "2027-01-19T15:29:00Z");
    expect((await retrievePayout(m, payout.id)).status).toBe("pending");

    // One advance over the window and the arrival day stops at each, in order.
    await advance(m, clock, "2027-01-25T00:00:00Z");
    const paid = await retrievePayout(m, payout.id);
    expect(paid).toMatchObject({ status: "paid", submitted_at: TUESDAY_WINDOW, paid_at: WEDNESDAY_START });
    expect(await eventTypes(payout.id)).toEqual(["payout.created", "payout.in_transit", "payout.paid"]);
  }, 120_000);

  it("an ACH pull of a clock customer with a magic return amount settles on arrival and is returned the next business day", async () => {
    const m = await createMerchant();
    const clock = await newClock(m, FRIDAY_AFTER_CUTOFF);
    const { bankAccount, mandate } = await clockPayer(m, clock);
    const created = await createTransfer(m, {
      direction: "pull",
      amount: 120_000 + magicAmount("R01", "return"),
      currency: "USD",
      bank_account: bankAccount,
      mandate,
    });
    expect(created.status, created.text).toBe(200);
    expect(created.body).toMatchObject({ status: "pending", test_clock: clock, arrival_date: "2027-01-20" });

    await advance(m, clock, "2027-01-20T12:00:00Z");
    expect(await retrieveTransfer(m, created.body.id)).toMatchObject({
      status: "settled",
      submitted_at: TUESDAY_WINDOW,
      settled_at: WEDNESDAY_START,
    });

    await advance(m, clock, "2027-01-26T00:00:00Z");
    const returned: BankTransfer = await retrieveTransfer(m, created.body.id);
    expect(returned).toMatchObject({ status: "returned", failure_code: "R01", returned_at: THURSDAY_START });
  }, 120_000);

  it("the sandbox return of a clock customer's settled pull is dated at the clock's time", async () => {
    const m = await createMerchant();
    const clock = await newClock(m, FRIDAY_AFTER_CUTOFF);
    const { bankAccount, mandate } = await clockPayer(m, clock);
    const pull = await createTransfer(m, {
      direction: "pull",
      amount: 5_000,
      currency: "USD",
      bank_account: bankAccount,
      mandate,
    });
    expect(pull.status, pull.text).toBe(200);
    await advance(m, clock, "2027-01-20T12:00:00Z");
    const returned = await m.sandbox.request<BankTransfer>(
      "POST",
      `/sandbox/bank-transfers/${pull.body.id}/return`,
      { code: "R10" },
    );
    expect(returned.status, returned.text).toBe(200);
    expect(returned.body).toMatchObject({ status: "returned", returned_at: "2027-01-20T12:00:00.000Z" });
  }, 120_000);

  it("payout-batch on real time leaves a clock's payouts and transfers alone, even far in the future", async () => {
    const m = await createMerchant();
    const clock = await newClock(m, FRIDAY_AFTER_CUTOFF);
    const payout = await clockPayout(m, clock);
    const { bankAccount, mandate } = await clockPayer(m, clock);
    const pull = await createTransfer(m, {
      direction: "pull",
      amount: 5_000,
      currency: "USD",
      bank_account: bankAccount,
      mandate,
    });
    expect(pull.status, pull.text).toBe(200);

    const result = await runBatchAt(services, m, new Date("2031-06-02T16:00:00Z"));
    expect(result).toMatchObject({
      payouts: { submitted: 0, paid: 0 },
      bank_transfers: { submitted: 0, arrived: 0 },
    });
    expect((await retrievePayout(m, payout.id)).status).toBe("pending");
    expect((await retrieveTransfer(m, pull.body.id)).status).toBe("pending");
  }, 120_000);

  it("refuses another merchant's clock on payouts and transfers, and a clock on a customer's transfer", async () => {
    const m = await createMerchant();
    const other = await createMerchant();
    const theirs = await newClock(other, FRIDAY_AFTER_CUTOFF);
    const account = await verifiedAccount(m, usAccount());
    await fund(m, "USD", 10_000);
    const body = { amount: 1_000, currency: "USD", destination: account };
    expectError(
      await m.sandbox.request("POST", "/payouts", { ...body, test_clock: theirs }),
      404,
      "resource_missing",
    );
    expectError(
      await m.sandbox.request("POST", "/bank-transfers", {
        direction: "push",
        amount: 1_000,
        currency: "USD",
        bank_account: account,
        test_clock: theirs,
      }),
      404,
      "resource_missing",
    );
    const ours = await newClock(m, FRIDAY_AFTER_CUTOFF);
    const { bankAccount, mandate } = await clockPayer(m, ours);
    expectError(
      await createTransfer(m, {
        direction: "pull",
        amount: 5_000,
        currency: "USD",
        bank_account: bankAccount,
        mandate,
        test_clock: ours,
      }),
      400,
      "parameter_invalid",
    );
    const list = await m.sandbox.request<{ data: Payout[] }>("GET", "/payouts");
    expect(list.body.data).toEqual([]);
  }, 120_000);

  it("a deleted clock's pending payout goes back to real time, where payout-batch moves it", async () => {
    const m = await createMerchant();
    const clock = await newClock(m, FRIDAY_AFTER_CUTOFF);
    const payout = await clockPayout(m, clock);
    const deleted = await m.sandbox.request("DELETE", `/test-clocks/${clock}`);
    expect(deleted.status, deleted.text).toBe(200);
    expect(await retrievePayout(m, payout.id)).toMatchObject({ status: "pending", test_clock: null });

    await runBatchAt(services, m, new Date("2027-01-22T12:00:00Z"));
    expect((await retrievePayout(m, payout.id)).status).toBe("paid");
  }, 120_000);
});
