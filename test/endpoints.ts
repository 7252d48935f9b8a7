import { createHash } from "node:crypto";
import { generateBankDetails } from "../src/core/bank-details";
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

const createProduct = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/products", { name: "sec" });
  return created.body.id;
};
const createPrice = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/prices", {
    product: await createProduct(merchant),
    currency: "USD",
    unit_amount: 100,
  });
  return created.body.id;
};
const createCoupon = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/coupons", { percent_off: 10 });
  return created.body.id;
};
const createPromotionCode = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/promotion-codes", {
    coupon: await createCoupon(merchant),
  });
  return created.body.id;
};
const createMeter = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/meters", {
    display_name: "sec",
    aggregation: { formula: "count" },
  });
  return created.body.id;
};
/** From another tenant a redemption fails on the coupon or code, before its customer is looked up. */
const redeemBody = { customer: "cus_sec", amount: 1000, currency: "USD" };

/** A US bank account with fresh numbers (accounts are deduplicated per merchant). */
const createBankAccount = async (merchant: TestMerchant): Promise<string> => {
  const details = generateBankDetails("US");
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/bank-accounts", {
    account_holder_name: "Sec Test",
    account_holder_type: "individual",
    country: "US",
    currency: "USD",
    routing_number: details.routing.routing_number,
    account_number: details.accountNumber,
  });
  return created.body.id;
};

const createMandate = async (merchant: TestMerchant): Promise<string> => {
  const account = await createBankAccount(merchant);
  await merchant.sandbox.request("POST", `/bank-accounts/${account}/verify/instant`);
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/mandates", {
    bank_account: account,
    type: "ach_debit",
    acceptance: { type: "online" },
  });
  return created.body.id;
};

const createGlobalAccount = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/global-accounts", {
    country: "DE",
    currency: "EUR",
  });
  return created.body.id;
};
const issuingBilling = {
  address: { line1: "1 Main St", city: "Berlin", postal_code: "10115", country: "DE" },
};
const createIssuingCardholder = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/issuing/cardholders", {
    type: "individual",
    name: "Sec Holder",
    billing: issuingBilling,
  });
  return created.body.id;
};
const createIssuingCard = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/issuing/cards", {
    cardholder: await createIssuingCardholder(merchant),
    type: "virtual",
    currency: "EUR",
    status: "active",
  });
  return created.body.id;
};
/** An active card loaded with 1,000 EUR from a deposit that arrived. */
const createLoadedIssuingCard = async (merchant: TestMerchant): Promise<string> => {
  const deposit = await createFundingDeposit(merchant);
  await merchant.sandbox.request("POST", `/sandbox/funding/deposits/${deposit}/receive`);
  const card = await createIssuingCard(merchant);
  await merchant.sandbox.request("POST", `/issuing/cards/${card}/load`, { amount: 1000 });
  return card;
};
const issuingMerchantData = { name: "Sec Shop", category_code: "5942", country: "DE" };
const createIssuingAuthorization = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/issuing/authorizations", {
    card: await createLoadedIssuingCard(merchant),
    amount: 100,
    currency: "EUR",
    channel: "online",
    merchant_data: issuingMerchantData,
  });
  return created.body.id;
};
const createIssuingTransaction = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>(
    "POST",
    "/sandbox/issuing/transactions/force-capture",
    {
      card: await createLoadedIssuingCard(merchant),
      amount: 100,
      currency: "EUR",
      merchant_data: issuingMerchantData,
    },
  );
  return created.body.id;
};

const createIndividualVerification = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/individual_verifications", {
    first_name: "Undecided",
    last_name: "Security",
    date_of_birth: "1990-01-01",
  });
  return created.body.id;
};

/** The merchant's own business: one per environment, so a second call finds the first. */
const createBusinessVerification = async (merchant: TestMerchant): Promise<string> => {
  const existing = await merchant.sandbox.request<{ id: string }>("GET", "/account/business_verification");
  if (existing.status === 200) return existing.body.id;
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/account/business_verification", {
    legal_name: "Security Ltd",
    registration_number: "12345678",
    country: "GB",
    incorporation_date: "2019-05-01",
    registered_address: { line1: "1 High Street", city: "London", country: "GB" },
    mcc: "5734",
  });
  return created.body.id;
};

