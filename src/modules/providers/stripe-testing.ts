import { expect } from "vitest";
import { query } from "../../../test/db";
import type { Client } from "../../../test/harness";
import type { StripeMock } from "../../../test/stripe-mock";

export type Payment = {
  id: string;
  status: string;
  amount_received: number;
  fee: number;
  provider: string | null;
  decline_code: string | null;
  failure_code: string | null;
  next_action: { type: string; url?: string } | null;
  routing: {
    provider: string;
    attempts: Array<{ provider: string; outcome: string; code: string | null }>;
  } | null;
};
export type Refund = { id: string; status: string; amount: number; failure_code: string | null };
export type ErrorBody = { error: { code: string; type: string; decline_code?: string; payment_id?: string } };

export const SECRET_KEY = "sk_test_mock51AbCdEfGh";
export const WEBHOOK_SECRET = "whsec_c3RyaXBlLW1vY2std2ViaG9vaw==";

export const card = (number: string) => ({
  type: "card",
  card: { number, exp_month: 12, exp_year: 2040, cvc: "123" },
});

export function pay(client: Client, number: string, extra: Record<string, unknown> = {}, headers = {}) {
  return client.request<Payment>(
    "POST",
    "/payments",
    { amount: 10_000, currency: "USD", payment_method_data: card(number), confirm: true, ...extra },
    headers,
  );
}

export async function connectStripe(client: Client, mock: StripeMock): Promise<string> {
  const connected = await client.request<{ id: string }>("POST", "/providers", {
    provider: "stripe",
    credentials: { secret_key: mock.secretKey, webhook_secret: WEBHOOK_SECRET },
    api_base_url: mock.url,
  });
  if (connected.status !== 200) throw new Error(`connect failed: ${connected.text}`);
  return connected.body.id;
}

export async function balances(merchantId: string, environment: string): Promise<Record<string, number>> {
  const rows = await query<{ kind: string; balance: string }>(
    "select kind, balance from ledger_accounts where merchant_id = $1 and environment = $2 and currency = 'USD'",
    [merchantId, environment],
  );
  return Object.fromEntries(rows.map((row) => [row.kind, Number(row.balance)]));
}

/** Settles a captured payment now through the sandbox helper (pending → available). */
export async function settle(client: Client, paymentId: string): Promise<void> {
  const settled = await client.request("POST", `/sandbox/payments/${paymentId}/settle`);
  expect(settled.status).toBe(200);
}

export function intentCalls(mock: StripeMock, paymentId: string) {
  return mock.requests.filter(
    (request) =>
      request.path === "/v1/payment_intents" && request.params["metadata[magnetpay_payment]"] === paymentId,
  );
}
