import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { nodeServices } from "../../../test/node-services";
import type { Services } from "../../core/context";
import { rails, scheduleOnRail } from "../../core/rails";
import { addDays } from "../../core/rails/holidays";
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
import type { BankTransfer } from "./schemas";

let services: Services;

beforeAll(() => {
  services = nodeServices();
});

afterAll(async () => {
  await services.close();
});

const runAt = (m: TestMerchant, at: Date) => runBatchAt(services, m, at);

/** POST /sandbox/bank-transfers/{id}/return with the services clock at `at`. */
function returnAt(
  m: TestMerchant,
  id: string,
  code: unknown,
  at: Date,
  headers: Record<string, string> = {},
) {
  const offset = String(Math.ceil((at.getTime() - Date.now()) / 1000));
  return m.sandbox.request<BankTransfer>(
    "POST",
    `/sandbox/bank-transfers/${id}/return`,
    { code },
    { "x-test-clock-offset-seconds": offset, ...headers },
  );
}

async function returnEvents(m: TestMerchant): Promise<number> {
  const [row] = await query<{ n: number }>(
    "select count(*)::int as n from events where merchant_id = $1 and type in ('bank_transfer.returned', 'bank_transfer.failed')",
    [m.merchantId],
  );
  return row?.n ?? 0;
}

/** A settled ACH pull whose funds became available. */
async function availablePull(m: TestMerchant, amount: number): Promise<BankTransfer> {
  const { bankAccount, mandate } = await customerMandate(m, usAccount(), "ach_debit");
  const res = await createTransfer(m, {
    direction: "pull",
    amount,
    currency: "USD",
    bank_account: bankAccount,
    mandate,
  });
  expect(res.status, res.text).toBe(200);
  await runAt(m, railNoon(res.body, res.body.arrival_date));
  await runAt(m, railNoon(res.body, res.body.available_on ?? ""));
  return retrieveTransfer(m, res.body.id);
}

