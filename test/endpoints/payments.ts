/** Payments, refunds, payment methods, providers and routing, customers, events and webhooks, checkout, payment links, wallets. */
import { stripeBody } from "../../src/modules/providers/providers-testing";
import type { TestMerchant } from "../harness";
import { createCustomer } from "./shared";
import type { CollectionEndpoint, ObjectEndpoint } from "./types";

const createCheckoutSession = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/checkout/sessions", {
    line_items: [
      { price_data: { currency: "USD", unit_amount: 1000, product_data: { name: "x" } }, quantity: 1 },
    ],
    success_url: "https://example.com/done",
  });
  return created.body.id;
};

const createPaymentLink = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/payment_links", {
    custom_amount: { currency: "USD", minimum: 100, maximum: 10_000, description: "Donation" },
  });
  return created.body.id;
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

/** A card payment captured at once, its net still pending. */
const createCapturedPayment = async (merchant: TestMerchant): Promise<string> => {
  const paid = await merchant.sandbox.request<{ id: string }>("POST", "/payments", {
    amount: 1000,
    currency: "USD",
    payment_method_data: cardData,
    confirm: true,
  });
  return paid.body.id;
};

/** A UPI payment waiting for its customer's approval, which the sandbox can complete. */
const createPendingPayment = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/payments", {
    amount: 1000,
    currency: "INR",
    payment_method_data: { type: "upi", upi: { vpa: "someone@upi" } },
    confirm: true,
  });
  return created.body.id;
};

const createRefund = async (merchant: TestMerchant): Promise<string> => {
  const paid = await createCapturedPayment(merchant);
  await merchant.sandbox.request("POST", `/sandbox/payments/${paid}/settle`);
  const refund = await merchant.sandbox.request<{ id: string }>("POST", `/payments/${paid}/refunds`, {
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

/** A Stripe connection of its own, disabled so that no payment is routed to it, for deleting. */
const createStripeConnection = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/providers", {
    ...stripeBody,
    enabled: false,
    api_base_url: "http://127.0.0.1:9",
  });
  return created.body.id;
};

const createWalletSession = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/wallet/sessions", {
    wallet: "apple_pay",
    amount: 1000,
    currency: "USD",
    merchant_domain: "shop.example.com",
    display_name: "Security Shop",
  });
  return created.body.id;
};

export const paymentsObjectEndpoints: ObjectEndpoint[] = [
  {
    name: "retrieve wallet session",
    method: "GET",
    path: (id) => `/wallet/sessions/${id}`,
    create: createWalletSession,
  },
  {
    name: "validate Apple Pay merchant",
    method: "POST",
    path: (id) => `/wallet/sessions/${id}/apple-pay/validate`,
    body: { validation_url: "https://apple-pay-gateway.apple.com/paymentservices/startSession" },
    readBack: (id) => `/wallet/sessions/${id}`,
    create: createWalletSession,
  },
  {
    name: "complete wallet session",
    method: "POST",
    path: (id) => `/wallet/sessions/${id}/complete`,
    body: { token: "{}" },
    readBack: (id) => `/wallet/sessions/${id}`,
    create: createWalletSession,
  },
  {
    name: "retrieve checkout session",
    method: "GET",
    path: (id) => `/checkout/sessions/${id}`,
    create: createCheckoutSession,
  },
  {
    name: "list checkout session line items",
    method: "GET",
    path: (id) => `/checkout/sessions/${id}/line_items`,
    readBack: (id) => `/checkout/sessions/${id}`,
    create: createCheckoutSession,
  },
  {
    name: "expire checkout session",
    readBack: (id) => `/checkout/sessions/${id}`,
    method: "POST",
    path: (id) => `/checkout/sessions/${id}/expire`,
    create: createCheckoutSession,
  },
  {
    name: "retrieve payment link",
    method: "GET",
    path: (id) => `/payment_links/${id}`,
    create: createPaymentLink,
  },
  {
    name: "update payment link",
    readBack: (id) => `/payment_links/${id}`,
    method: "PATCH",
    path: (id) => `/payment_links/${id}`,
    body: { active: false },
    create: createPaymentLink,
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
  {
    name: "complete sandbox payment",
    readBack: (id) => `/payments/${id}`,
    method: "POST",
    path: (id) => `/sandbox/payments/${id}/complete`,
    body: { outcome: "succeeded" },
    create: createPendingPayment,
  },
  {
    name: "settle sandbox payment",
    readBack: (id) => `/payments/${id}`,
    method: "POST",
    path: (id) => `/sandbox/payments/${id}/settle`,
    create: createCapturedPayment,
  },
  {
    name: "payment status",
    method: "GET",
    path: (id) => `/status/payments/${id}`,
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
    name: "attach payment method",
    readBack: (id) => `/payment-methods/${id}`,
    method: "POST",
    path: (id) => `/payment-methods/${id}/attach`,
    callerBody: async (caller) => {
      const customer = await caller.request<{ id: string }>("POST", "/customers", {
        email: "sec@example.com",
      });
      return { customer: customer.body.id };
    },
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
  {
    name: "delete provider connection",
    readBack: (id) => `/providers/${id}`,
    method: "DELETE",
    path: (id) => `/providers/${id}`,
    create: createStripeConnection,
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
    name: "list a customer's payment methods",
    readBack: (id) => `/customers/${id}`,
    method: "GET",
    path: (id) => `/customers/${id}/payment-methods`,
    create: createCustomer,
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

export const paymentsCollectionEndpoints: CollectionEndpoint[] = [
  {
    name: "create wallet session",
    method: "POST",
    path: "/wallet/sessions",
    body: {
      wallet: "google_pay",
      amount: 100,
      currency: "USD",
      merchant_domain: "a.example",
      display_name: "A",
    },
  },
  { name: "create payment", method: "POST", path: "/payments", body: { amount: 100, currency: "USD" } },
  { name: "list payments", method: "GET", path: "/payments" },
  { name: "list refunds", method: "GET", path: "/refunds" },
  { name: "list payment method types", method: "GET", path: "/payment-methods/types" },
  { name: "list payment methods", method: "GET", path: "/payment-methods" },
  { name: "create payment method", method: "POST", path: "/payment-methods", body: { type: "card" } },
  { name: "list providers", method: "GET", path: "/providers" },
  { name: "create provider connection", method: "POST", path: "/providers", body: { provider: "stripe" } },
  { name: "list routing rules", method: "GET", path: "/routing/rules" },
  {
    name: "create routing rule",
    method: "POST",
    path: "/routing/rules",
    body: { action: "exclude", provider: "missing_provider" },
  },
  { name: "create customer", method: "POST", path: "/customers", body: { email: "a@example.com" } },
  { name: "list customers", method: "GET", path: "/customers" },
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
  {
    name: "create checkout session",
    method: "POST",
    path: "/checkout/sessions",
    body: { line_items: [{ price: "price_x", quantity: 1 }], success_url: "https://example.com/done" },
  },
  { name: "list checkout sessions", method: "GET", path: "/checkout/sessions" },
  {
    name: "create payment link",
    method: "POST",
    path: "/payment_links",
    body: { custom_amount: { currency: "USD", minimum: 100, maximum: 1000, description: "x" } },
  },
  { name: "list payment links", method: "GET", path: "/payment_links" },
];
