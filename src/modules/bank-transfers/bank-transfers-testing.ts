import { expect } from "vitest";
import { payoutBatch } from "../../../functions/payout-batch";
import { query } from "../../../test/db";
import type { TestMerchant } from "../../../test/harness";
import { runFunction } from "../../core/background-functions";
import type { Services } from "../../core/context";
import { railOf } from "../../core/rails";
import { zonedInstant } from "../../core/rails/zoned";
import type { BankTransfer } from "./schemas";

/** Shared by this module's test files: accounts, mandates, funds, the batch on a clock, readers. */

/**
 * Runs payout-batch at `at` on the services clock, in a window no other run shares, for one merchant
 * only: other files' transfers and payouts stay where their own tests put them.
 */
export async function runBatchAt(
  services: Services,
  m: TestMerchant,
  at: Date,
): Promise<Record<string, unknown>> {
  const window = new Date(Date.UTC(2003, 0, 1) + Math.floor(Math.random() * 1_000_000) * 60_000);
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

/** Noon of a rail-local day in the transfer's rail zone. */
export const railNoon = (transfer: BankTransfer, day: string) =>
  zonedInstant(day, "12:00", railOf(transfer).timeZone);

export async function verifiedAccount(m: TestMerchant, body: Record<string, unknown>): Promise<string> {
  const saved = await m.sandbox.request<{ id: string }>("POST", "/bank-accounts", body);
  expect(saved.status, saved.text).toBe(200);
  const verified = await m.sandbox.request<{ status: string }>(
    "POST",
    `/bank-accounts/${saved.body.id}/verify/instant`,
  );
  expect(verified.body.status).toBe("verified");
  return saved.body.id;
}

/** A customer's verified account and an active mandate on it. */
export async function customerMandate(
  m: TestMerchant,
  account: Record<string, unknown>,
  type: "ach_debit" | "sepa_debit",
  extra: Record<string, unknown> = {},
): Promise<{ bankAccount: string; mandate: string }> {
  const customer = await m.sandbox.request<{ id: string }>("POST", "/customers", {
    email: `payer-${crypto.randomUUID()}@example.com`,
  });
  expect(customer.status, customer.text).toBe(200);
  const bankAccount = await verifiedAccount(m, { ...account, customer: customer.body.id });
  const mandate = await m.sandbox.request<{ id: string }>("POST", "/mandates", {
    bank_account: bankAccount,
    type,
    acceptance: { type: "online", ip_address: "203.0.113.7", user_agent: "test" },
    ...extra,
  });
  expect(mandate.status, mandate.text).toBe(200);
  return { bankAccount, mandate: mandate.body.id };
}

export async function fund(m: TestMerchant, currency: "USD" | "EUR", amount: number): Promise<void> {
  const deposit = await m.sandbox.request<{ id: string }>("POST", "/funding/deposits", {
    amount,
    currency,
    method: currency === "USD" ? "ach" : "sepa",
  });
  expect(deposit.status, deposit.text).toBe(200);
  const received = await m.sandbox.request("POST", `/sandbox/funding/deposits/${deposit.body.id}/receive`);
  expect(received.status, received.text).toBe(200);
}

export async function balances(m: TestMerchant, currency: string): Promise<Record<string, number>> {
  const rows = await query<{ kind: string; balance: string }>(
    "select kind, balance from ledger_accounts where merchant_id = $1 and environment = 'sandbox' and currency = $2",
    [m.merchantId, currency],
  );
  return Object.fromEntries(rows.map((row) => [row.kind, Number(row.balance)]));
}

/** The sources of the merchant's bank transfer postings, sorted. */
export async function transferPostings(m: TestMerchant): Promise<string[]> {
  const rows = await query<{ source: string }>(
    "select source from ledger_transactions where merchant_id = $1 and type = 'bank_transfer' order by source",
    [m.merchantId],
  );
  return rows.map((row) => row.source);
}

export async function countTransfers(m: TestMerchant): Promise<number> {
  const [row] = await query<{ n: number }>(
    "select count(*)::int as n from bank_transfers where merchant_id = $1",
    [m.merchantId],
  );
  return row?.n ?? 0;
}

const lifecycle = ["created", "submitted", "settled", "funds_available", "failed", "returned", "canceled"];

/**
 * A transfer's event types, oldest first. One batch run may take a transfer through several steps
 * at the same instant (submitted and settled), so ties are broken by the lifecycle's order.
 */
export async function eventTypes(id: string): Promise<string[]> {
  const rows = await query<{ type: string; at: number }>(
    "select type, extract(epoch from created_at)::float8 as at from events where object_id = $1",
    [id],
  );
  const rank = (type: string) => lifecycle.indexOf(type.replace("bank_transfer.", ""));
  rows.sort((a, b) => Number(a.at) - Number(b.at) || rank(a.type) - rank(b.type));
  return rows.map((row) => row.type);
}

export async function createTransfer(
  m: TestMerchant,
  body: Record<string, unknown>,
  headers?: Record<string, string>,
) {
  return m.sandbox.request<BankTransfer>("POST", "/bank-transfers", body, headers);
}

export async function retrieveTransfer(m: TestMerchant, id: string): Promise<BankTransfer> {
  const res = await m.sandbox.request<BankTransfer>("GET", `/bank-transfers/${id}`);
  expect(res.status, res.text).toBe(200);
  return res.body;
}
