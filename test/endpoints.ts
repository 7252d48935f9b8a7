import { createHash, randomUUID } from "node:crypto";
import { generateBankDetails } from "../src/core/bank-details";
import { stripeBody } from "../src/modules/providers/providers-testing";
import { query } from "./db";
import { baseUrl, type Client, type TestMerchant } from "./harness";
import { approvedCustomer } from "./verifications";

/**
 * Every endpoint that reads or changes one object, for the shared security suite. A new module
 * adds its endpoints here: `create` makes the object with the merchant's sandbox key. The lists are
 * checked against the OpenAPI document (test/security.test.ts): an authenticated operation that no
 * entry matches fails the suite unless it is excluded there with its reason.
 */
export interface ObjectEndpoint {
  name: string;
  method: "GET" | "POST" | "PATCH" | "DELETE";
  path: (id: string) => string;
  body?: unknown;
  /** For endpoints that take the object's id in the body rather than the path. */
  bodyFor?: (id: string) => unknown;
  /**
   * For endpoints whose body names another object of the caller (the customer a payment method is
   * attached to): made with each caller's own client, so a refusal can only come from the object
   * in the path.
   */
  callerBody?: (caller: Client) => Promise<unknown>;
  create: (merchant: TestMerchant) => Promise<string>;
  /**
   * Where the owner reads the object back, when `path(id)` is not itself a GET of it (an action
   * such as capture, or an endpoint that takes the id in the body). The security suite reads it
   * there and expects the object's own id in the answer.
   */
  readBack?: (id: string) => string;
}

/** Endpoints without an object id (create, list, settings), for the revoked-key check and the fixtures' responses. */
export interface CollectionEndpoint {
  name: string;
  method: "GET" | "POST" | "PATCH" | "DELETE";
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

const createFxQuote = async (merchant: TestMerchant): Promise<string> => {
  await fetch(`${baseUrl()}/internal/dev/scheduled?cron=${encodeURIComponent("* * * * *")}`);
  const quote = await merchant.sandbox.request<{ id: string }>("POST", "/fx/quotes", {
    sell_currency: "USD",
    buy_currency: "EUR",
    sell_amount: 1_000,
  });
  return quote.body.id;
};

const createFxConversion = async (merchant: TestMerchant): Promise<string> => {
  const converted = await merchant.sandbox.request<{ id: string }>("POST", "/fx/conversions", {
    quote: await createFxQuote(merchant),
  });
  return converted.body.id;
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
const createTaxRate = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/tax-rates", {
    display_name: "sec",
    percentage: 10,
    inclusive: false,
  });
  return created.body.id;
};
const createInvoiceItem = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/invoice-items", {
    customer: await createCustomer(merchant),
    amount: 1000,
    currency: "USD",
  });
  return created.body.id;
};
/** A draft invoice of one pending item. */
const createInvoice = async (merchant: TestMerchant): Promise<string> => {
  const item = await merchant.sandbox.request<{ customer: string }>(
    "GET",
    `/invoice-items/${await createInvoiceItem(merchant)}`,
  );
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/invoices", {
    customer: item.body.customer,
  });
  return created.body.id;
};
/** An open invoice: a finalized draft. */
const createOpenInvoice = async (merchant: TestMerchant): Promise<string> => {
  const id = await createInvoice(merchant);
  await merchant.sandbox.request("POST", `/invoices/${id}/finalize`);
  return id;
};
/** A credit note of 100 on an open invoice. */
const createCreditNote = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/credit-notes", {
    invoice: await createOpenInvoice(merchant),
    amount: 100,
  });
  return created.body.id;
};
/** A sandbox test clock. */
const createTestClock = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/test-clocks", {
    frozen_time: "2027-01-01T00:00:00Z",
  });
  return created.body.id;
};
/** A subscription on send_invoice (no card needed), active with its first invoice open. */
const createSubscription = async (merchant: TestMerchant): Promise<string> => {
  const customer = await createCustomer(merchant);
  const product = await merchant.sandbox.request<{ id: string }>("POST", "/products", { name: "Plan" });
  const price = await merchant.sandbox.request<{ id: string }>("POST", "/prices", {
    product: product.body.id,
    currency: "USD",
    unit_amount: 1000,
    recurring: { interval: "month", interval_count: 1 },
  });
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/subscriptions", {
    customer,
    items: [{ price: price.body.id }],
    collection_method: "send_invoice",
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

/** A pending payout: a verified account of the merchant and a funded USD balance. */
const createPayout = async (merchant: TestMerchant): Promise<string> => {
  const account = await createBankAccount(merchant);
  await merchant.sandbox.request("POST", `/bank-accounts/${account}/verify/instant`);
  const deposit = await merchant.sandbox.request<{ id: string }>("POST", "/funding/deposits", {
    amount: 10_000,
    currency: "USD",
    method: "ach",
  });
  await merchant.sandbox.request("POST", `/sandbox/funding/deposits/${deposit.body.id}/receive`);
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/payouts", {
    amount: 1_000,
    currency: "USD",
    destination: account,
  });
  return created.body.id;
};

