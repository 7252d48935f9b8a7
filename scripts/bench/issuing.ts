// The issuing scenario's setup for `npm run bench`: one active card, loaded from a funded balance,
// so every simulated authorization runs the whole decision (locks, controls, velocity, hold). Dev tooling only.
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
  if (response.status !== 200) throw new Error(`bench issuing setup: ${path} answered ${response.status}`);
  return (await response.json()) as T;
}

/** A customer whose KYC the local Veriff double approved (card activation needs it). */
async function approvedCustomer(baseUrl: string, merchant: BenchMerchant): Promise<string> {
  const customer = await postJson<{ id: string }>(baseUrl, merchant, "/api/v1/customers", {
    name: "Bench Holder",
  });
  const verification = await postJson<{ id: string }>(baseUrl, merchant, "/api/v1/individual_verifications", {
    first_name: "Bench",
    last_name: "Holder",
    date_of_birth: "1990-04-12",
    customer: customer.id,
  });
  await postJson(baseUrl, merchant, `/api/v1/individual_verifications/${verification.id}/submit`, {});
  // The double's decision webhook arrives after its delay.
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const read = await fetch(`${baseUrl}/api/v1/individual_verifications/${verification.id}`, {
      headers: merchant.headers,
    });
    const { status } = (await read.json()) as { status: string };
    if (status === "approved") return customer.id;
    if (status !== "submitted") throw new Error(`bench issuing setup: KYC ended ${status}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("bench issuing setup: no KYC decision from the Veriff double");
}

/** The card every authorization of the scenario goes to, with controls (a daily limit) to check. */
export async function benchCard(baseUrl: string, merchant: BenchMerchant): Promise<string> {
  const funds = 1_000_000_000_000;
  const deposit = await postJson<{ id: string }>(baseUrl, merchant, "/api/v1/funding/deposits", {
    amount: funds,
    currency: "EUR",
    method: "wire",
  });
  await postJson(baseUrl, merchant, `/api/v1/sandbox/funding/deposits/${deposit.id}/receive`, {});
  const holder = await postJson<{ id: string }>(baseUrl, merchant, "/api/v1/issuing/cardholders", {
    type: "individual",
    customer: await approvedCustomer(baseUrl, merchant),
    name: "Bench Holder",
    billing: { address: { line1: "1 Main St", city: "Berlin", postal_code: "10115", country: "DE" } },
  });
  const card = await postJson<{ id: string }>(baseUrl, merchant, "/api/v1/issuing/cards", {
    cardholder: holder.id,
    type: "virtual",
    currency: "EUR",
    status: "active",
    spending_controls: {
      spending_limits: [{ amount: funds, interval: "daily" }],
      blocked_categories: ["gambling"],
    },
  });
  await postJson(baseUrl, merchant, `/api/v1/issuing/cards/${card.id}/load`, { amount: funds });
  return card.id;
}

export function authorizationBody(card: string): string {
  return JSON.stringify({
    card,
    amount: 100,
    currency: "EUR",
    channel: "online",
    merchant_data: { name: "Bench Shop", category_code: "5942", country: "DE" },
  });
}
