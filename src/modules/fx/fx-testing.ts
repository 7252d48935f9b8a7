import { expect } from "vitest";
import { baseUrl, type TestMerchant } from "../../../test/harness";

export interface Quote {
  id: string;
  sell_amount: number;
  buy_amount: number;
  rate: string;
  mid_rate: string;
  markup_bps: number;
}

/** Runs fx-refresh through the Worker's cron trigger, as Cloudflare would. */
export async function refreshNow(): Promise<void> {
  const response = await fetch(`${baseUrl()}/internal/dev/scheduled?cron=${encodeURIComponent("* * * * *")}`);
  expect(response.status).toBe(200);
}

export async function fund(m: TestMerchant, currency: string, amount: number): Promise<void> {
  const deposit = await m.sandbox.request<{ id: string }>("POST", "/funding/deposits", {
    amount,
    currency,
    method: "wire",
    reference: "fx test",
  });
  expect(deposit.status).toBe(200);
  const received = await m.sandbox.request(
    "POST",
    `/sandbox/funding/deposits/${deposit.body.id}/receive`,
    {},
  );
  expect(received.status).toBe(200);
}

export async function balance(m: TestMerchant, currency: string): Promise<number> {
  const response = await m.sandbox.request<{ available: number }>("GET", `/balances/${currency}`);
  return response.body.available;
}

/** Buys `currency` with USD at the sandbox rate: what the merchant then holds of it. */
export async function buy(m: TestMerchant, currency: string, usd: number): Promise<number> {
  await refreshNow();
  const deposit = await m.sandbox.request<{ id: string }>("POST", "/funding/deposits", {
    amount: usd,
    currency: "USD",
    method: "wire",
  });
  expect(deposit.status, deposit.text).toBe(200);
  await m.sandbox.request("POST", `/sandbox/funding/deposits/${deposit.body.id}/receive`);
  const quote = await m.sandbox.request<{ id: string; buy_amount: number }>("POST", "/fx/quotes", {
    sell_currency: "USD",
    buy_currency: currency,
    sell_amount: usd,
  });
  expect(quote.status, quote.text).toBe(200);
  const conversion = await m.sandbox.request("POST", "/fx/conversions", { quote: quote.body.id });
  expect(conversion.status, conversion.text).toBe(200);
  return quote.body.buy_amount;
}
