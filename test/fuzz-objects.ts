import type { References } from "./fuzz-cases";
import type { Client } from "./harness";

/**
 * Real sandbox objects of one merchant, for the fuzz test's second pass: the handlers behind the
 * 404 of an unknown id run with bad bodies and queries against objects that exist. Keyed by the
 * resource path an id belongs under; the sandbox and status routes of a resource reuse its id.
 */
export interface RealObjects {
  ids: Map<string, string>;
  references: References;
}

const card = {
  type: "card",
  card: { number: "4242424242424242", exp_month: 12, exp_year: 2040, cvc: "123" },
};

async function create(client: Client, path: string, body?: unknown): Promise<string> {
  const response = await client.request<{ id?: string }>("POST", path, body);
  if (response.status !== 200 || !response.body.id)
    throw new Error(`fuzz setup: POST ${path} answered ${response.status} ${response.text.slice(0, 300)}`);
  return response.body.id;
}

export async function createRealObjects(client: Client): Promise<RealObjects> {
  const clock = await create(client, "/test-clocks", { frozen_time: "2027-01-31T12:00:00Z", name: "fuzz" });
  const customer = await create(client, "/customers", { email: "fuzz@example.com", test_clock: clock });
  const paymentMethod = await create(client, "/payment-methods", card);
  await create(client, `/payment-methods/${paymentMethod}/attach`, { customer, set_default: true });
  const product = await create(client, "/products", { name: "Fuzz" });
  const price = await create(client, "/prices", {
    product,
    currency: "USD",
    unit_amount: 1_000,
    recurring: { interval: "month", interval_count: 1 },
  });
  const oneTimePrice = await create(client, "/prices", { product, currency: "USD", unit_amount: 500 });
  const subscription = await create(client, "/subscriptions", { customer, items: [{ price }] });
  // One payment waiting for a payment method (its confirm body is fuzzed), one settled and refunded.
  const payment = await create(client, "/payments", { amount: 2_000, currency: "USD" });
  const settled = await create(client, "/payments", { amount: 3_000, currency: "USD" });
  await create(client, `/payments/${settled}/confirm`, { payment_method_data: card });
  await create(client, `/sandbox/payments/${settled}/settle`);
  const refund = await create(client, `/payments/${settled}/refunds`, { amount: 500 });
  const coupon = await create(client, "/coupons", { percent_off: 10 });
  const promotionCode = await create(client, "/promotion-codes", { coupon });
  const meter = await create(client, "/meters", { display_name: "Fuzz", aggregation: { formula: "count" } });
  const taxRate = await create(client, "/tax-rates", {
    display_name: "VAT",
    percentage: 19,
    inclusive: true,
  });
  const invoiceItem = await create(client, "/invoice-items", { customer, amount: 1_190, currency: "EUR" });
  const invoice = await create(client, "/invoices", { customer });
  // A finalized invoice, the one credit notes take, with a note on it.
  await create(client, "/invoice-items", { customer, amount: 2_000, currency: "EUR" });
  const openInvoice = await create(client, "/invoices", { customer });
  await create(client, `/invoices/${openInvoice}/finalize`);
  const creditNote = await create(client, "/credit-notes", { invoice: openInvoice, amount: 100 });
  const deposit = await create(client, "/funding/deposits", {
    amount: 5_000,
    currency: "EUR",
    method: "sepa",
  });
  const checkoutSession = await create(client, "/checkout/sessions", {
    line_items: [
      { price_data: { currency: "USD", unit_amount: 1_000, product_data: { name: "Fuzz" } }, quantity: 1 },
    ],
    success_url: "https://example.com/done",
  });
  const paymentLink = await create(client, "/payment_links", {
    line_items: [{ price: oneTimePrice, quantity: 1 }],
  });
  // Subscribed to an event this test never causes, so no delivery leaves for the placeholder URL.
  const webhookEndpoint = await create(client, "/webhooks/endpoints", {
    url: "https://example.com/fuzz-hooks",
    enabled_events: ["payment.requires_action"],
  });
  const walletSession = await create(client, "/wallet/sessions", {
    amount: 1_500,
    currency: "USD",
    merchant_domain: "fuzz.example.com",
    display_name: "Fuzz",
    wallet: "apple_pay",
  });
  const cryptoAddress = await create(client, "/crypto/addresses", {
    customer,
    network: "base",
    asset: "USDC",
  });
  const events = await client.request<{ data: Array<{ id: string }> }>("GET", "/events?limit=1");
  const event = events.body.data[0]?.id;
  if (!event) throw new Error(`fuzz setup: no event to read: ${events.text.slice(0, 300)}`);
  const ids = new Map(
    Object.entries({
      "/test-clocks": clock,
      "/customers": customer,
      "/payment-methods": paymentMethod,
      "/products": product,
      "/prices": price,
      "/subscriptions": subscription,
      "/payments": payment,
      "/sandbox/payments": payment,
      "/status/payments": settled,
      "/refunds": refund,
      "/coupons": coupon,
      "/promotion-codes": promotionCode,
      "/meters": meter,
      "/tax-rates": taxRate,
      "/invoice-items": invoiceItem,
      "/invoices": invoice,
      "/credit-notes": creditNote,
      "/funding/deposits": deposit,
      "/sandbox/funding/deposits": deposit,
      "/checkout/sessions": checkoutSession,
      "/payment_links": paymentLink,
      "/webhooks/endpoints": webhookEndpoint,
      "/wallet/sessions": walletSession,
      "/crypto/addresses": cryptoAddress,
      "/events": event,
      "/status": settled,
    }).map(([resource, id]) => [`/api/v1${resource}`, id]),
  );
  // One-time price: the one checkout sessions, payment links and invoice items take.
  const references = {
    customer,
    product,
    price: oneTimePrice,
    payment_method: paymentMethod,
    coupon,
    promotion_code: promotionCode,
    meter,
    invoice: openInvoice,
    subscription,
    test_clock: clock,
  };
  return { ids, references };
}

/** The resource a path's id belongs to: the path up to its first parameter. */
export function resourceOf(path: string): string {
  return path.split("/{")[0] ?? path;
}
