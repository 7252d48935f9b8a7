/** Issuing: cardholders, cards, authorizations, transactions, disputes, and their sandbox simulations. */
import type { TestMerchant } from "../harness";
import { approvedCustomer } from "../verifications";
import { createFundingDeposit } from "./shared";
import type { CollectionEndpoint, ObjectEndpoint } from "./types";

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

export const issuingObjectEndpoints: ObjectEndpoint[] = [
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
];

export const issuingCollectionEndpoints: CollectionEndpoint[] = [
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
];