describe("POST /sandbox/bank-transfers/{id}/return", () => {
  it("returns a settled pull R10 on day 30 through the simulator's path; R01 after its two days and R10 after 60 are refused", async () => {
    const m = await createMerchant();
    const pull = await availablePull(m, 40_000);
    expect(pull).toMatchObject({ status: "settled", funds_available_at: expect.any(String) });
    expect(await balances(m, "USD")).toMatchObject({ merchant_available: 39_975, fees: 25 });

    // Outside the code's window: nothing changes.
    expectError(
      await returnAt(m, pull.id, "R01", railNoon(pull, addDays(pull.arrival_date, 10))),
      409,
      "bank_transfer_not_returnable",
    );
    expectError(
      await returnAt(m, pull.id, "R10", railNoon(pull, addDays(pull.arrival_date, 61))),
      409,
      "bank_transfer_not_returnable",
    );
    expect(await retrieveTransfer(m, pull.id)).toMatchObject({ status: "settled", failure_code: null });
    expect(await returnEvents(m)).toBe(0);

    const key = { "idempotency-key": `return-${crypto.randomUUID()}` };
    const returned = await returnAt(m, pull.id, "R10", railNoon(pull, addDays(pull.arrival_date, 30)), key);
    expect(returned.status, returned.text).toBe(200);
    expect(returned.body).toMatchObject({
      status: "returned",
      failure_code: "R10",
      failure_message: "Customer advises not authorized",
      returned_at: expect.any(String),
    });
    // The whole credit is reversed, the fee with it.
    expect(await balances(m, "USD")).toMatchObject({ merchant_available: 0, merchant_pending: 0, fees: 0 });
    expect((await eventTypes(pull.id)).at(-1)).toBe("bank_transfer.returned");
    expect(await transferPostings(m)).toContain(`bank_transfer:${pull.id}:returned`);
    // A retry with its key is replayed; another return is refused; the batch returns nothing twice.
    const replay = await returnAt(m, pull.id, "R10", railNoon(pull, addDays(pull.arrival_date, 30)), key);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expectError(await returnAt(m, pull.id, "R29", new Date()), 409, "bank_transfer_not_returnable");
    await runAt(m, railNoon(pull, addDays(pull.arrival_date, 60)));
    expect(await balances(m, "USD")).toMatchObject({ merchant_available: 0, merchant_pending: 0 });
    expect(await returnEvents(m)).toBe(1);
  });

  it("fails a submitted push with the code (its reservation released) and returns a settled one within the rail's window", async () => {
    const m = await createMerchant();
    const account = await verifiedAccount(m, usAccount());
    await fund(m, "USD", 20_000);
    const push = async (amount: number) => {
      const res = await createTransfer(m, {
        direction: "push",
        amount,
        currency: "USD",
        bank_account: account,
      });
      expect(res.status, res.text).toBe(200);
      return res.body;
    };
    const submitted = await push(3_000);
    const settled = await push(5_000);
    const { windowAt } = scheduleOnRail(rails.ach_standard, new Date(submitted.created_at));
    const afterCutOff = new Date(windowAt.getTime() + 60_000);
    await runAt(m, afterCutOff);
    expect(await retrieveTransfer(m, submitted.id)).toMatchObject({ status: "submitted" });

    const failed = await returnAt(m, submitted.id, "R03", afterCutOff);
    expect(failed.status, failed.text).toBe(200);
    expect(failed.body).toMatchObject({
      status: "failed",
      failure_code: "R03",
      failed_at: expect.any(String),
    });
    expect(await balances(m, "USD")).toMatchObject({
      merchant_available: 15_000 - 25,
      bank_transfers_in_transit: 5_000,
      fees: 25,
    });

    await runAt(m, railNoon(settled, settled.arrival_date));
    const returned = await returnAt(m, settled.id, "R02", railNoon(settled, settled.return_deadline));
    expect(returned.status, returned.text).toBe(200);
    expect(returned.body).toMatchObject({ status: "returned", failure_code: "R02" });
    expect(await balances(m, "USD")).toMatchObject({
      merchant_available: 20_000,
      bank_transfers_in_transit: 0,
      fees: 0,
    });
    expect(await eventTypes(settled.id)).toEqual([
      "bank_transfer.created",
      "bank_transfer.submitted",
      "bank_transfer.settled",
      "bank_transfer.returned",
    ]);
  });

  it("refuses codes of another rail, pending transfers, final rails, other merchants' ids and production, writing nothing", async () => {
    const m = await createMerchant();
    const account = await verifiedAccount(m, usAccount());
    await fund(m, "USD", 10_000);
    const pending = (
      await createTransfer(m, { direction: "push", amount: 1_000, currency: "USD", bank_account: account })
    ).body;
    const now = new Date();
    for (const code of ["AM04", "R99", "r10"]) {
      expectError(await returnAt(m, pending.id, code, now), 400, "return_code_invalid");
    }
    expectError(await returnAt(m, pending.id, "", now), 400, "parameter_invalid");
    expectError(await returnAt(m, pending.id, 10, now), 400, "parameter_invalid");
    expectError(await returnAt(m, pending.id, "R01", now), 409, "bank_transfer_not_returnable");
    const extra = await m.sandbox.request("POST", `/sandbox/bank-transfers/${pending.id}/return`, {
      code: "R01",
      when: "now",
    });
    expectError(extra, 400, "parameter_unknown");

    // A wire is final once paid.
    const wire = (
      await createTransfer(m, {
        direction: "push",
        amount: 2_000,
        currency: "USD",
        bank_account: account,
        rail: "wire",
      })
    ).body;
    const wireCutOff = scheduleOnRail(rails.wire, new Date(wire.created_at)).windowAt;
    await runAt(m, new Date(wireCutOff.getTime() + 60_000));
    expect(await retrieveTransfer(m, wire.id)).toMatchObject({ status: "settled" });
    expectError(await returnAt(m, wire.id, "R01", now), 400, "return_code_invalid");
    // SEPA Instant carries SEPA codes, but is final once paid too.
    const euro = await verifiedAccount(m, ibanAccount());
    await fund(m, "EUR", 5_000);
    const instant = (
      await createTransfer(m, {
        direction: "push",
        amount: 2_000,
        currency: "EUR",
        bank_account: euro,
        rail: "sepa_instant",
      })
    ).body;
    await runAt(m, new Date(Date.parse(instant.created_at) + 60_000));
    expect(await retrieveTransfer(m, instant.id)).toMatchObject({ status: "settled" });
    expectError(await returnAt(m, instant.id, "AM04", now), 409, "bank_transfer_not_returnable");

    const other = await createMerchant();
    expectError(await returnAt(other, pending.id, "R01", now), 404, "resource_missing");
    expectError(
      await m.production.request("POST", `/sandbox/bank-transfers/${pending.id}/return`, { code: "R01" }),
      403,
      "sandbox_only",
    );
    // (The batch runs above submitted it; the refused returns changed nothing.)
    expect(await retrieveTransfer(m, pending.id)).toMatchObject({ failure_code: null, failed_at: null });
    expect(await returnEvents(m)).toBe(0);
  });
});
