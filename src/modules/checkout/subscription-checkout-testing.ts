import { expect } from "vitest";
import { query } from "../../../test/db";
import { baseUrl, type TestMerchant } from "../../../test/harness";
import { decideSandboxAction } from "../../../test/sandbox-actions";

/** Shared by the subscription checkout test files: the objects, a recurring price, the hosted page's form. */
export interface Session {
  id: string;
  mode: string;
  status: string;
  payment_status: string;
  customer: string | null;
  subscription: string | null;
  payment: string | null;
  amount_total: number;
  url: string | null;
  expires_at: string;
}

export interface Subscription {
  id: string;
  status: string;
  customer: string;
  latest_invoice: string | null;
  trial_end: string | null;
  items: Array<{ price: string; quantity: number }>;
}

export const SUCCESS = "https://shop.example/welcome?session={CHECKOUT_SESSION_ID}";
export const card = (number: string, email = "ada@example.com") => ({
  method: "card",
  card_number: number,
  card_expiry: "12/40",
  card_cvc: "123",
  card_name: "Ada Lovelace",
  email,
});

export async function recurringPrice(
  m: TestMerchant,
  body: Record<string, unknown> = {},
  merchant: TestMerchant = m,
): Promise<string> {
  const product = await merchant.sandbox.request<{ id: string }>("POST", "/products", { name: "Pro plan" });
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/prices", {
    product: product.body.id,
    currency: "EUR",
    unit_amount: 1000,
    recurring: { interval: "month" },
    ...body,
  });
  expect(created.status, created.text).toBe(200);
  return created.body.id;
}

export async function subscriptionSession(m: TestMerchant, body: Record<string, unknown>): Promise<Session> {
  const created = await m.sandbox.request<Session>("POST", "/checkout/sessions", {
    mode: "subscription",
    success_url: SUCCESS,
    cancel_url: "https://shop.example/plans",
    ...body,
  });
  expect(created.status, created.text).toBe(200);
  return created.body;
}

export async function submit(
  id: string,
  fields: Record<string, string>,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${baseUrl()}/checkout/${id}`, {
    method: "POST",
    body: new URLSearchParams(fields),
    headers,
    redirect: "manual",
  });
  return { status: response.status, location: response.headers.get("location"), text: await response.text() };
}

export async function subscriptionsOf(m: TestMerchant) {
  return query<{ id: string; status: string; customer_id: string }>(
    "select id, status, customer_id from subscriptions where merchant_id = $1 order by created_at",
    [m.merchantId],
  );
}

export async function customerOf(m: TestMerchant, id: string) {
  return (
    await m.sandbox.request<{ id: string; email: string | null; default_payment_method: string | null }>(
      "GET",
      `/customers/${id}`,
    )
  ).body;
}

/**
 * Decides the sandbox 3-D Secure challenge the page sent the customer to, then opens the page it
 * returns to, `opens` times at once (a customer reloading it): each answers, none fails.
 */
export async function followChallenge(
  location: string | null,
  decision: "approve" | "decline",
  opens = 1,
): Promise<Response> {
  const action = new URL(location ?? "", baseUrl());
  const decided = await decideSandboxAction(`${baseUrl()}${action.pathname}${action.search}`, decision);
  expect(decided.status).toBe(303);
  const back = new URL(decided.headers.get("location") ?? "");
  const answers = await Promise.all(
    Array.from({ length: opens }, () =>
      fetch(`${baseUrl()}${back.pathname}${back.search}`, { redirect: "manual" }),
    ),
  );
  for (const answer of answers) expect(answer.status).toBeLessThan(500);
  return answers[0] as Response;
}
