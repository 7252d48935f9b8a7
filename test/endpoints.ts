import { baseUrl, type TestMerchant } from "./harness";

/**
 * Every endpoint that reads or changes one object, for the shared security suite. A new module
 * adds its endpoints here: `create` makes the object with the merchant's sandbox key.
 */
export interface ObjectEndpoint {
  name: string;
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: (id: string) => string;
  body?: unknown;
  /** For endpoints that take the object's id in the body rather than the path. */
  bodyFor?: (id: string) => unknown;
  create: (merchant: TestMerchant) => Promise<string>;
  /**
   * Where the owner reads the object back, when `path(id)` is not itself a GET of it (an action
   * such as capture, or an endpoint that takes the id in the body). The security suite reads it
   * there and expects the object's own id in the answer.
   */
  readBack?: (id: string) => string;
}

/** Endpoints without an object id (create and list), for the credential checks. */
export interface CollectionEndpoint {
  name: string;
  method: "GET" | "POST";
  path: string;
  body?: unknown;
}

const createCustomer = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/customers", {
    email: "sec@example.com",
  });
  return created.body.id;
};

const createFundingDeposit = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/funding/deposits", {
    amount: 1000,
    currency: "EUR",
    method: "sepa",
  });
  return created.body.id;
};

/** A funding deposit that arrived: its credit is a ledger transaction (ltx_). */
const createLedgerTransaction = async (merchant: TestMerchant): Promise<string> => {
  const deposit = await createFundingDeposit(merchant);
  const received = await merchant.sandbox.request<{ transaction: string }>(
    "POST",
    `/sandbox/funding/deposits/${deposit}/receive`,
  );
  return received.body.transaction;
};

const createWebhookEndpoint = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/webhooks/endpoints", {
    url: "http://127.0.0.1:9/sec",
    enabled_events: ["payment.succeeded"],
  });
  return created.body.id;
};

const createWebhookDelivery = async (merchant: TestMerchant): Promise<string> => {
  const endpointId = await createWebhookEndpoint(merchant);
  const delivery = await merchant.sandbox.request<{ id: string }>(
    "POST",
    `/webhooks/endpoints/${endpointId}/test`,
  );
  // Disabled at once, so the undeliverable test event does not keep retrying in the background.
  await merchant.sandbox.request("PATCH", `/webhooks/endpoints/${endpointId}`, { enabled: false });
  return delivery.body.id;
};

const createEvent = async (merchant: TestMerchant): Promise<string> => {
  const customerId = await createCustomer(merchant);
  const events = await merchant.sandbox.request<{ data: Array<{ id: string }> }>(
    "GET",
    `/events?object_id=${customerId}`,
  );
  return events.body.data[0]?.id ?? "";
};

const cardData = {
  type: "card",
  card: { number: "4242424242424242", exp_month: 12, exp_year: 2040, cvc: "123" },
};
const createPayment = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/payments", {
    amount: 1000,
    currency: "USD",
    capture_method: "manual",
    payment_method_data: cardData,
    confirm: true,
  });
  return created.body.id;
};
const createRefund = async (merchant: TestMerchant): Promise<string> => {
  const paid = await merchant.sandbox.request<{ id: string }>("POST", "/payments", {
    amount: 1000,
    currency: "USD",
    payment_method_data: cardData,
    confirm: true,
  });
  await merchant.sandbox.request("POST", `/sandbox/payments/${paid.body.id}/settle`);
  const refund = await merchant.sandbox.request<{ id: string }>("POST", `/payments/${paid.body.id}/refunds`, {
    amount: 100,
  });
  return refund.body.id;
};
const createPaymentMethod = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/payment-methods", cardData);
  return created.body.id;
};
const createRoutingRule = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/routing/rules", {
    action: "exclude",
    provider: "sandbox_apac",
  });
  return created.body.id;
};
const firstConnection = async (merchant: TestMerchant): Promise<string> => {
  const list = await merchant.sandbox.request<{ data: Array<{ id: string }> }>("GET", "/providers");
  return list.body.data[0]?.id ?? "";
};

const createFxQuote = async (merchant: TestMerchant): Promise<string> => {
  await fetch(`${baseUrl()}/internal/dev/scheduled?cron=${encodeURIComponent("* * * * *")}`);
  const quote = await merchant.sandbox.request<{ id: string }>("POST", "/fx/quotes", {
    sell_currency: "USD",
    buy_currency: "EUR",
    sell_amount: 1_000,
  });
  return quote.body.id;
};

const createCryptoAddress = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/crypto/addresses", {
    customer: await createCustomer(merchant),
    network: "base",
    asset: "USDC",
  });
  return created.body.id;
};