const createVerificationDocument = async (merchant: TestMerchant): Promise<string> => {
  const bytes = Buffer.from("%PDF-1.7 security test document");
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/verification_documents", {
    verification: await createIndividualVerification(merchant),
    type: "passport",
    mime_type: "application/pdf",
    sha256: createHash("sha256").update(bytes).digest("hex"),
    content: bytes.toString("base64"),
  });
  return created.body.id;
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
  { name: "retrieve meter", method: "GET", path: (id) => `/meters/${id}`, create: createMeter },
  {
    name: "update meter",
    readBack: (id) => `/meters/${id}`,
    method: "PATCH",
    path: (id) => `/meters/${id}`,
    body: { display_name: "x" },
    create: createMeter,
  },
  {
    name: "usage summary of a meter",
    readBack: (id) => `/meters/${id}`,
    method: "GET",
    path: (id) =>
      `/usage-records/summary?meter=${id}&customer=cus_x&start_time=2026-01-01T00:00:00Z&end_time=2026-02-01T00:00:00Z`,
    create: createMeter,
  },
  {
    name: "report usage on a meter",
    readBack: (id) => `/meters/${id}`,
    method: "POST",
    path: () => "/usage-records",
    bodyFor: (id) => ({ meter: id, customer: "cus_x", identifier: `sec-${id}` }),
    create: createMeter,
  },
  { name: "retrieve product", method: "GET", path: (id) => `/products/${id}`, create: createProduct },
  {
    name: "update product",
    readBack: (id) => `/products/${id}`,
    method: "PATCH",
    path: (id) => `/products/${id}`,
    body: { name: "x" },
    create: createProduct,
  },
  { name: "retrieve price", method: "GET", path: (id) => `/prices/${id}`, create: createPrice },
  {
    name: "update price",
    readBack: (id) => `/prices/${id}`,
    method: "PATCH",
    path: (id) => `/prices/${id}`,
    body: { nickname: "x" },
    create: createPrice,
  },
  { name: "retrieve coupon", method: "GET", path: (id) => `/coupons/${id}`, create: createCoupon },
  {
    name: "update coupon",
    readBack: (id) => `/coupons/${id}`,
    method: "PATCH",
    path: (id) => `/coupons/${id}`,
    body: { name: "x" },
    create: createCoupon,
  },
  {
    name: "delete coupon",
    readBack: (id) => `/coupons/${id}`,
    method: "DELETE",
    path: (id) => `/coupons/${id}`,
    create: createCoupon,
  },
  {
    name: "redeem coupon",
    readBack: (id) => `/coupons/${id}`,
    method: "POST",
    path: (id) => `/coupons/${id}/redeem`,
    body: redeemBody,
    create: createCoupon,
  },
  {
    name: "retrieve promotion code",
    method: "GET",
    path: (id) => `/promotion-codes/${id}`,
    create: createPromotionCode,
  },
  {
    name: "update promotion code",
    readBack: (id) => `/promotion-codes/${id}`,
    method: "PATCH",
    path: (id) => `/promotion-codes/${id}`,
    body: { active: false },
    create: createPromotionCode,
  },
  {
    name: "redeem promotion code",
    readBack: (id) => `/promotion-codes/${id}`,
    method: "POST",
    path: (id) => `/promotion-codes/${id}/redeem`,
    body: redeemBody,
    create: createPromotionCode,
  },
  {
    name: "retrieve bank account",
    method: "GET",
    path: (id) => `/bank-accounts/${id}`,
    create: createBankAccount,
  },
  {
    name: "delete bank account",
    readBack: (id) => `/bank-accounts/${id}`,
    method: "DELETE",
    path: (id) => `/bank-accounts/${id}`,
    create: createBankAccount,
  },
  {
    name: "start micro-deposits",
    readBack: (id) => `/bank-accounts/${id}`,
    method: "POST",
    path: (id) => `/bank-accounts/${id}/verify/micro-deposits`,
    body: {},
    create: createBankAccount,
  },
  {
    name: "verify bank account",
    readBack: (id) => `/bank-accounts/${id}`,
    method: "POST",
    path: (id) => `/bank-accounts/${id}/verify`,
    body: { amounts: [1, 2] },
    create: createBankAccount,
  },
  {
    name: "verify bank account instantly",
    readBack: (id) => `/bank-accounts/${id}`,
    method: "POST",
    path: (id) => `/bank-accounts/${id}/verify/instant`,
    create: createBankAccount,
  },
  { name: "retrieve mandate", method: "GET", path: (id) => `/mandates/${id}`, create: createMandate },
  {
    name: "revoke mandate",
    readBack: (id) => `/mandates/${id}`,
    method: "POST",
    path: (id) => `/mandates/${id}/revoke`,
    create: createMandate,
  },
  {
    name: "retrieve global account",
    method: "GET",
    path: (id) => `/global-accounts/${id}`,
    create: createGlobalAccount,
  },
  {
    name: "update global account",
    readBack: (id) => `/global-accounts/${id}`,
    method: "POST",
    path: (id) => `/global-accounts/${id}`,
    body: { metadata: { k: "v" } },
    create: createGlobalAccount,
  },
  {
    name: "close global account",
    readBack: (id) => `/global-accounts/${id}`,
    method: "POST",
    path: (id) => `/global-accounts/${id}/close`,
    create: createGlobalAccount,
  },
  {
    name: "simulate incoming transfer",
    readBack: (id) => `/global-accounts/${id}`,
    method: "POST",
    path: (id) => `/global-accounts/${id}/simulate-incoming-transfer`,
    body: { amount: 100, currency: "EUR", payer_name: "Sec" },
    create: createGlobalAccount,
  },
  {
    name: "list global account transfers",
    readBack: (id) => `/global-accounts/${id}`,
    method: "GET",
    path: (id) => `/global-accounts/${id}/transfers`,
    create: createGlobalAccount,
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
  {
    name: "retrieve issuing cardholder",
    method: "GET",
    path: (id) => `/issuing/cardholders/${id}`,
    create: createIssuingCardholder,
  },
  {
    name: "update issuing cardholder",
    readBack: (id) => `/issuing/cardholders/${id}`,
    method: "PATCH",
    path: (id) => `/issuing/cardholders/${id}`,
    body: { metadata: { a: "b" } },
    create: createIssuingCardholder,
  },
  {
    name: "retrieve issuing card",
    method: "GET",
    path: (id) => `/issuing/cards/${id}`,
    create: createIssuingCard,
  },
  {
    name: "update issuing card",
    readBack: (id) => `/issuing/cards/${id}`,
    method: "PATCH",
    path: (id) => `/issuing/cards/${id}`,
    body: { metadata: { a: "b" } },
    create: createIssuingCard,
  },
  {
    name: "replace issuing card",
    readBack: (id) => `/issuing/cards/${id}`,
    method: "POST",
    path: (id) => `/issuing/cards/${id}/replace`,
    body: { reason: "lost" },
    create: createIssuingCard,
  },
  {
    name: "load issuing card",
    readBack: (id) => `/issuing/cards/${id}`,
    method: "POST",
    path: (id) => `/issuing/cards/${id}/load`,
    body: { amount: 1 },
    create: createIssuingCard,
  },
  {
    name: "unload issuing card",
    readBack: (id) => `/issuing/cards/${id}`,
    method: "POST",
    path: (id) => `/issuing/cards/${id}/unload`,
    body: { amount: 1 },
    create: createLoadedIssuingCard,
  },
  {
    name: "issuing card reveal token",
    readBack: (id) => `/issuing/cards/${id}`,
    method: "POST",
    path: (id) => `/issuing/cards/${id}/reveal-token`,
    body: {},
    create: createIssuingCard,
  },
  {
    name: "retrieve issuing authorization",
    method: "GET",
    path: (id) => `/issuing/authorizations/${id}`,
    create: createIssuingAuthorization,
  },
  {
    name: "retrieve issuing transaction",
    method: "GET",
    path: (id) => `/issuing/transactions/${id}`,
    create: createIssuingTransaction,
  },
  {
    name: "retrieve individual verification",
    method: "GET",
    path: (id) => `/individual_verifications/${id}`,
    create: createIndividualVerification,
  },
  {
    name: "submit individual verification",
    readBack: (id) => `/individual_verifications/${id}`,
    method: "POST",
    path: (id) => `/individual_verifications/${id}/submit`,
    create: createIndividualVerification,
  },
  {
    name: "retrieve business verification",
    method: "GET",
    path: (id) => `/business_verifications/${id}`,
    create: createBusinessVerification,
  },
  {
    name: "add business person",
    readBack: (id) => `/business_verifications/${id}`,
    method: "POST",
    path: (id) => `/business_verifications/${id}/persons`,
    body: { first_name: "A", last_name: "B", date_of_birth: "1990-01-01", relationship: { director: true } },
    create: createBusinessVerification,
  },
  {
    name: "submit business verification",
    readBack: (id) => `/business_verifications/${id}`,
    method: "POST",
    path: (id) => `/business_verifications/${id}/submit`,
    create: createBusinessVerification,
  },
  {
    name: "retrieve verification document",
    method: "GET",
    path: (id) => `/verification_documents/${id}`,
    create: createVerificationDocument,
  },
  {
    name: "verification document download url",
    readBack: (id) => `/verification_documents/${id}`,
    method: "GET",
    path: (id) => `/verification_documents/${id}/download_url`,
    create: createVerificationDocument,
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
  {
    name: "create individual verification",
    method: "POST",
    path: "/individual_verifications",
    body: { first_name: "Undecided", last_name: "B", date_of_birth: "1990-01-01" },
  },
  { name: "list individual verifications", method: "GET", path: "/individual_verifications" },
  {
    name: "create account business verification",
    method: "POST",
    path: "/account/business_verification",
    body: {
      legal_name: "Collection Ltd",
      registration_number: "87654321",
      country: "GB",
      incorporation_date: "2020-01-01",
      registered_address: { line1: "2 High Street", city: "London", country: "GB" },
      mcc: "5734",
    },
  },
  { name: "account business verification", method: "GET", path: "/account/business_verification" },
  { name: "account requirements", method: "GET", path: "/account/requirements" },
  { name: "list bank accounts", method: "GET", path: "/bank-accounts" },
  {
    name: "create bank account",
    method: "POST",
    path: "/bank-accounts",
    body: {
      account_holder_name: "Sec",
      account_holder_type: "company",
      country: "DE",
      currency: "EUR",
      iban: "DE89370400440532013000",
    },
  },
  { name: "list mandates", method: "GET", path: "/mandates" },
  {
    name: "create mandate",
    method: "POST",
    path: "/mandates",
    body: { bank_account: "ba_x", type: "ach_debit", acceptance: { type: "online" } },
  },
  { name: "list global accounts", method: "GET", path: "/global-accounts" },
  {
    name: "create global account",
    method: "POST",
    path: "/global-accounts",
    body: { country: "DE", currency: "EUR" },
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
  {
    name: "create issuing cardholder",
    method: "POST",
    path: "/issuing/cardholders",
    body: { type: "company", name: "Acme", billing: issuingBilling },
  },
  { name: "list issuing cardholders", method: "GET", path: "/issuing/cardholders" },
  {
    name: "create issuing card",
    method: "POST",
    path: "/issuing/cards",
    body: { cardholder: "ich_x", type: "virtual", currency: "EUR" },
  },
  { name: "list issuing cards", method: "GET", path: "/issuing/cards" },
  {
    name: "simulate issuing authorization",
    method: "POST",
    path: "/issuing/authorizations",
    body: { card: "ic_x", amount: 1, currency: "EUR", channel: "online", merchant_data: issuingMerchantData },
  },
  { name: "list issuing authorizations", method: "GET", path: "/issuing/authorizations" },
  { name: "list issuing transactions", method: "GET", path: "/issuing/transactions" },
  { name: "simulate issuing card shipping", method: "POST", path: "/sandbox/issuing/cards/ic_x/shipping" },
  {
    name: "simulate issuing capture",
    method: "POST",
    path: "/sandbox/issuing/authorizations/iauth_x/capture",
  },
  {
    name: "simulate issuing reversal",
    method: "POST",
    path: "/sandbox/issuing/authorizations/iauth_x/reverse",
  },
  { name: "simulate issuing refund", method: "POST", path: "/sandbox/issuing/transactions/ipi_x/refund" },
  {
    name: "simulate issuing force capture",
    method: "POST",
    path: "/sandbox/issuing/transactions/force-capture",
  },
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
  { name: "create product", method: "POST", path: "/products", body: { name: "x" } },
  { name: "list products", method: "GET", path: "/products" },
  {
    name: "create price",
    method: "POST",
    path: "/prices",
    body: { product: "prod_x", currency: "USD", unit_amount: 1 },
  },
  { name: "list prices", method: "GET", path: "/prices" },
  { name: "create coupon", method: "POST", path: "/coupons", body: { percent_off: 10 } },
  { name: "list coupons", method: "GET", path: "/coupons" },
  { name: "create promotion code", method: "POST", path: "/promotion-codes", body: { coupon: "co_x" } },
  { name: "list promotion codes", method: "GET", path: "/promotion-codes" },
  {
    name: "create meter",
    method: "POST",
    path: "/meters",
    body: { display_name: "x", aggregation: { formula: "count" } },
  },
  { name: "list meters", method: "GET", path: "/meters" },
  {
    name: "report usage",
    method: "POST",
    path: "/usage-records",
    body: { meter: "mtr_x", customer: "cus_x", identifier: "x" },
  },
  { name: "report usage in a batch", method: "POST", path: "/usage-records/batch", body: { records: [{}] } },
];
