import { describe, expect, it } from "vitest";
import { createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { at, ibanAccount, usAccount } from "../bank-accounts/test-accounts";
import {
  balances,
  countTransfers,
  createTransfer,
  customerMandate,
  fund,
  retrieveTransfer,
  transferPostings,
  verifiedAccount,
} from "./bank-transfers-testing";
import { bankTransferFees } from "./fees";
import type { BankTransfer } from "./schemas";

async function expectNothingWritten(m: TestMerchant, available: number): Promise<void> {
  expect(await transferPostings(m)).toEqual([]);
  expect(await countTransfers(m)).toBe(0);
  expect((await balances(m, "USD")).merchant_available).toBe(available);
}

describe("bank transfers: refusals write nothing", () => {
  it("pushes: bad input, unverified account, wrong currency for the rail, over the rail limit, a debit rail, an unreachable account", async () => {
    const m = await createMerchant();
    const account = await verifiedAccount(m, usAccount());
    const unverified = (await m.sandbox.request<{ id: string }>("POST", "/bank-accounts", usAccount())).body
      .id;
    const euro = await verifiedAccount(m, ibanAccount("DE"));
    await fund(m, "USD", 5_000);
    const push = { direction: "push", amount: 1_000, currency: "USD", bank_account: account };

    expectError(await createTransfer(m, { ...push, amount: -5 }), 400, "amount_invalid");
    expectError(await createTransfer(m, { ...push, direction: "sideways" }), 400, "parameter_invalid");
    expectError(await createTransfer(m, { ...push, rail: "carrier_pigeon" }), 400, "parameter_invalid");
    expectError(await createTransfer(m, { ...push, surprise: 1 }), 400, "parameter_unknown");
    expectError(await createTransfer(m, { ...push, mandate: "mdt_x" }), 400, "parameter_invalid");
    expectError(
      await createTransfer(m, { ...push, bank_account: unverified }),
      409,
      "bank_account_unverified",
    );
    expectError(await createTransfer(m, { ...push, currency: "EUR" }), 400, "currency_unsupported");
    expectError(await createTransfer(m, { ...push, rail: "sepa_credit" }), 400, "currency_unsupported");
    expectError(
      await createTransfer(m, { ...push, amount: 100_000_001, rail: "ach_same_day" }),
      400,
      "rail_limit_exceeded",
    );
    expectError(await createTransfer(m, { ...push, rail: "sepa_debit" }), 400, "rail_unsupported");
    expectError(
      await createTransfer(m, { ...push, currency: "EUR", bank_account: euro, rail: "sepa_debit" }),
      400,
      "rail_unsupported",
    );
    expectError(
      await createTransfer(m, {
        ...push,
        currency: "EUR",
        bank_account: euro,
        amount: 10_000_001,
        rail: "sepa_instant",
      }),
      400,
      "rail_limit_exceeded",
    );
    expectError(await createTransfer(m, { ...push, amount: 5_001 }), 402, "insufficient_funds");
    expectError(await createTransfer(m, { ...push, bank_account: "ba_missing" }), 404, "resource_missing");
    expectError(
      await m.production.request("POST", "/bank-transfers", push),
      403,
      "account_verification_required",
    );
    await expectNothingWritten(m, 5_000);
  });

  it("pulls: without a mandate, revoked, expired, for another account, on a rail that is not the mandate's", async () => {
    const m = await createMerchant();
    const { bankAccount, mandate } = await customerMandate(m, usAccount(), "ach_debit");
    const other = await customerMandate(m, usAccount(), "ach_debit");
    const expiring = await customerMandate(m, usAccount(), "ach_debit", {
      expires_at: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const revoked = await customerMandate(m, usAccount(), "ach_debit");
    expect((await m.sandbox.request("POST", `/mandates/${revoked.mandate}/revoke`)).status).toBe(200);
    const pull = { direction: "pull", amount: 1_000, currency: "USD", bank_account: bankAccount, mandate };

    expectError(await createTransfer(m, { ...pull, mandate: undefined }), 400, "mandate_required");
    expectError(
      await createTransfer(m, { ...pull, bank_account: revoked.bankAccount, mandate: revoked.mandate }),
      409,
      "mandate_not_active",
    );
    expectError(
      await m.sandbox.request(
        "POST",
        "/bank-transfers",
        { ...pull, bank_account: expiring.bankAccount, mandate: expiring.mandate },
        at(2),
      ),
      409,
      "mandate_not_active",
    );
    expectError(await createTransfer(m, { ...pull, mandate: other.mandate }), 400, "mandate_mismatch");
    expectError(await createTransfer(m, { ...pull, rail: "wire" }), 400, "rail_unsupported");
    // A pull must collect more than its fee (ACH 25, same-day 100).
    expectError(await createTransfer(m, { ...pull, amount: 25 }), 400, "amount_invalid");
    expectError(
      await createTransfer(m, { ...pull, amount: 100, rail: "ach_same_day" }),
      400,
      "amount_invalid",
    );
    expectError(await createTransfer(m, { ...pull, rail: "sepa_debit" }), 400, "currency_unsupported");
    expectError(await createTransfer(m, { ...pull, currency: "EUR" }), 400, "currency_unsupported");
    expectError(
      await createTransfer(m, { ...pull, amount: 100_000_001, rail: "ach_same_day" }),
      400,
      "rail_limit_exceeded",
    );
    expectError(await createTransfer(m, { ...pull, mandate: "mdt_missing" }), 404, "resource_missing");
    expect(await countTransfers(m)).toBe(0);
    expect(await transferPostings(m)).toEqual([]);

    // The same mandate, still active, pulls on ACH same-day too.
    const sameDay = await createTransfer(m, { ...pull, rail: "ach_same_day" });
    expect(sameDay.status, sameDay.text).toBe(200);
  });

  it("another merchant's transfers, accounts and mandates are 404, and so is the other environment", async () => {
    const m = await createMerchant();
    const other = await createMerchant();
    const theirAccount = await verifiedAccount(other, usAccount());
    const theirs = await customerMandate(other, usAccount(), "ach_debit");
    await fund(other, "USD", 2_000);
    const transfer = (
      await createTransfer(other, {
        direction: "push",
        amount: 500,
        currency: "USD",
        bank_account: theirAccount,
      })
    ).body;
    const mine = await customerMandate(m, usAccount(), "ach_debit");

    expectError(
      await createTransfer(m, {
        direction: "push",
        amount: 100,
        currency: "USD",
        bank_account: theirAccount,
      }),
      404,
      "resource_missing",
    );
    expectError(
      await createTransfer(m, {
        direction: "pull",
        amount: 100,
        currency: "USD",
        bank_account: mine.bankAccount,
        mandate: theirs.mandate,
      }),
      404,
      "resource_missing",
    );
    expectError(await m.sandbox.request("GET", `/bank-transfers/${transfer.id}`), 404, "resource_missing");
    expectError(
      await m.sandbox.request("POST", `/bank-transfers/${transfer.id}/cancel`),
      404,
      "resource_missing",
    );
    expectError(
      await m.sandbox.request("GET", `/status/bank-transfers/${transfer.id}`),
      404,
      "resource_missing",
    );
    expectError(
      await other.production.request("GET", `/bank-transfers/${transfer.id}`),
      404,
      "resource_missing",
    );
    const listed = await m.sandbox.request<{ data: BankTransfer[] }>("GET", "/bank-transfers");
    expect(listed.body.data).toEqual([]);
    expect((await retrieveTransfer(other, transfer.id)).status).toBe("pending");
  });
});

describe("bank transfers: concurrency and retries", () => {
  it("30 pushes racing on a balance that covers 12: exactly 12 reserve, the rest 402 with nothing reserved", async () => {
    const m = await createMerchant();
    const account = await verifiedAccount(m, usAccount());
    // Each push costs its amount and the ACH fee.
    await fund(m, "USD", 12 * (100 + bankTransferFees.ach_standard));
    const answers = await Promise.all(
      Array.from({ length: 30 }, () =>
        createTransfer(m, { direction: "push", amount: 100, currency: "USD", bank_account: account }),
      ),
    );
    expect(answers.filter((res) => res.status === 200)).toHaveLength(12);
    for (const res of answers.filter((answer) => answer.status !== 200)) {
      expectError(res, 402, "insufficient_funds");
    }
    expect(await balances(m, "USD")).toMatchObject({
      merchant_available: 0,
      bank_transfers_in_transit: 1_200,
      fees: 12 * bankTransferFees.ach_standard,
    });
    expect(await countTransfers(m)).toBe(12);
    expect(await transferPostings(m)).toHaveLength(12);
  });

  it("a retried POST with the same Idempotency-Key creates one transfer and reserves once", async () => {
    const m = await createMerchant();
    const account = await verifiedAccount(m, usAccount());
    await fund(m, "USD", 5_000);
    const body = { direction: "push", amount: 1_500, currency: "USD", bank_account: account };
    const key = { "Idempotency-Key": `bt-${crypto.randomUUID()}` };
    const first = await createTransfer(m, body, key);
    const again = await createTransfer(m, body, key);
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await transferPostings(m)).toEqual([`bank_transfer:${first.body.id}:reserved`]);
    expect((await balances(m, "USD")).merchant_available).toBe(3_500 - bankTransferFees.ach_standard);
  });
});
