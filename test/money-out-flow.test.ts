// Issue 13's "Done when", end to end over the API with a test clock driving it: a merchant verifies
// a bank account by micro-deposits, receives EUR into a virtual IBAN converted to USD, is paid by a
// subscriber whose payment settles as the clock passes the schedule, reads a settlement report that
// matches the ledger, pays out to the bank account in one batch, and sees a return handled.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Services } from "../src/core/context";
import { checkLedgerInvariants } from "../src/core/ledger";
import { magicAmount } from "../src/core/rails";
import { type BankAccount, save, usAccount } from "../src/modules/bank-accounts/test-accounts";
import { balances, eventTypes } from "../src/modules/payouts/payouts-testing";
import type { Payout } from "../src/modules/payouts/schemas";
import { reconcileSettlements } from "../src/modules/settlements/service";
import {
  advance,
  clockCustomer,
  getInvoice,
  monthlyPrice,
  newClock,
  subscribe,
} from "../src/modules/subscriptions/testing";
import { baseUrl, createMerchant, type TestMerchant } from "./harness";
import { nodeServices } from "./node-services";

let services: Services;

beforeAll(() => {
  services = nodeServices();
});

afterAll(async () => {
  await services.close();
});

interface Settlement {
  id: string;
  currency: string;
  net: number;
  gross: number;
  fees: number;
  charge_count: number;
  test_clock: string | null;
}

/** Monday 1 February 2027, 09:00 in New York: a business day before ACH's first cut-off. */
const START = "2027-02-01T14:00:00.000Z";
const DAY_MS = 86_400_000;

async function ok<T>(m: TestMerchant, method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
  const response = await m.sandbox.request<T>(method, path, body);
  expect(response.status, `${method} ${path}: ${response.text}`).toBe(200);
  return response.body;
}

/** A USD bank account of the merchant, verified by the two micro-deposit amounts. */
async function verifiedByMicroDeposits(m: TestMerchant): Promise<string> {
  const account = await save(m, usAccount());
  const started = await ok<BankAccount>(m, "POST", `/bank-accounts/${account.id}/verify/micro-deposits`, {});
  const amounts = started.sandbox_micro_deposits?.amounts ?? [];
  expect(amounts).toHaveLength(2);
  const verified = await ok<BankAccount>(m, "POST", `/bank-accounts/${account.id}/verify`, { amounts });
  expect(verified.status).toBe("verified");
  return account.id;
}

describe("money out, end to end on a test clock", () => {
  it("virtual IBAN in, converted; a settlement that matches the ledger; a batch of payouts out; a return handled", async () => {
    // Fresh FX rates for the conversion on receipt.
    await fetch(`${baseUrl()}/internal/dev/scheduled?cron=${encodeURIComponent("* * * * *")}`);
    const m = await createMerchant();
    const bankAccount = await verifiedByMicroDeposits(m);

    const ibanAccount = await ok<{ id: string; bank_details: { iban: string } }>(
      m,
      "POST",
      "/global-accounts",
      {
        country: "DE",
        currency: "EUR",
        auto_convert_to: "USD",
      },
    );
    expect(ibanAccount.bank_details.iban).toMatch(/^DE\d{20}$/);
    const received = await ok<{ conversion: { currency: string; amount: number; failure: string | null } }>(
      m,
      "POST",
      `/global-accounts/${ibanAccount.id}/simulate-incoming-transfer`,
      { amount: 250_000, currency: "EUR", payer_name: "Acme SARL", reference: "INV-2027-7" },
    );
    expect(received.conversion).toMatchObject({ currency: "USD", failure: null });
    const converted = received.conversion.amount;
    expect(converted).toBeGreaterThan(0);
    expect(await balances(m, "EUR")).toMatchObject({ merchant_available: 0 });
    expect((await balances(m, "USD")).merchant_available).toBe(converted);

    // A subscriber on the clock pays 900.00; the payment matures, then the daily schedule settles it.
    const clock = await newClock(m, START);
    const customer = await clockCustomer(m, clock);
    const subscription = await subscribe(m, {
      customer,
      items: [{ price: await monthlyPrice(m, 90_000, "Platform") }],
    });
    const invoice = await getInvoice(m, subscription.latest_invoice);
    expect(invoice.status).toBe("paid");
    const payment = await ok<{ id: string; available_on: string }>(m, "GET", `/payments/${invoice.payment}`);
    const settlesAt = Math.ceil(Date.parse(payment.available_on) / DAY_MS) * DAY_MS;
    await advance(m, clock, new Date(settlesAt + 3_600_000).toISOString());

    const [settlement, ...others] = (await ok<{ data: Settlement[] }>(m, "GET", "/settlements")).data;
    expect(others).toEqual([]);
    expect(settlement).toMatchObject({ currency: "USD", test_clock: clock, gross: 90_000, charge_count: 1 });
    if (!settlement) throw new Error("not settled");
    expect(settlement.net).toBe(90_000 - settlement.fees);
    const items = await ok<{ data: { source: string; net: number }[] }>(
      m,
      "GET",
      `/settlements/${settlement.id}/transactions`,
    );
    expect(items.data).toEqual([expect.objectContaining({ source: payment.id, net: settlement.net })]);
    const csv = await fetch(`${baseUrl()}/api/v1/settlements/${settlement.id}/export.csv`, {
      headers: m.sandbox.headers,
    });
    const lines = (await csv.text()).split("\r\n");
    expect(lines[1]?.split(",").slice(3, 6)).toEqual([String(settlement.net), "charge", payment.id]);
    const reconciliation = await reconcileSettlements(
      { merchantId: m.merchantId, environment: "sandbox" },
      services.db,
    );
    expect(reconciliation.violations).toEqual([]);
    const available = converted + settlement.net;
    expect((await balances(m, "USD")).merchant_available).toBe(available);

    // Two payouts on the clock, in one batch: one paid, one paid and then returned (R01).
    const paidAmount = 50_000;
    const returnedAmount = 100_000 + magicAmount("R01", "return");
    const payouts: Payout[] = [];
    for (const amount of [paidAmount, returnedAmount]) {
      payouts.push(
        await ok<Payout>(m, "POST", "/payouts", {
          amount,
          currency: "USD",
          destination: bankAccount,
          test_clock: clock,
        }),
      );
    }
    expect((await balances(m, "USD")).merchant_available).toBe(available - paidAmount - returnedAmount);
    const [paid, returned] = payouts;
    if (!paid || !returned) throw new Error("payouts missing");
    await advance(m, clock, new Date(settlesAt + 8 * DAY_MS).toISOString());

    const paidNow = await ok<Payout>(m, "GET", `/payouts/${paid.id}`);
    const returnedNow = await ok<Payout>(m, "GET", `/payouts/${returned.id}`);
    expect(paidNow).toMatchObject({ status: "paid", test_clock: clock });
    expect(paidNow.batch).toMatch(/^pob_/);
    expect(returnedNow.batch).toBe(paidNow.batch);
    expect(returnedNow).toMatchObject({ status: "failed", failure_code: "R01" });
    expect(returnedNow.returned_at).not.toBeNull();
    expect(await eventTypes(returned.id)).toEqual([
      "payout.created",
      "payout.in_transit",
      "payout.paid",
      "payout.returned",
    ]);
    // The return put its funds back once; what was paid stays out.
    expect((await balances(m, "USD")).merchant_available).toBe(available - paidAmount);
    const invariants = await checkLedgerInvariants(
      { merchantId: m.merchantId, environment: "sandbox" },
      services.db,
    );
    expect(invariants.violations).toEqual([]);
  }, 180_000);
});
