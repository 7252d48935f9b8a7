import { query } from "../../../test/db";
import type { TestMerchant } from "../../../test/harness";
import type { Invoice } from "../invoices/testing";

export interface Subscription {
  id: string;
  status: string;
  customer: string;
  test_clock: string | null;
  items: Array<{ id: string; price: string; quantity: number; amount: number }>;
  current_period_start: string;
  current_period_end: string;
  trial_end: string | null;
  cancel_at_period_end: boolean;
  canceled_at: string | null;
  ended_at: string | null;
  latest_invoice: string | null;
  next_payment_attempt: string | null;
}

export interface InvoicePreview {
  billing_reason: string;
  lines: Array<{ description: string; amount: number; proration: boolean }>;
  subtotal: number;
  discount_amount: number;
  tax: number;
  total: number;
}

export const GOOD_CARD = "4242424242424242";
export const DECLINED_CARD = "4000000000000002";

export async function newClock(m: TestMerchant, frozenTime: string): Promise<string> {
  const clock = await m.sandbox.request<{ id: string }>("POST", "/test-clocks", { frozen_time: frozenTime });
  if (clock.status !== 200) throw new Error(`test clock: ${clock.text}`);
  return clock.body.id;
}

export async function advance(m: TestMerchant, clock: string, frozenTime: string): Promise<void> {
  const moved = await m.sandbox.request("POST", `/test-clocks/${clock}/advance`, { frozen_time: frozenTime });
  if (moved.status !== 200) throw new Error(`advance: ${moved.text}`);
}

/** Saves a card for the customer as its default payment method. */
export async function setCard(m: TestMerchant, customer: string, number: string): Promise<void> {
  const method = await m.sandbox.request<{ id: string }>("POST", "/payment-methods", {
    type: "card",
    card: { number, exp_month: 11, exp_year: 2041, cvc: "123" },
  });
  const attached = await m.sandbox.request("POST", `/payment-methods/${method.body.id}/attach`, {
    customer,
    set_default: true,
  });
  if (attached.status !== 200) throw new Error(`attach: ${attached.text}`);
}

/** A customer on the clock, with a card as default method unless `card` is null. */
export async function clockCustomer(m: TestMerchant, clock: string, card: string | null = GOOD_CARD) {
  const customer = await m.sandbox.request<{ id: string }>("POST", "/customers", {
    name: "Sub",
    test_clock: clock,
  });
  if (customer.status !== 200) throw new Error(`customer: ${customer.text}`);
  if (card) await setCard(m, customer.body.id, card);
  return customer.body.id;
}

export async function monthlyPrice(m: TestMerchant, unitAmount: number, nickname: string): Promise<string> {
  const product = await m.sandbox.request<{ id: string }>("POST", "/products", { name: nickname });
  const price = await m.sandbox.request<{ id: string }>("POST", "/prices", {
    product: product.body.id,
    currency: "USD",
    unit_amount: unitAmount,
    nickname,
    recurring: { interval: "month", interval_count: 1 },
  });
  if (price.status !== 200) throw new Error(`price: ${price.text}`);
  return price.body.id;
}

export async function subscribe(m: TestMerchant, body: Record<string, unknown>): Promise<Subscription> {
  const created = await m.sandbox.request<Subscription>("POST", "/subscriptions", body);
  if (created.status !== 200) throw new Error(`subscription: ${created.text}`);
  return created.body;
}

export async function getSubscription(m: TestMerchant, id: string): Promise<Subscription> {
  return (await m.sandbox.request<Subscription>("GET", `/subscriptions/${id}`)).body;
}

export async function getInvoice(m: TestMerchant, id: string | null): Promise<Invoice> {
  return (await m.sandbox.request<Invoice>("GET", `/invoices/${id}`)).body;
}

export async function customerInvoices(m: TestMerchant, customer: string): Promise<Invoice[]> {
  const list = await m.sandbox.request<{ data: Invoice[] }>(
    "GET",
    `/invoices?customer=${customer}&limit=100`,
  );
  return list.body.data.reverse();
}

export async function eventTypes(id: string): Promise<string[]> {
  const rows = await query<{ type: string }>(
    "select type from events where object_id = $1 order by created_at, id",
    [id],
  );
  return rows.map((row) => row.type);
}

/** The ledger transactions of a payment (one per captured charge): amount, and the sum of its entries (0 when balanced). */
export async function paymentPostings(
  paymentId: string | null,
): Promise<Array<{ amount: number; net: number }>> {
  const rows = await query<{ amount: string; net: string }>(
    `select t.amount::text as amount,
       (select coalesce(sum(e.amount), 0)::text from ledger_entries e where e.transaction_id = t.id) as net
     from ledger_transactions t where t.source like $1 order by t.created_at`,
    [`payment:${paymentId}:%`],
  );
  return rows.map((row) => ({ amount: Number(row.amount), net: Number(row.net) }));
}

/** A meter of `formula` (no filter or group_by; `property` for count_unique). */
export async function meter(
  m: TestMerchant,
  displayName: string,
  formula: string,
  property?: string,
): Promise<string> {
  const created = await m.sandbox.request<{ id: string }>("POST", "/meters", {
    display_name: displayName,
    aggregation: property === undefined ? { formula } : { formula, property },
  });
  if (created.status !== 200) throw new Error(`meter: ${created.text}`);
  return created.body.id;
}

/** A monthly USD price metered by `meterId`, priced by `terms` (unit_amount, or a tiered model). */
export async function meteredPrice(
  m: TestMerchant,
  meterId: string,
  terms: Record<string, unknown>,
): Promise<string> {
  const product = await m.sandbox.request<{ id: string }>("POST", "/products", { name: "Usage" });
  const price = await m.sandbox.request<{ id: string }>("POST", "/prices", {
    product: product.body.id,
    currency: "USD",
    recurring: { interval: "month", interval_count: 1 },
    meter: meterId,
    ...terms,
  });
  if (price.status !== 200) throw new Error(`price: ${price.text}`);
  return price.body.id;
}

let counter = 0;
/** A usage record with a fresh identifier. */
export async function record(m: TestMerchant, body: Record<string, unknown>) {
  counter += 1;
  return m.sandbox.request("POST", "/usage-records", { identifier: `use-${Date.now()}-${counter}`, ...body });
}

export async function recordOk(m: TestMerchant, body: Record<string, unknown>): Promise<void> {
  const stored = await record(m, body);
  if (stored.status !== 200) throw new Error(`usage record: ${stored.text}`);
}
