import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { nodeServices } from "../../../test/node-services";
import type { Services } from "../../core/context";
import {
  achReturnCodes,
  magicAmount,
  type ReturnCode,
  railBusinessDaysAfter,
  rails,
  scheduleOnRail,
  sepaReturnCodes,
} from "../../core/rails";
import { ibanAccount, usAccount } from "../bank-accounts/test-accounts";
import {
  balances,
  createTransfer,
  customerMandate,
  eventTypes,
  fund,
  railNoon,
  retrieveTransfer,
  runBatchAt,
  transferPostings,
  verifiedAccount,
} from "./bank-transfers-testing";
import { bankTransferFees } from "./fees";
import type { BankTransfer } from "./schemas";

let services: Services;

beforeAll(() => {
  services = nodeServices();
});

afterAll(async () => {
  await services.close();
});

const runAt = (m: TestMerchant, at: Date) => runBatchAt(services, m, at);

describe("bank transfers: push and pull end to end on the clock", () => {
  it("push: reserved at creation, submitted at the ACH cut-off, settled on its arrival day", async () => {
    const m = await createMerchant();
    const account = await verifiedAccount(m, usAccount());
    await fund(m, "USD", 10_000);
    const res = await createTransfer(m, {
      direction: "push",
      amount: 2_500,
      currency: "USD",
      bank_account: account,
      statement_descriptor: "ACME SUPPLIER",
    });
    expect(res.status, res.text).toBe(200);
    const push = res.body;
    expect(push).toMatchObject({
      object: "bank_transfer",
      direction: "push",
      status: "pending",
      rail: "ach_standard",
      mandate: null,
      available_on: null,
    });
    const schedule = scheduleOnRail(rails.ach_standard, new Date(push.created_at));
    expect(push.arrival_date).toBe(schedule.arrivalDate);
    // The ACH fee (25) is debited with the amount.
    expect(push.fee).toBe(bankTransferFees.ach_standard);
    expect(await balances(m, "USD")).toMatchObject({
      merchant_available: 7_475,
      bank_transfers_in_transit: 2_500,
      fees: 25,
    });

    await runAt(m, new Date(schedule.windowAt.getTime() - 1_000));
    expect((await retrieveTransfer(m, push.id)).status).toBe("pending");
    await runAt(m, new Date(schedule.windowAt.getTime() + 1_000));
    expect(await retrieveTransfer(m, push.id)).toMatchObject({
      status: "submitted",
      submission: expect.stringMatching(/^bts_/),
    });
    await runAt(m, railNoon(push, push.arrival_date));
    expect(await retrieveTransfer(m, push.id)).toMatchObject({ status: "settled", failure_code: null });
    expect(await eventTypes(push.id)).toEqual([
      "bank_transfer.created",
      "bank_transfer.submitted",
      "bank_transfer.settled",
    ]);
    expect(await balances(m, "USD")).toMatchObject({ merchant_available: 7_475 });
    expect(await transferPostings(m)).toEqual([`bank_transfer:${push.id}:reserved`]);

    const status = await m.sandbox.request<{ status: string; timeline: Array<{ status: string }> }>(
      "GET",
      `/status/bank-transfers/${push.id}`,
    );
    expect(status.body.status).toBe("settled");
    expect(status.body.timeline.map((step) => step.status)).toEqual(["pending", "submitted", "settled"]);
  });

  it("pull under an ACH debit mandate: nothing moves until arrival, then pending, then available", async () => {
    const m = await createMerchant();
    const { bankAccount, mandate } = await customerMandate(m, usAccount(), "ach_debit");
    const res = await createTransfer(m, {
      direction: "pull",
      amount: 5_000,
      currency: "USD",
      bank_account: bankAccount,
      mandate,
    });
    expect(res.status, res.text).toBe(200);
    const pull = res.body;
    expect(pull).toMatchObject({ direction: "pull", rail: "ach_standard", mandate, status: "pending" });
    expect(pull.customer).toMatch(/^cus_/);
    expect(pull.available_on).toBe(railBusinessDaysAfter(rails.ach_standard, pull.arrival_date, 1));
    expect(await transferPostings(m)).toEqual([]);

    await runAt(m, scheduleOnRail(rails.ach_standard, new Date(pull.created_at)).windowAt);
    expect((await retrieveTransfer(m, pull.id)).status).toBe("submitted");
    await runAt(m, railNoon(pull, pull.arrival_date));
    expect(await retrieveTransfer(m, pull.id)).toMatchObject({ status: "settled", funds_available_at: null });
    // The fee is kept from what the pull collects.
    expect(await balances(m, "USD")).toMatchObject({ merchant_pending: 4_975, fees: 25 });
    expect((await balances(m, "USD")).merchant_available ?? 0).toBe(0);

    await runAt(m, railNoon(pull, pull.available_on ?? ""));
    expect(await retrieveTransfer(m, pull.id)).toMatchObject({
      status: "settled",
      funds_available_at: expect.any(String),
    });
    expect(await balances(m, "USD")).toMatchObject({ merchant_pending: 0, merchant_available: 4_975 });
    expect(await eventTypes(pull.id)).toEqual([
      "bank_transfer.created",
      "bank_transfer.submitted",
      "bank_transfer.settled",
      "bank_transfer.funds_available",
    ]);
    expect(await transferPostings(m)).toEqual(
      [`bank_transfer:${pull.id}:available`, `bank_transfer:${pull.id}:settled`].sort(),
    );

    const listed = await m.sandbox.request<{ data: BankTransfer[] }>(
      "GET",
      "/bank-transfers?direction=pull&status=settled",
    );
    expect(listed.body.data.map((transfer) => transfer.id)).toEqual([pull.id]);
    const pushes = await m.sandbox.request<{ data: BankTransfer[] }>("GET", "/bank-transfers?direction=push");
    expect(pushes.body.data).toEqual([]);
  });
});

