/** Money movement: funding, ledger transactions and balances, status documents, bank accounts, mandates, payouts, settlements, bank transfers, global accounts, FX. */
import { generateBankDetails } from "../../src/core/bank-details";
import { baseUrl, type TestMerchant } from "../harness";
import { createFundingDeposit } from "./shared";
import type { CollectionEndpoint, ObjectEndpoint } from "./types";

/** A funding deposit that arrived: its credit is a ledger transaction (ltx_). */
const createLedgerTransaction = async (merchant: TestMerchant): Promise<string> => {
  const deposit = await createFundingDeposit(merchant);
  const received = await merchant.sandbox.request<{ transaction: string }>(
    "POST",
    `/sandbox/funding/deposits/${deposit}/receive`,
  );
  return received.body.transaction;
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

export const bankingObjectEndpoints: ObjectEndpoint[] = [
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
    name: "simulate bank transfer return",
    readBack: (id) => `/bank-transfers/${id}`,
    method: "POST",
    path: (id) => `/sandbox/bank-transfers/${id}/return`,
    body: { code: "R10" },
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
];

export const bankingCollectionEndpoints: CollectionEndpoint[] = [
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
];
