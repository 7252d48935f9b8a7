/** Billing: products, prices, coupons and promotion codes, meters and usage, tax rates, invoices, credit notes, test clocks, subscriptions. */
import type { TestMerchant } from "../harness";
import { createCustomer } from "./shared";
import type { CollectionEndpoint, ObjectEndpoint } from "./types";

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

export const billingObjectEndpoints: ObjectEndpoint[] = [
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
];

export const billingCollectionEndpoints: CollectionEndpoint[] = [
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
  { name: "list sandbox emails", method: "GET", path: "/sandbox/emails" },
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