describe("bank transfers: every return code of a rail family", () => {
  it("ACH pushes rejected with each R code fail at arrival and release their funds once", async () => {
    const m = await createMerchant();
    const account = await verifiedAccount(m, usAccount());
    await fund(m, "USD", 200_000);
    const made: Array<{ code: ReturnCode; transfer: BankTransfer }> = [];
    for (const code of achReturnCodes) {
      const res = await createTransfer(m, {
        direction: "push",
        amount: magicAmount(code, "fail"),
        currency: "USD",
        bank_account: account,
      });
      expect(res.status, res.text).toBe(200);
      made.push({ code, transfer: res.body });
    }
    const latest = Math.max(
      ...made.map(({ transfer }) => railNoon(transfer, transfer.arrival_date).getTime()),
    );
    await runAt(m, new Date(latest));
    await runAt(m, new Date(latest));
    for (const { code, transfer } of made) {
      expect(await retrieveTransfer(m, transfer.id)).toMatchObject({ status: "failed", failure_code: code });
      expect(await eventTypes(transfer.id)).toEqual([
        "bank_transfer.created",
        "bank_transfer.submitted",
        "bank_transfer.failed",
      ]);
    }
    expect(await balances(m, "USD")).toMatchObject({
      merchant_available: 200_000,
      bank_transfers_in_transit: 0,
    });
    const released = (await transferPostings(m)).filter((source) => source.endsWith(":released"));
    expect(released).toHaveLength(achReturnCodes.length);
  });

  it("SEPA Direct Debits returned with each SEPA code after settlement reverse their credit from pending", async () => {
    const m = await createMerchant();
    const { bankAccount, mandate } = await customerMandate(m, ibanAccount("FR"), "sepa_debit");
    const made: Array<{ code: ReturnCode; transfer: BankTransfer }> = [];
    for (const code of sepaReturnCodes) {
      const res = await createTransfer(m, {
        direction: "pull",
        amount: magicAmount(code, "return"),
        currency: "EUR",
        bank_account: bankAccount,
        mandate,
      });
      expect(res.status, res.text).toBe(200);
      expect(res.body.rail).toBe("sepa_debit");
      made.push({ code, transfer: res.body });
    }
    const latest = (day: (transfer: BankTransfer) => string) =>
      new Date(Math.max(...made.map(({ transfer }) => railNoon(transfer, day(transfer)).getTime())));
    await runAt(
      m,
      latest((transfer) => transfer.arrival_date),
    );
    await runAt(
      m,
      latest((transfer) => transfer.arrival_date),
    );
    // The return comes one TARGET2 day after arrival, the day the funds would have become available.
    await runAt(
      m,
      latest((transfer) => railBusinessDaysAfter(rails.sepa_debit, transfer.arrival_date, 1)),
    );
    for (const { code, transfer } of made) {
      expect(await retrieveTransfer(m, transfer.id)).toMatchObject({
        status: "returned",
        failure_code: code,
        returned_at: expect.any(String),
        funds_available_at: null,
      });
    }
    expect(await balances(m, "EUR")).toMatchObject({ merchant_pending: 0, bank_transfers_in_transit: 0 });
    expect((await balances(m, "EUR")).merchant_available ?? 0).toBe(0);
  });
});

