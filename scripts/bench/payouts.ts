// The payouts scenario's setup for `npm run bench`: a verified bank account of the merchant and a
// balance large enough for every payout of the load. Dev tooling only.
import { generateBankDetails } from "../../src/core/bank-details";
import type { BenchMerchant } from "./load";

async function postJson<T>(
  baseUrl: string,
  merchant: BenchMerchant,
  path: string,
  body: unknown,
): Promise<T> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { ...merchant.headers, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.status !== 200) throw new Error(`bench payouts setup: ${path} answered ${response.status}`);
  return (await response.json()) as T;
}

/** Each payout of the load: USD 1.00 on ACH, far below the funded balance. */
const PAYOUT_AMOUNT = 100;

/** The body every payout of the scenario posts: to a verified USD account, from a funded balance. */
export async function benchPayoutBody(baseUrl: string, merchant: BenchMerchant): Promise<string> {
  const details = generateBankDetails("US");
  const account = await postJson<{ id: string }>(baseUrl, merchant, "/api/v1/bank-accounts", {
    account_holder_name: "Bench Payee",
    account_holder_type: "company",
    country: "US",
    currency: "USD",
    routing_number: details.routing.routing_number,
    account_number: details.accountNumber,
  });
  await postJson(baseUrl, merchant, `/api/v1/bank-accounts/${account.id}/verify/instant`, {});
  const deposit = await postJson<{ id: string }>(baseUrl, merchant, "/api/v1/funding/deposits", {
    amount: 1_000_000_000_000,
    currency: "USD",
    method: "wire",
  });
  await postJson(baseUrl, merchant, `/api/v1/sandbox/funding/deposits/${deposit.id}/receive`, {});
  return JSON.stringify({ amount: PAYOUT_AMOUNT, currency: "USD", destination: account.id });
}
