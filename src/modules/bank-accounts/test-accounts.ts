import { expect } from "vitest";
import { query } from "../../../test/db";
import type { TestMerchant } from "../../../test/harness";
import { generateBankDetails } from "../../core/bank-details";

/** Shared by this module's test files: request bodies with fresh numbers, and small readers. */
export interface BankAccount {
  id: string;
  object: string;
  status: string;
  last4: string;
  fingerprint: string;
  customer: string | null;
  routing: Record<string, string>;
  verification: { attempts_remaining: number; failure_reason: string | null } | null;
  sandbox_micro_deposits: { amounts: number[] | null; descriptor_code: string | null } | null;
}

export const DAY = 86_400;
export const at = (days: number) => ({ "x-test-clock-offset-seconds": String(days * DAY) });

export function usAccount() {
  const details = generateBankDetails("US");
  return {
    account_holder_name: "Ada Lovelace",
    account_holder_type: "individual",
    country: "US",
    currency: "USD",
    routing_number: details.routing.routing_number,
    account_number: details.accountNumber,
  };
}

export function ibanAccount(country = "DE") {
  const { iban } = generateBankDetails(country);
  return { account_holder_name: "Ada GmbH", account_holder_type: "company", country, currency: "EUR", iban };
}

export async function save(m: TestMerchant, body: Record<string, unknown>): Promise<BankAccount> {
  const created = await m.sandbox.request<BankAccount>("POST", "/bank-accounts", body);
  expect(created.status, created.text).toBe(200);
  return created.body;
}

export async function countAccounts(m: TestMerchant): Promise<number> {
  const rows = await query<{ n: number }>(
    "select count(*)::int as n from bank_accounts where merchant_id = $1",
    [m.merchantId],
  );
  return rows[0]?.n ?? 0;
}