describe("bank transfers: a debit rejected at arrival", () => {
  it("an ACH pull rejected with R01 (insufficient funds) fails and never touches the ledger", async () => {
    const m = await createMerchant();
    const { bankAccount, mandate } = await customerMandate(m, usAccount(), "ach_debit");
    const pull = (
      await createTransfer(m, {
        direction: "pull",
        amount: magicAmount("R01", "fail"),
        currency: "USD",
        bank_account: bankAccount,
        mandate,
        rail: "ach_same_day",
      })
    ).body;
    expect(pull.arrival_date).toBe(scheduleOnRail(rails.ach_same_day, new Date(pull.created_at)).windowDate);
    await runAt(m, railNoon(pull, railBusinessDaysAfter(rails.ach_same_day, pull.arrival_date, 1)));
    await runAt(m, railNoon(pull, railBusinessDaysAfter(rails.ach_same_day, pull.arrival_date, 1)));
    expect(await retrieveTransfer(m, pull.id)).toMatchObject({
      status: "failed",
      failure_code: "R01",
      failure_message: "Insufficient funds",
      settled_at: null,
    });
    expect(await eventTypes(pull.id)).toEqual([
      "bank_transfer.created",
      "bank_transfer.submitted",
      "bank_transfer.failed",
    ]);
    expect(await transferPostings(m)).toEqual([]);
  });
});

