import { expect } from "vitest";
import type { Client, TestMerchant } from "../../../test/harness";
import { approvedCustomer } from "../../../test/verifications";

/** Test fixtures of the issuing area: funded merchants, cardholders, cards. */

export const billing = {
  address: { line1: "1 Main St", city: "Berlin", postal_code: "10115", country: "DE" },
};

export async function fundMerchant(m: TestMerchant, currency: string, amount: number): Promise<void> {
  const deposit = await m.sandbox.request<{ id: string }>("POST", "/funding/deposits", {
    amount,
    currency,
    method: "wire",
    reference: "issuing test",
  });
  expect(deposit.status).toBe(200);
  const received = await m.sandbox.request(
    "POST",
    `/sandbox/funding/deposits/${deposit.body.id}/receive`,
    {},
  );
  expect(received.status).toBe(200);
}

/** A cardholder; `verified` (default) links it to a customer with approved KYC, so its cards activate. */
export async function createCardholder(
  api: Client,
  extra: Record<string, unknown> = {},
  { verified = true }: { verified?: boolean } = {},
): Promise<string> {
  const created = await api.request<{ id: string }>("POST", "/issuing/cardholders", {
    type: "individual",
    name: "Ada Lovelace",
    email: "ada@example.com",
    phone_number: "+4915112345678",
    billing,
    ...(verified ? { customer: await approvedCustomer(api) } : {}),
    ...extra,
  });
  expect(created.status, created.text).toBe(200);
  return created.body.id;
}

export type TestCard = {
  id: string;
  cardholder: string;
  status: string;
  balance: number;
  currency: string;
  provider: string;
  last4: string;
};

export async function createCard(
  api: Client,
  extra: Record<string, unknown> = {},
  cardholder?: string,
): Promise<TestCard> {
  const holder = cardholder ?? (await createCardholder(api));
  const created = await api.request<TestCard>("POST", "/issuing/cards", {
    cardholder: holder,
    type: "virtual",
    currency: "EUR",
    ...extra,
  });
  expect(created.status, created.text).toBe(200);
  return created.body;
}

/** An active virtual EUR card loaded with `amount` from a freshly funded balance. */
export async function activeLoadedCard(
  m: TestMerchant,
  amount: number,
  extra: Record<string, unknown> = {},
  cardholder?: string,
): Promise<TestCard> {
  await fundMerchant(m, "EUR", amount);
  const card = await createCard(m.sandbox, { status: "active", ...extra }, cardholder);
  const loaded = await m.sandbox.request<TestCard>("POST", `/issuing/cards/${card.id}/load`, { amount });
  expect(loaded.status, loaded.text).toBe(200);
  return loaded.body;
}

export async function cardBalance(m: TestMerchant, id: string): Promise<number> {
  return (await m.sandbox.request<TestCard>("GET", `/issuing/cards/${id}`)).body.balance;
}

export function authorize(
  api: Client,
  card: string,
  amount: number,
  extra: Record<string, unknown> = {},
  headers?: Record<string, string>,
) {
  return api.request<{
    id: string;
    approved: boolean;
    decline_reason: string | null;
    status: string;
    pending_amount: number;
  }>(
    "POST",
    "/issuing/authorizations",
    {
      card,
      amount,
      currency: "EUR",
      channel: "online",
      merchant_data: { name: "Book Shop", category_code: "5942", country: "DE" },
      ...extra,
    },
    headers,
  );
}
