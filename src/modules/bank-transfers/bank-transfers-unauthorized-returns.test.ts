import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMerchant, type TestMerchant } from "../../../test/harness";
import { nodeServices } from "../../../test/node-services";
import type { Services } from "../../core/context";
import { magicAmount, railBusinessDaysAfter, rails } from "../../core/rails";
import { addDays } from "../../core/rails/holidays";
import { usAccount } from "../bank-accounts/test-accounts";
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

describe("ACH unauthorized returns: 60 calendar days on debits", () => {
  it("R10 and R07 return a pull late, after its funds became available, on the 60th day and not before", async () => {
    const m = await createMerchant();
    const { bankAccount, mandate } = await customerMandate(m, usAccount(), "ach_debit");
    const pull = async (amount: number) => {
      const res = await createTransfer(m, {
        direction: "pull",
        amount,
        currency: "USD",
        bank_account: bankAccount,
        mandate,
      });
      expect(res.status, res.text).toBe(200);
      return res.body;
    };
    const r10 = await pull(100_000 + magicAmount("R10", "late_return"));
    const r07 = await pull(200_000 + magicAmount("R07", "late_return"));
    const r01 = await pull(300_000 + magicAmount("R01", "late_return"));
    const window = addDays(r10.arrival_date, 60);
    // The stored deadline is the longest any return may come: 60 calendar days for an ACH debit.
    for (const transfer of [r10, r07, r01]) expect(transfer.return_deadline).toBe(window);

    await runAt(m, railNoon(r10, r10.arrival_date));
    await runAt(m, railNoon(r10, r10.available_on ?? ""));
    const arrived = r10.amount + r07.amount + r01.amount - 3 * bankTransferFees.ach_standard;
    expect(await balances(m, "USD")).toMatchObject({ merchant_available: arrived, merchant_pending: 0 });
    // R01 keeps the rail's two business days.
    await runAt(m, railNoon(r01, railBusinessDaysAfter(rails.ach_standard, r01.arrival_date, 2)));
    expect(await retrieveTransfer(m, r01.id)).toMatchObject({ status: "returned", failure_code: "R01" });

    // The unauthorized ones stay settled through day 59…
    await runAt(m, railNoon(r10, addDays(r10.arrival_date, 59)));
    for (const transfer of [r10, r07]) {
      expect(await retrieveTransfer(m, transfer.id)).toMatchObject({ status: "settled", returned_at: null });
    }
    // …and come back on day 60, reversed out of available like a chargeback.
    await runAt(m, railNoon(r10, window));
    expect(await retrieveTransfer(m, r10.id)).toMatchObject({ status: "returned", failure_code: "R10" });
    expect(await retrieveTransfer(m, r07.id)).toMatchObject({ status: "returned", failure_code: "R07" });
    expect(await balances(m, "USD")).toMatchObject({ merchant_available: 0, merchant_pending: 0 });
    expect(await eventTypes(r10.id)).toEqual([
      "bank_transfer.created",
      "bank_transfer.submitted",
      "bank_transfer.settled",
      "bank_transfer.funds_available",
      "bank_transfer.returned",
    ]);
    const sources = await transferPostings(m);
    expect(sources.filter((source) => source.startsWith(`bank_transfer:${r10.id}:`))).toEqual([
      `bank_transfer:${r10.id}:available`,
      `bank_transfer:${r10.id}:returned`,
      `bank_transfer:${r10.id}:settled`,
    ]);
    // A later run returns nothing twice.
    await runAt(m, railNoon(r10, addDays(window, 1)));
    expect(await balances(m, "USD")).toMatchObject({ merchant_available: 0, merchant_pending: 0 });
  });

  it("a push (credit) returned R10 keeps the rail's two business days", async () => {
    const m = await createMerchant();
    const account = await verifiedAccount(m, usAccount());
    await fund(m, "USD", 50_000);
    const res = await createTransfer(m, {
      direction: "push",
      amount: 10_000 + magicAmount("R10", "late_return"),
      currency: "USD",
      bank_account: account,
    });
    expect(res.status, res.text).toBe(200);
    const push: BankTransfer = res.body;
    const deadline = railBusinessDaysAfter(rails.ach_standard, push.arrival_date, 2);
    expect(push.return_deadline).toBe(deadline);
    await runAt(m, railNoon(push, push.arrival_date));
    await runAt(m, railNoon(push, deadline));
    expect(await retrieveTransfer(m, push.id)).toMatchObject({ status: "returned", failure_code: "R10" });
    expect(await balances(m, "USD")).toMatchObject({ merchant_available: 50_000, fees: 0 });
  });
});
