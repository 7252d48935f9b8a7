import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { nodeServices } from "../../../test/node-services";
import { generateBankDetails } from "../../core/bank-details";
import type { Services } from "../../core/context";
import { magicAmount, railBusinessDaysAfter, rails, scheduleOnRail } from "../../core/rails";
import {
  balances,
  createTransfer,
  eventTypes,
  railNoon,
  retrieveTransfer,
  runBatchAt,
  transferPostings,
  verifiedAccount,
} from "./bank-transfers-testing";
import type { BankTransfer } from "./schemas";

let services: Services;

beforeAll(() => {
  services = nodeServices();
});

afterAll(async () => {
  await services.close();
});

const runAt = (m: TestMerchant, at: Date) => runBatchAt(services, m, at);

async function ukMerchant(gbp: number): Promise<{ m: TestMerchant; account: string }> {
  const m = await createMerchant();
  const details = generateBankDetails("GB");
  const account = await verifiedAccount(m, {
    account_holder_name: "Ada Ltd",
    account_holder_type: "company",
    country: "GB",
    currency: "GBP",
    sort_code: details.routing.sort_code,
    account_number: details.accountNumber,
  });
  const deposit = await m.sandbox.request<{ id: string }>("POST", "/funding/deposits", {
    amount: gbp,
    currency: "GBP",
    method: "wire",
  });
  expect(deposit.status, deposit.text).toBe(200);
  await m.sandbox.request("POST", `/sandbox/funding/deposits/${deposit.body.id}/receive`);
  return { m, account };
}

async function bacsPush(m: TestMerchant, account: string, amount: number): Promise<BankTransfer> {
  const created = await createTransfer(m, {
    direction: "push",
    amount,
    currency: "GBP",
    bank_account: account,
  });
  expect(created.status, created.text).toBe(200);
  expect(created.body.rail).toBe("bacs");
  return created.body;
}

/** Submits a Bacs push at its cut-off and settles it on its arrival day. */
async function settled(m: TestMerchant, transfer: BankTransfer): Promise<void> {
  const { windowAt } = scheduleOnRail(rails.bacs, new Date(transfer.created_at));
  await runAt(m, new Date(windowAt.getTime() + 1_000));
  await runAt(m, railNoon(transfer, transfer.arrival_date));
  expect(await retrieveTransfer(m, transfer.id)).toMatchObject({ status: "settled" });
}

async function returnedEvents(m: TestMerchant): Promise<number> {
  const [row] = await query<{ n: number }>(
    "select count(*)::int as n from events where merchant_id = $1 and type = 'bank_transfer.returned'",
    [m.merchantId],
  );
  return row?.n ?? 0;
}

describe("bank transfers: Bacs returns (ARUCS) in the sandbox", () => {
  it("a push whose amount asks for ARUCS B is returned a business day after arrival, its funds released once", async () => {
    const { m, account } = await ukMerchant(100_000);
    const amount = 40_000 + magicAmount("B", "return");
    const push = await bacsPush(m, account, amount);
    // Arrival is day 3 of the Bacs cycle; returns may come until day 5.
    expect(push.return_deadline).toBe(railBusinessDaysAfter(rails.bacs, push.arrival_date, 2));
    expect((await balances(m, "GBP")).merchant_available).toBe(100_000 - amount - push.fee);
    await settled(m, push);

    const returnDay = railBusinessDaysAfter(rails.bacs, push.arrival_date, 1);
    await runAt(m, railNoon(push, returnDay));
    expect(await retrieveTransfer(m, push.id)).toMatchObject({
      status: "returned",
      failure_code: "B",
      failure_message: "Account closed",
    });
    // Later runs find nothing more to do: the release posted once.
    await runAt(m, railNoon(push, push.return_deadline));
    expect(await transferPostings(m)).toEqual([
      `bank_transfer:${push.id}:released`,
      `bank_transfer:${push.id}:reserved`,
    ]);
    expect(await balances(m, "GBP")).toMatchObject({
      merchant_available: 100_000,
      bank_transfers_in_transit: 0,
      fees: 0,
    });
    expect(await eventTypes(push.id)).toEqual([
      "bank_transfer.created",
      "bank_transfer.submitted",
      "bank_transfer.settled",
      "bank_transfer.returned",
    ]);
  });

  it("the sandbox return takes the ARUCS codes on Bacs, once, and refuses other schemes' codes", async () => {
    const { m, account } = await ukMerchant(50_000);
    const push = await bacsPush(m, account, 10_000);
    await settled(m, push);
    const now = railNoon(push, push.arrival_date);
    const offset = { "x-test-clock-offset-seconds": String(Math.ceil((now.getTime() - Date.now()) / 1000)) };
    const returnWith = (code: string) =>
      m.sandbox.request<BankTransfer>("POST", `/sandbox/bank-transfers/${push.id}/return`, { code }, offset);

    expectError(await returnWith("R01"), 400, "return_code_invalid");
    const returned = await returnWith("0");
    expect(returned.status, returned.text).toBe(200);
    expect(returned.body).toMatchObject({ status: "returned", failure_code: "0" });
    expectError(await returnWith("2"), 409, "bank_transfer_not_returnable");
    expect(await returnedEvents(m)).toBe(1);
    expect((await balances(m, "GBP")).merchant_available).toBe(50_000);

    // Faster Payments are final: no ARUCS code returns one.
    const fps = await createTransfer(m, {
      direction: "push",
      amount: 5_000,
      currency: "GBP",
      bank_account: account,
      rail: "faster_payments",
    });
    expect(fps.status, fps.text).toBe(200);
    expectError(
      await m.sandbox.request("POST", `/sandbox/bank-transfers/${fps.body.id}/return`, { code: "B" }),
      400,
      "return_code_invalid",
    );
  });
});
