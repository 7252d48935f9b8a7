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