export const objectEndpoints: ObjectEndpoint[] = [
  {
    name: "retrieve crypto address",
    method: "GET",
    path: (id) => `/crypto/addresses/${id}`,
    create: createCryptoAddress,
  },
  { name: "retrieve fx quote", method: "GET", path: (id) => `/fx/quotes/${id}`, create: createFxQuote },
  {
    name: "convert with an fx quote",
    readBack: (id) => `/fx/quotes/${id}`,
    method: "POST",
    path: () => "/fx/conversions",
    create: createFxQuote,
    bodyFor: (id) => ({ quote: id }),
  },
  { name: "retrieve payment", method: "GET", path: (id) => `/payments/${id}`, create: createPayment },
  {
    name: "confirm payment",
    readBack: (id) => `/payments/${id}`,
    method: "POST",
    path: (id) => `/payments/${id}/confirm`,
    body: {},
    create: createPayment,
  },
  {
    name: "capture payment",
    readBack: (id) => `/payments/${id}`,
    method: "POST",
    path: (id) => `/payments/${id}/capture`,
    body: {},
    create: createPayment,
  },
  {
    name: "cancel payment",
    readBack: (id) => `/payments/${id}`,
    method: "POST",
    path: (id) => `/payments/${id}/cancel`,
    body: {},
    create: createPayment,
  },
  {
    name: "refund payment",
    readBack: (id) => `/payments/${id}`,
    method: "POST",
    path: (id) => `/payments/${id}/refunds`,
    body: { amount: 1 },
    create: createPayment,
  },
  { name: "retrieve refund", method: "GET", path: (id) => `/refunds/${id}`, create: createRefund },
  {
    name: "retrieve payment method",
    method: "GET",
    path: (id) => `/payment-methods/${id}`,
    create: createPaymentMethod,
  },
  {
    name: "detach payment method",
    readBack: (id) => `/payment-methods/${id}`,
    method: "POST",
    path: (id) => `/payment-methods/${id}/detach`,
    create: createPaymentMethod,
  },
  {
    name: "retrieve routing rule",
    method: "GET",
    path: (id) => `/routing/rules/${id}`,
    create: createRoutingRule,
  },
  {
    name: "update routing rule",
    readBack: (id) => `/routing/rules/${id}`,
    method: "PATCH",
    path: (id) => `/routing/rules/${id}`,
    body: { provider: "sandbox_europe" },
    create: createRoutingRule,
  },
  {
    name: "delete routing rule",
    readBack: (id) => `/routing/rules/${id}`,
    method: "DELETE",
    path: (id) => `/routing/rules/${id}`,
    create: createRoutingRule,
  },
  {
    name: "retrieve provider connection",
    method: "GET",
    path: (id) => `/providers/${id}`,
    create: firstConnection,
  },
  {
    name: "update provider connection",
    readBack: (id) => `/providers/${id}`,
    method: "PATCH",
    path: (id) => `/providers/${id}`,
    body: { enabled: false },
    create: firstConnection,
  },
  { name: "retrieve customer", method: "GET", path: (id) => `/customers/${id}`, create: createCustomer },
  {
    name: "update customer",
    readBack: (id) => `/customers/${id}`,
    method: "PATCH",
    path: (id) => `/customers/${id}`,
    body: { name: "x" },
    create: createCustomer,
  },
  {
    name: "delete customer",
    readBack: (id) => `/customers/${id}`,
    method: "DELETE",
    path: (id) => `/customers/${id}`,
    create: createCustomer,
  },
  {
    name: "retrieve funding deposit",
    method: "GET",
    path: (id) => `/funding/deposits/${id}`,
    create: createFundingDeposit,
  },
  {
    name: "cancel funding deposit",
    readBack: (id) => `/funding/deposits/${id}`,
    method: "POST",
    path: (id) => `/funding/deposits/${id}/cancel`,
    create: createFundingDeposit,
  },
  {
    name: "retrieve transaction",
    method: "GET",
    path: (id) => `/transactions/${id}`,
    create: createLedgerTransaction,
  },
  { name: "status of a deposit", method: "GET", path: (id) => `/status/${id}`, create: createFundingDeposit },
  {
    name: "status of a transaction",
    method: "GET",
    path: (id) => `/status/${id}`,
    create: createLedgerTransaction,
  },
  { name: "retrieve event", method: "GET", path: (id) => `/events/${id}`, create: createEvent },
  {
    name: "redeliver event",
    readBack: (id) => `/events/${id}`,
    method: "POST",
    path: (id) => `/events/${id}/redeliver`,
    create: createEvent,
  },
  {
    name: "retrieve webhook endpoint",
    method: "GET",
    path: (id) => `/webhooks/endpoints/${id}`,
    create: createWebhookEndpoint,
  },
  {
    name: "update webhook endpoint",
    readBack: (id) => `/webhooks/endpoints/${id}`,
    method: "PATCH",
    path: (id) => `/webhooks/endpoints/${id}`,
    body: { description: "x" },
    create: createWebhookEndpoint,
  },
  {
    name: "delete webhook endpoint",
    readBack: (id) => `/webhooks/endpoints/${id}`,
    method: "DELETE",
    path: (id) => `/webhooks/endpoints/${id}`,
    create: createWebhookEndpoint,
  },
  {
    name: "rotate webhook secret",
    readBack: (id) => `/webhooks/endpoints/${id}`,
    method: "POST",
    path: (id) => `/webhooks/endpoints/${id}/rotate-secret`,
    create: createWebhookEndpoint,
  },
  {
    name: "send test webhook",
    readBack: (id) => `/webhooks/endpoints/${id}`,
    method: "POST",
    path: (id) => `/webhooks/endpoints/${id}/test`,
    create: createWebhookEndpoint,
  },
  {
    name: "list endpoint deliveries",
    readBack: (id) => `/webhooks/endpoints/${id}`,
    method: "GET",
    path: (id) => `/webhooks/endpoints/${id}/deliveries`,
    create: createWebhookEndpoint,
  },
  {
    name: "retrieve webhook delivery",
    method: "GET",
    path: (id) => `/webhooks/deliveries/${id}`,
    create: createWebhookDelivery,
  },
  {
    name: "retry webhook delivery",
    readBack: (id) => `/webhooks/deliveries/${id}`,
    method: "POST",
    path: (id) => `/webhooks/deliveries/${id}/retry`,
    create: createWebhookDelivery,
  },
];