describe("bank transfers: returns after settlement", () => {
  it("a late SEPA MD06 refund request reverses the credit from available; beyond it, pending goes negative like a chargeback", async () => {
    const m = await createMerchant();
    const { bankAccount, mandate } = await customerMandate(m, ibanAccount("DE"), "sepa_debit");
    const payee = await verifiedAccount(m, ibanAccount("NL"));
    const covered = (
      await createTransfer(m, {
        direction: "pull",
        amount: 100_000 + magicAmount("MD06", "late_return"),
        currency: "EUR",
        bank_account: bankAccount,
        mandate,
      })
    ).body;
    const spent = (
      await createTransfer(m, {
        direction: "pull",
        amount: 200_000 + magicAmount("AM04", "late_return"),
        currency: "EUR",
        bank_account: bankAccount,
        mandate,
      })
    ).body;
    await runAt(m, railNoon(covered, covered.arrival_date));
    await runAt(m, railNoon(covered, covered.arrival_date));
    await runAt(m, railNoon(covered, covered.available_on ?? ""));
    const collected = (pull: BankTransfer) => pull.amount - bankTransferFees.sepa_debit;
    const arrived = collected(covered) + collected(spent);
    expect(await balances(m, "EUR")).toMatchObject({ merchant_available: arrived, merchant_pending: 0 });

    // Spend all but the first debit's credit and one cent, the push's fee included, so the second's
    // return finds too little available.
    const push = await createTransfer(m, {
      direction: "push",
      amount: collected(spent) - 1 - bankTransferFees.sepa_credit,
      currency: "EUR",
      bank_account: payee,
    });
    expect(push.status, push.text).toBe(200);
    expect(covered.return_deadline).toBe(railBusinessDaysAfter(rails.sepa_debit, covered.arrival_date, 40));
    await runAt(m, railNoon(covered, covered.return_deadline));
    expect(await retrieveTransfer(m, covered.id)).toMatchObject({ status: "returned", failure_code: "MD06" });
    expect(await retrieveTransfer(m, spent.id)).toMatchObject({ status: "returned", failure_code: "AM04" });
    const after = await balances(m, "EUR");
    expect(after.merchant_available).toBe(1);
    expect(after.merchant_pending).toBe(-collected(spent));
    expect(await eventTypes(covered.id)).toEqual([
      "bank_transfer.created",
      "bank_transfer.submitted",
      "bank_transfer.settled",
      "bank_transfer.funds_available",
      "bank_transfer.returned",
    ]);
  });

  it("a pushed ACH credit returned (R02) after settlement gives its funds back once", async () => {
    const m = await createMerchant();
    const account = await verifiedAccount(m, usAccount());
    await fund(m, "USD", 50_000);
    const push = (
      await createTransfer(m, {
        direction: "push",
        amount: magicAmount("R02", "return"),
        currency: "USD",
        bank_account: account,
      })
    ).body;
    await runAt(m, railNoon(push, push.arrival_date));
    await runAt(m, railNoon(push, push.arrival_date));
    expect((await retrieveTransfer(m, push.id)).status).toBe("settled");
    const returnDay = railNoon(push, railBusinessDaysAfter(rails.ach_standard, push.arrival_date, 1));
    await runAt(m, returnDay);
    await runAt(m, returnDay);
    expect(await retrieveTransfer(m, push.id)).toMatchObject({ status: "returned", failure_code: "R02" });
    // The fee comes back with the amount.
    expect(await balances(m, "USD")).toMatchObject({
      merchant_available: 50_000,
      bank_transfers_in_transit: 0,
      fees: 0,
    });
    expect(await transferPostings(m)).toEqual(
      [`bank_transfer:${push.id}:released`, `bank_transfer:${push.id}:reserved`].sort(),
    );
  });
});

describe("bank transfers: cancel", () => {
  it("a pending push cancels once with its funds back; a submitted one no longer cancels", async () => {
    const m = await createMerchant();
    const account = await verifiedAccount(m, usAccount());
    await fund(m, "USD", 5_000);
    const push = (
      await createTransfer(m, { direction: "push", amount: 4_000, currency: "USD", bank_account: account })
    ).body;
    const canceled = await m.sandbox.request<BankTransfer>("POST", `/bank-transfers/${push.id}/cancel`);
    expect(canceled.body).toMatchObject({ status: "canceled", canceled_at: expect.any(String) });
    expectError(
      await m.sandbox.request("POST", `/bank-transfers/${push.id}/cancel`),
      409,
      "bank_transfer_not_cancelable",
    );
    expect(await balances(m, "USD")).toMatchObject({
      merchant_available: 5_000,
      bank_transfers_in_transit: 0,
    });
    expect(await eventTypes(push.id)).toEqual(["bank_transfer.created", "bank_transfer.canceled"]);

    const other = (
      await createTransfer(m, { direction: "push", amount: 1_000, currency: "USD", bank_account: account })
    ).body;
    await runAt(m, scheduleOnRail(rails.ach_standard, new Date(other.created_at)).windowAt);
    expectError(
      await m.sandbox.request("POST", `/bank-transfers/${other.id}/cancel`),
      409,
      "bank_transfer_not_cancelable",
    );
    expect((await retrieveTransfer(m, push.id)).status).toBe("canceled");
  });
});