const createSettlement = async (merchant: TestMerchant): Promise<string> => {
  await merchant.sandbox.request("POST", "/payments", {
    amount: 2_000,
    currency: "USD",
    confirm: true,
    payment_method_data: {
      type: "card",
      card: { number: "4242424242424242", exp_month: 12, exp_year: 2040 },
    },
  });
  // settlement-run for this merchant nine days on, in a slot of its own: the payment has matured by the end
  // of the last period of any daily or weekly schedule (the suites also set the merchant's schedule).
  const slot = Date.UTC(2005, 0, 1) + Math.floor(Math.random() * 1_000_000) * 300_000;
  await fetch(`${baseUrl()}/internal/dev/functions/settlement-run?time=${slot}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-test-clock-offset-seconds": String(9 * 86_400) },
    body: JSON.stringify({ merchant: merchant.merchantId }),
  });
  const listed = await merchant.sandbox.request<{ data: { id: string }[] }>("GET", "/settlements");
  const [settlement] = listed.body.data;
  if (!settlement) throw new Error("settlement-run settled nothing");
  return settlement.id;
};

/** A pending pull under an ACH debit mandate (no funds needed). */
const createBankTransfer = async (merchant: TestMerchant): Promise<string> => {
  const account = await createBankAccount(merchant);
  await merchant.sandbox.request("POST", `/bank-accounts/${account}/verify/instant`);
  const mandate = await merchant.sandbox.request<{ id: string }>("POST", "/mandates", {
    bank_account: account,
    type: "ach_debit",
    acceptance: { type: "online" },
  });
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/bank-transfers", {
    direction: "pull",
    amount: 1_000,
    currency: "USD",
    bank_account: account,
    mandate: mandate.body.id,
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
    customer: await approvedCustomer(merchant.sandbox),
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
const createPhysicalIssuingCard = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/issuing/cards", {
    cardholder: await createIssuingCardholder(merchant),
    type: "physical",
    currency: "EUR",
    shipping: { name: "Sec Holder", address: issuingBilling.address, service: "express" },
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

const createIssuingDispute = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/issuing/disputes", {
    transaction: await createIssuingTransaction(merchant),
    reason: "other",
  });
  return created.body.id;
};
const createSubmittedIssuingDispute = async (merchant: TestMerchant): Promise<string> => {
  const id = await createIssuingDispute(merchant);
  await merchant.sandbox.request("POST", `/issuing/disputes/${id}/submit`);
  return id;
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

/**
 * A deposit seen on chain and still confirming, written as its row: a real one needs the local
 * chain, which only the crypto test files start.
 */
const createCryptoDeposit = async (merchant: TestMerchant): Promise<string> => {
  const addressId = await createCryptoAddress(merchant);
  const address = await merchant.sandbox.request<{ address: string; customer: string }>(
    "GET",
    `/crypto/addresses/${addressId}`,
  );
  const id = `cdep_${randomUUID().replace(/-/g, "").slice(0, 24)}`;
  const hash = `0x${id.slice(5).padStart(64, "0")}`;
  await query(
    `insert into crypto_deposits (id, merchant_id, environment, address_id, customer_id, network, chain, asset,
       token_contract, amount, decimals, from_address, to_address, tx_hash, log_index, block_number, block_hash,
       status, confirmations, required_confirmations, created_at, updated_at)
     values ($1, $2, 'sandbox', $3, $4, 'base', 'base_sepolia', 'USDC', null, 1000000, 6, $5, $5, $6, 0, 1, $6,
       'detected', 1, 600, now(), now())`,
    [id, merchant.merchantId, addressId, address.body.customer, address.body.address, hash],
  );
  return id;
};

/**
 * A settled transfer, written as its row: a real one needs the local chain, which only the crypto
 * test files start (src/modules/crypto/transfers.test.ts sends them for real).
 */
const createCryptoTransfer = async (merchant: TestMerchant): Promise<string> => {
  const id = `ctr_${randomUUID().replace(/-/g, "").slice(0, 24)}`;
  await query(
    `insert into crypto_transfers (id, merchant_id, environment, network, chain, asset, token_contract, decimals,
       amount, from_address, to_address, fiat_amount, fiat_currency, rate, nonce, gas_limit, max_fee_per_gas,
       max_priority_fee_per_gas, fee_cap_per_gas, status, source_type, created_at, updated_at)
     values ($1, $2, 'sandbox', 'base', 'base_sepolia', 'USDC', '0x036CbD53842c5426634e7929541eC2318f3dCF7e', 6,
       1000000, '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', '0x9858EfFD232B4033E47d90003D41EC34EcaEda94', 100,
       'USD', '1', null, 100000, 2000000000, 1000000, 4000000000, 'failed', 'api', now(), now())`,
    [id, merchant.merchantId],
  );
  return id;
};

const createCryptoPayment = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/crypto/payments", {
    customer: await createCustomer(merchant),
    network: "base",
    asset: "USDC",
    amount: "10",
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

export const objectEndpoints: ObjectEndpoint[] = [
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
    name: "retrieve crypto payment",
    method: "GET",
    path: (id) => `/crypto/payments/${id}`,
    create: createCryptoPayment,
  },
  {
    name: "retrieve crypto transfer",
    method: "GET",
    path: (id) => `/crypto/transfers/${id}`,
    create: createCryptoTransfer,
  },
  {
    name: "retrieve crypto address",
    method: "GET",
    path: (id) => `/crypto/addresses/${id}`,
    create: createCryptoAddress,
  },
  {
    name: "retrieve crypto deposit",
    method: "GET",
    path: (id) => `/crypto/deposits/${id}`,
    create: createCryptoDeposit,
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
  { name: "retrieve tax rate", method: "GET", path: (id) => `/tax-rates/${id}`, create: createTaxRate },
  {
    name: "update tax rate",
    readBack: (id) => `/tax-rates/${id}`,
    method: "PATCH",
    path: (id) => `/tax-rates/${id}`,
    body: { display_name: "x" },
    create: createTaxRate,
  },
  {
    name: "retrieve invoice item",
    method: "GET",
    path: (id) => `/invoice-items/${id}`,
    create: createInvoiceItem,
  },
  { name: "retrieve invoice", method: "GET", path: (id) => `/invoices/${id}`, create: createInvoice },
  {
    name: "invoice pdf",
    readBack: (id) => `/invoices/${id}`,
    method: "GET",
    path: (id) => `/invoices/${id}/pdf`,
    create: createOpenInvoice,
  },
  {
    name: "finalize invoice",
    readBack: (id) => `/invoices/${id}`,
    method: "POST",
    path: (id) => `/invoices/${id}/finalize`,
    create: createInvoice,
  },
  {
    name: "pay invoice",
    readBack: (id) => `/invoices/${id}`,
    method: "POST",
    path: (id) => `/invoices/${id}/pay`,
    body: {},
    create: createOpenInvoice,
  },
  {
    name: "mark invoice paid",
    readBack: (id) => `/invoices/${id}`,
    method: "POST",
    path: (id) => `/invoices/${id}/mark_paid`,
    body: { reference: "x" },
    create: createOpenInvoice,
  },
  {
    name: "void invoice",
    readBack: (id) => `/invoices/${id}`,
    method: "POST",
    path: (id) => `/invoices/${id}/void`,
    create: createOpenInvoice,
  },
  {
    name: "mark invoice uncollectible",
    readBack: (id) => `/invoices/${id}`,
    method: "POST",
    path: (id) => `/invoices/${id}/mark_uncollectible`,
    create: createOpenInvoice,
  },
  {
    name: "create credit note",
    readBack: (id) => `/invoices/${id}`,
    method: "POST",
    path: () => "/credit-notes",
    bodyFor: (id) => ({ invoice: id, amount: 100 }),
    create: createOpenInvoice,
  },
  {
    name: "preview credit note",
    readBack: (id) => `/invoices/${id}`,
    method: "POST",
    path: () => "/credit-notes/preview",
    bodyFor: (id) => ({ invoice: id, amount: 100 }),
    create: createOpenInvoice,
  },
  {
    name: "retrieve credit note",
    method: "GET",
    path: (id) => `/credit-notes/${id}`,
    create: createCreditNote,
  },
  {
    name: "void credit note",
    readBack: (id) => `/credit-notes/${id}`,
    method: "POST",
    path: (id) => `/credit-notes/${id}/void`,
    create: createCreditNote,
  },
  { name: "retrieve test clock", method: "GET", path: (id) => `/test-clocks/${id}`, create: createTestClock },
  {
    name: "advance test clock",
    readBack: (id) => `/test-clocks/${id}`,
    method: "POST",
    path: (id) => `/test-clocks/${id}/advance`,
    body: { frozen_time: "2027-01-02T00:00:00Z" },
    create: createTestClock,
  },
  {
    name: "delete test clock",
    readBack: (id) => `/test-clocks/${id}`,
    method: "DELETE",
    path: (id) => `/test-clocks/${id}`,
    create: createTestClock,
  },
  {
    name: "retrieve subscription",
    method: "GET",
    path: (id) => `/subscriptions/${id}`,
    create: createSubscription,
  },
  {
    name: "retrieve subscription usage",
    readBack: (id) => `/subscriptions/${id}`,
    method: "GET",
    path: (id) => `/subscriptions/${id}/usage`,
    create: createSubscription,
  },
  {
    name: "update subscription",
    readBack: (id) => `/subscriptions/${id}`,
    method: "PATCH",
    path: (id) => `/subscriptions/${id}`,
    body: { metadata: { plan: "x" } },
    create: createSubscription,
  },
  {
    name: "preview subscription change",
    readBack: (id) => `/subscriptions/${id}`,
    method: "POST",
    path: (id) => `/subscriptions/${id}/preview`,
    body: {},
    create: createSubscription,
  },
  {
    name: "cancel subscription",
    readBack: (id) => `/subscriptions/${id}`,
    method: "POST",
    path: (id) => `/subscriptions/${id}/cancel`,
    body: {},
    create: createSubscription,
  },
  {
    name: "pause subscription",
    readBack: (id) => `/subscriptions/${id}`,
    method: "POST",
    path: (id) => `/subscriptions/${id}/pause`,
    body: { behavior: "void" },
    create: createSubscription,
  },
  {
    name: "resume subscription",
    readBack: (id) => `/subscriptions/${id}`,
    method: "POST",
    path: (id) => `/subscriptions/${id}/resume`,
    body: {},
    create: createSubscription,
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
  { name: "retrieve payout", method: "GET", path: (id) => `/payouts/${id}`, create: createPayout },
  { name: "payout status", method: "GET", path: (id) => `/status/payouts/${id}`, create: createPayout },
  {
    name: "cancel payout",
    readBack: (id) => `/payouts/${id}`,
    method: "POST",
    path: (id) => `/payouts/${id}/cancel`,
    create: createPayout,
  },
  {
    name: "retrieve settlement",
    method: "GET",
    path: (id) => `/settlements/${id}`,
    create: createSettlement,
  },
  {
    name: "list settlement transactions",
    readBack: (id) => `/settlements/${id}`,
    method: "GET",
    path: (id) => `/settlements/${id}/transactions`,
    create: createSettlement,
  },
  {
    name: "export settlement",
    readBack: (id) => `/settlements/${id}`,
    method: "GET",
    path: (id) => `/settlements/${id}/export.csv`,
    create: createSettlement,
  },
  {
    name: "retrieve bank transfer",
    method: "GET",
    path: (id) => `/bank-transfers/${id}`,
    create: createBankTransfer,
  },
  {
    name: "bank transfer status",
    method: "GET",
    path: (id) => `/status/bank-transfers/${id}`,
    create: createBankTransfer,
  },
  {
    name: "cancel bank transfer",
    readBack: (id) => `/bank-transfers/${id}`,
    method: "POST",
    path: (id) => `/bank-transfers/${id}/cancel`,
    create: createBankTransfer,
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
    name: "retrieve fx conversion",
    method: "GET",
    path: (id) => `/fx/conversions/${id}`,
    create: createFxConversion,
  },
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
    name: "simulate deposit arrival",
    readBack: (id) => `/funding/deposits/${id}`,
    method: "POST",
    path: (id) => `/sandbox/funding/deposits/${id}/receive`,
    create: createFundingDeposit,
  },
  {
    name: "simulate deposit failure",
    readBack: (id) => `/funding/deposits/${id}`,
    method: "POST",
    path: (id) => `/sandbox/funding/deposits/${id}/fail`,
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
    name: "simulate issuing card shipping",
    readBack: (id) => `/issuing/cards/${id}`,
    method: "POST",
    path: (id) => `/sandbox/issuing/cards/${id}/shipping`,
    body: { status: "submitted" },
    create: createPhysicalIssuingCard,
  },
  {
    name: "retrieve issuing authorization",
    method: "GET",
    path: (id) => `/issuing/authorizations/${id}`,
    create: createIssuingAuthorization,
  },
  {
    name: "simulate issuing capture",
    readBack: (id) => `/issuing/authorizations/${id}`,
    method: "POST",
    path: (id) => `/sandbox/issuing/authorizations/${id}/capture`,
    body: { amount: 50 },
    create: createIssuingAuthorization,
  },
  {
    name: "simulate issuing increment",
    readBack: (id) => `/issuing/authorizations/${id}`,
    method: "POST",
    path: (id) => `/sandbox/issuing/authorizations/${id}/increment`,
    body: { amount: 10 },
    create: createIssuingAuthorization,
  },
  {
    name: "simulate issuing reversal",
    readBack: (id) => `/issuing/authorizations/${id}`,
    method: "POST",
    path: (id) => `/sandbox/issuing/authorizations/${id}/reverse`,
    body: {},
    create: createIssuingAuthorization,
  },
  {
    name: "retrieve issuing transaction",
    method: "GET",
    path: (id) => `/issuing/transactions/${id}`,
    create: createIssuingTransaction,
  },
  {
    name: "simulate issuing refund",
    readBack: (id) => `/issuing/transactions/${id}`,
    method: "POST",
    path: (id) => `/sandbox/issuing/transactions/${id}/refund`,
    body: { amount: 10 },
    create: createIssuingTransaction,
  },
  {
    name: "retrieve issuing dispute",
    method: "GET",
    path: (id) => `/issuing/disputes/${id}`,
    create: createIssuingDispute,
  },
  {
    name: "update issuing dispute",
    readBack: (id) => `/issuing/disputes/${id}`,
    method: "PATCH",
    path: (id) => `/issuing/disputes/${id}`,
    body: { evidence: { explanation: "Never came." } },
    create: createIssuingDispute,
  },
  {
    name: "submit issuing dispute",
    readBack: (id) => `/issuing/disputes/${id}`,
    method: "POST",
    path: (id) => `/issuing/disputes/${id}/submit`,
    create: createIssuingDispute,
  },
  {
    name: "simulate issuing dispute resolution",
    readBack: (id) => `/issuing/disputes/${id}`,
    method: "POST",
    path: (id) => `/sandbox/issuing/disputes/${id}/resolve`,
    body: { outcome: "won" },
    create: createSubmittedIssuingDispute,
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
    name: "resubmit individual verification",
    readBack: (id) => `/individual_verifications/${id}`,
    method: "POST",
    path: (id) => `/individual_verifications/${id}/resubmit`,
    body: { first_name: "Ada" },
    create: createIndividualVerification,
  },
  {
    name: "resubmit business verification",
    readBack: (id) => `/business_verifications/${id}`,
    method: "POST",
    path: (id) => `/business_verifications/${id}/resubmit`,
    body: { legal_name: "Security Two Ltd" },
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
  { name: "list crypto addresses", method: "GET", path: "/crypto/addresses" },
  { name: "list crypto deposits", method: "GET", path: "/crypto/deposits" },
  { name: "list crypto networks", method: "GET", path: "/crypto/networks" },
  { name: "list crypto transfers", method: "GET", path: "/crypto/transfers" },
  { name: "list crypto payments", method: "GET", path: "/crypto/payments" },
  {
    name: "create crypto payment",
    method: "POST",
    path: "/crypto/payments",
    body: { customer: "cus_missing", network: "base", asset: "USDC", amount: "10" },
  },
  {
    // No chain answers in these suites: 503 crypto_network_unavailable, with nothing reserved.
    name: "create crypto transfer",
    method: "POST",
    path: "/crypto/transfers",
    body: { network: "base", asset: "USDC", to: "0x9858EfFD232B4033E47d90003D41EC34EcaEda94", amount: "1" },
  },
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
    name: "upload verification document",
    method: "POST",
    path: "/verification_documents",
    body: { verification: "idv_x", type: "passport" },
  },
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
  { name: "list payouts", method: "GET", path: "/payouts" },
  { name: "payout schedule", method: "GET", path: "/payouts/schedule" },
  {
    name: "update payout schedule",
    method: "POST",
    path: "/payouts/schedule",
    body: { interval: "monthly", monthly_anchor: 31 },
  },
  { name: "list settlements", method: "GET", path: "/settlements" },
  { name: "settlement schedule", method: "GET", path: "/settlements/schedule" },
  {
    name: "update settlement schedule",
    method: "POST",
    path: "/settlements/schedule",
    body: { interval: "weekly", weekly_anchor: "monday" },
  },
  { name: "list bank transfers", method: "GET", path: "/bank-transfers" },
  {
    name: "create bank transfer",
    method: "POST",
    path: "/bank-transfers",
    body: { direction: "push", amount: 100, currency: "USD", bank_account: "ba_missing" },
  },
  {
    name: "create payout",
    method: "POST",
    path: "/payouts",
    body: { amount: 100, currency: "USD", destination: "ba_missing" },
  },
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
  { name: "update fx settings", method: "POST", path: "/fx/settings", body: { merchant_markup_bps: -1 } },
  {
    name: "create fx quote",
    method: "POST",
    path: "/fx/quotes",
    body: { sell_currency: "USD", buy_currency: "EUR", sell_amount: 100 },
  },
  { name: "list fx conversions", method: "GET", path: "/fx/conversions" },
  { name: "convert with an fx quote", method: "POST", path: "/fx/conversions", body: { quote: "fxq_x" } },
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
  { name: "list api keys", method: "GET", path: "/api-keys" },
  { name: "create api key", method: "POST", path: "/api-keys", body: { environment: "sandbox", name: "x" } },
  // The fixtures call it with an API key: 403 session_required, so no session of theirs ends.
  { name: "log out", method: "DELETE", path: "/auth/sessions/current" },
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
  {
    name: "create issuing dispute",
    method: "POST",
    path: "/issuing/disputes",
    body: { transaction: "ipi_x", reason: "other" },
  },
  { name: "list issuing disputes", method: "GET", path: "/issuing/disputes" },
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
  {
    name: "create tax rate",
    method: "POST",
    path: "/tax-rates",
    body: { display_name: "x", percentage: 5, inclusive: false },
  },
  { name: "list tax rates", method: "GET", path: "/tax-rates" },
  {
    name: "create invoice item",
    method: "POST",
    path: "/invoice-items",
    body: { customer: "cus_x", amount: 100, currency: "USD" },
  },
  { name: "list invoice items", method: "GET", path: "/invoice-items" },
  { name: "create invoice", method: "POST", path: "/invoices", body: { customer: "cus_x" } },
  { name: "list invoices", method: "GET", path: "/invoices" },
  {
    name: "create credit note",
    method: "POST",
    path: "/credit-notes",
    body: { invoice: "in_x", amount: 100 },
  },
  {
    name: "preview credit note",
    method: "POST",
    path: "/credit-notes/preview",
    body: { invoice: "in_x", amount: 100 },
  },
  { name: "list credit notes", method: "GET", path: "/credit-notes" },
  {
    name: "create test clock",
    method: "POST",
    path: "/test-clocks",
    body: { frozen_time: "2027-01-01T00:00:00Z" },
  },
  { name: "list test clocks", method: "GET", path: "/test-clocks" },
  {
    name: "create subscription",
    method: "POST",
    path: "/subscriptions",
    body: { customer: "cus_x", items: [{ price: "price_x" }] },
  },
  { name: "list subscriptions", method: "GET", path: "/subscriptions" },
  { name: "retrieve invoice settings", method: "GET", path: "/invoice-settings" },
  {
    name: "update invoice settings",
    method: "PATCH",
    path: "/invoice-settings",
    body: { number_prefix: "" },
  },
  { name: "retrieve subscription settings", method: "GET", path: "/subscription-settings" },
  {
    name: "update subscription settings",
    method: "PATCH",
    path: "/subscription-settings",
    body: { unexpected_parameter: true },
  },
  { name: "create coupon", method: "POST", path: "/coupons", body: { percent_off: 10 } },
  { name: "list coupons", method: "GET", path: "/coupons" },
  { name: "create promotion code", method: "POST", path: "/promotion-codes", body: { coupon: "co_x" } },
  { name: "list promotion codes", method: "GET", path: "/promotion-codes" },
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
  {
    name: "usage summary",
    method: "GET",
    path: "/usage-records/summary?meter=mtr_x&customer=cus_x&start_time=2026-01-01T00:00:00Z&end_time=2026-02-01T00:00:00Z",
  },
];