export const collectionEndpoints: CollectionEndpoint[] = [
  { name: "list crypto addresses", method: "GET", path: "/crypto/addresses" },
  { name: "list crypto deposits", method: "GET", path: "/crypto/deposits" },
  { name: "list crypto networks", method: "GET", path: "/crypto/networks" },
  {
    name: "create crypto address",
    method: "POST",
    path: "/crypto/addresses",
    body: { customer: "cus_missing", network: "base", asset: "USDC" },
  },
  { name: "fx rates", method: "GET", path: "/fx/rates" },
  { name: "fx pair", method: "GET", path: "/fx/rates/USD/EUR" },
  { name: "fx currencies", method: "GET", path: "/fx/currencies" },
  { name: "fx settings", method: "GET", path: "/fx/settings" },
  {
    name: "create fx quote",
    method: "POST",
    path: "/fx/quotes",
    body: { sell_currency: "USD", buy_currency: "EUR", sell_amount: 100 },
  },
  { name: "list fx conversions", method: "GET", path: "/fx/conversions" },
  { name: "create payment", method: "POST", path: "/payments", body: { amount: 100, currency: "USD" } },
  { name: "list payments", method: "GET", path: "/payments" },
  { name: "list refunds", method: "GET", path: "/refunds" },
  { name: "list payment method types", method: "GET", path: "/payment-methods/types" },
  { name: "list payment methods", method: "GET", path: "/payment-methods" },
  { name: "list providers", method: "GET", path: "/providers" },
  { name: "list routing rules", method: "GET", path: "/routing/rules" },
  { name: "create customer", method: "POST", path: "/customers", body: { email: "a@example.com" } },
  { name: "list customers", method: "GET", path: "/customers" },
  { name: "list api keys", method: "GET", path: "/api-keys" },
  { name: "create api key", method: "POST", path: "/api-keys", body: { environment: "sandbox", name: "x" } },
  { name: "list balances", method: "GET", path: "/balances" },
  { name: "retrieve balance", method: "GET", path: "/balances/EUR" },
  { name: "balance history", method: "GET", path: "/balances/EUR/history" },
  { name: "list transactions", method: "GET", path: "/transactions" },
  { name: "export transactions", method: "GET", path: "/transactions/export?format=csv" },
  { name: "funding instructions", method: "GET", path: "/funding/instructions?currency=EUR" },
  {
    name: "declare funding deposit",
    method: "POST",
    path: "/funding/deposits",
    body: { amount: 100, currency: "EUR", method: "sepa" },
  },
  { name: "list funding deposits", method: "GET", path: "/funding/deposits" },
  { name: "simulate deposit arrival", method: "POST", path: "/sandbox/funding/deposits/fdep_x/receive" },
  { name: "payment status", method: "GET", path: "/status/payments/pay_x" },
  { name: "payout status", method: "GET", path: "/status/payouts/po_x" },
  { name: "list events", method: "GET", path: "/events" },
  { name: "list event types", method: "GET", path: "/events/types" },
  {
    name: "create webhook endpoint",
    method: "POST",
    path: "/webhooks/endpoints",
    body: { url: "https://example.com/hooks", enabled_events: ["*"] },
  },
  { name: "list webhook endpoints", method: "GET", path: "/webhooks/endpoints" },
  { name: "list webhook deliveries", method: "GET", path: "/webhooks/deliveries" },
];
