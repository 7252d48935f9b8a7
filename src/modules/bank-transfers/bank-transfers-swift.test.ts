import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { type ApiResponse, createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { nodeServices } from "../../../test/node-services";
import { generateBankDetails } from "../../core/bank-details";
import type { Services } from "../../core/context";
import { railOf, scheduleOnRail } from "../../core/rails";
import { ibanAccount } from "../bank-accounts/test-accounts";
import { buy } from "../fx/fx-testing";
import {
  balances,
  countTransfers,
  createTransfer,
  fund,
  railNoon,
  retrieveTransfer,
  runBatchAt,
  transferPostings,
  verifiedAccount,
} from "./bank-transfers-testing";
import { swiftFees } from "./fees";
import type { BankTransfer } from "./schemas";

let services: Services;

beforeAll(() => {
  services = nodeServices();
});

afterAll(async () => {
  await services.close();
});

function refused(response: ApiResponse, code: string, param: string): void {
  expectError(response, 400, code);
  expect((response.body as { error: { param?: string } }).error.param).toBe(param);
}

/** The reservation's entries by ledger account kind. */
async function reservation(transfer: BankTransfer): Promise<Record<string, number>> {
  const rows = await query<{ kind: string; amount: string }>(
    `select a.kind, e.amount from ledger_entries e
       join ledger_transactions t on t.id = e.transaction_id
       join ledger_accounts a on a.id = e.account_id
      where t.source = $1`,
    [`bank_transfer:${transfer.id}:reserved`],
  );
  return Object.fromEntries(rows.map((row) => [row.kind, Number(row.amount)]));
}

/** Submits and settles a SWIFT wire at its cut-off, then on its arrival day. */
async function settle(m: TestMerchant, transfer: BankTransfer): Promise<BankTransfer> {
  const schedule = scheduleOnRail(railOf(transfer), new Date(transfer.created_at));
  await runBatchAt(services, m, new Date(schedule.windowAt.getTime() + 1_000));
  await runBatchAt(services, m, railNoon(transfer, transfer.arrival_date));
  return retrieveTransfer(m, transfer.id);
}

describe("bank transfers: SWIFT wires", () => {
  it("a EUR wire with charge bearer our charges the correspondent fee with ours, in one reservation", async () => {
    const m = await createMerchant();
    const account = await verifiedAccount(m, ibanAccount("FR"));
    await fund(m, "EUR", 200_000);
    const created = await createTransfer(m, {
      direction: "push",
      amount: 100_000,
      currency: "EUR",
      bank_account: account,
      rail: "swift",
      charge_bearer: "our",
    });
    expect(created.status, created.text).toBe(200);
    const { fee, correspondent } = swiftFees.EUR;
    expect(created.body).toMatchObject({
      rail: "swift",
      charge_bearer: "our",
      fee: fee + correspondent,
      correspondent_fee: correspondent,
      estimated_correspondent_fee: 0,
    });
    expect(fee + correspondent).toBe(3_500);
    expect(await reservation(created.body)).toEqual({
      merchant_available: -103_500,
      bank_transfers_in_transit: 100_000,
      fees: 3_500,
    });
    expect((await balances(m, "EUR")).merchant_available).toBe(96_500);
    // Same TARGET2 day: it arrives the day of its cut-off and is final.
    expect(created.body.arrival_date).toBe(created.body.return_deadline);
    expect((await settle(m, created.body)).status).toBe("settled");
    expect((await balances(m, "EUR")).merchant_available).toBe(96_500);
    expect(await transferPostings(m)).toEqual([`bank_transfer:${created.body.id}:reserved`]);

    // sha (the default): our fee only; the intermediaries' deduction is an estimate on the object.
    const shared = await createTransfer(m, {
      direction: "push",
      amount: 50_000,
      currency: "EUR",
      bank_account: account,
      rail: "swift",
    });
    expect(shared.status, shared.text).toBe(200);
    expect(shared.body).toMatchObject({
      charge_bearer: "sha",
      fee,
      correspondent_fee: 0,
      estimated_correspondent_fee: correspondent,
    });
    expect((await balances(m, "EUR")).merchant_available).toBe(96_500 - 50_000 - fee);
  });

  it("a JPY wire (no decimals) to a Japanese account goes by SWIFT by default, fee to the yen", async () => {
    const m = await createMerchant();
    const details = generateBankDetails("JP");
    const account = await verifiedAccount(m, {
      account_holder_name: "Ada KK",
      account_holder_type: "company",
      country: "JP",
      currency: "JPY",
      bank_code: details.routing.bank_code,
      branch_code: details.routing.branch_code,
      account_number: details.accountNumber,
    });
    const yen = await buy(m, "JPY", 100_000);
    const amount = 50_000;
    const created = await createTransfer(m, {
      direction: "push",
      amount,
      currency: "JPY",
      bank_account: account,
      charge_bearer: "our",
    });
    expect(created.status, created.text).toBe(200);
    expect(created.body).toMatchObject({ rail: "swift", fee: 5_500, correspondent_fee: 2_500 });
    expect(await reservation(created.body)).toEqual({
      merchant_available: -(amount + 5_500),
      bank_transfers_in_transit: amount,
      fees: 5_500,
    });
    expect((await balances(m, "JPY")).merchant_available).toBe(yen - amount - 5_500);
    // Tokyo's calendar: it arrives the next Japanese business day after its window.
    const schedule = scheduleOnRail(railOf(created.body), new Date(created.body.created_at));
    expect(created.body.arrival_date > schedule.windowDate).toBe(true);
    expect((await settle(m, created.body)).status).toBe("settled");
  });

  it("refuses a currency the account does not hold, an amount over the limit and an unknown charge bearer, reserving nothing", async () => {
    const m = await createMerchant();
    const account = await verifiedAccount(m, ibanAccount("DE"));
    await fund(m, "EUR", 10_000);
    const push = { direction: "push", amount: 1_000, currency: "EUR", bank_account: account, rail: "swift" };
    refused(await createTransfer(m, { ...push, currency: "CHF" }), "currency_unsupported", "currency");
    refused(await createTransfer(m, { ...push, amount: 1_000_000_001 }), "rail_limit_exceeded", "amount");
    refused(await createTransfer(m, { ...push, charge_bearer: "ben" }), "parameter_invalid", "charge_bearer");
    refused(
      await createTransfer(m, { ...push, rail: "sepa_credit", charge_bearer: "our" }),
      "parameter_invalid",
      "charge_bearer",
    );
    expect(await countTransfers(m)).toBe(0);
    expect(await transferPostings(m)).toEqual([]);
    expect((await balances(m, "EUR")).merchant_available).toBe(10_000);
  });
});
