/** Crypto: addresses, deposits, payments, transfers, networks. */
import { randomUUID } from "node:crypto";
import { query } from "../db";
import type { TestMerchant } from "../harness";
import { createCustomer } from "./shared";
import type { CollectionEndpoint, ObjectEndpoint } from "./types";

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

export const cryptoObjectEndpoints: ObjectEndpoint[] = [
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
];

export const cryptoCollectionEndpoints: CollectionEndpoint[] = [
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
];
