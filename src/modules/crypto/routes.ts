import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, jsonBody, jsonContent, writeErrors } from "../../core/http";
import { listSchema } from "../../core/pagination";
import {
  createCryptoAddressBody,
  createCryptoPaymentBody,
  createCryptoTransferBody,
  cryptoAddressIdParams,
  cryptoAddressSchema,
  cryptoDepositIdParams,
  cryptoDepositSchema,
  cryptoNetworkListSchema,
  cryptoNetworkSchema,
  cryptoPaymentIdParams,
  cryptoPaymentSchema,
  cryptoTransferIdParams,
  cryptoTransferSchema,
  listCryptoAddressesQuery,
  listCryptoDepositsQuery,
  listCryptoPaymentsQuery,
  listCryptoTransfersQuery,
  networkParams,
  setConfirmationTiersBody,
} from "./schemas";

const tags = ["Crypto"];
const notConfiguredError = {
  503: {
    description: "Deposit addresses are not configured (crypto_not_configured).",
    content: { "application/json": { schema: commonErrors[400].content["application/json"].schema } },
  },
};

export const createCryptoAddressRoute = createRoute({
  method: "post",
  path: "/crypto/addresses",
  operationId: "cryptoAddresses.create",
  tags,
  summary: "Create (or get) a customer's deposit address on a network",
  description:
    "One address per customer and network, derived from the platform's extended public key. Asking again (for any asset) returns the same address, with that asset's payment URI.",
  security: authSecurity,
  request: { body: jsonBody(createCryptoAddressBody) },
  responses: {
    200: jsonContent(cryptoAddressSchema, "The deposit address."),
    ...writeErrors,
    ...notConfiguredError,
  },
});

export const retrieveCryptoAddressRoute = createRoute({
  method: "get",
  path: "/crypto/addresses/{id}",
  operationId: "cryptoAddresses.retrieve",
  tags,
  summary: "Retrieve a deposit address",
  security: authSecurity,
  request: { params: cryptoAddressIdParams },
  responses: { 200: jsonContent(cryptoAddressSchema, "The deposit address."), ...commonErrors },
});

export const listCryptoAddressesRoute = createRoute({
  method: "get",
  path: "/crypto/addresses",
  operationId: "cryptoAddresses.list",
  tags,
  summary: "List deposit addresses",
  security: authSecurity,
  request: { query: listCryptoAddressesQuery },
  responses: {
    200: jsonContent(listSchema(cryptoAddressSchema, "CryptoAddressList"), "Newest first."),
    ...commonErrors,
  },
});

export const retrieveCryptoDepositRoute = createRoute({
  method: "get",
  path: "/crypto/deposits/{id}",
  operationId: "cryptoDeposits.retrieve",
  tags,
  summary: "Retrieve a crypto deposit",
  security: authSecurity,
  request: { params: cryptoDepositIdParams },
  responses: { 200: jsonContent(cryptoDepositSchema, "The deposit."), ...commonErrors },
});

export const listCryptoDepositsRoute = createRoute({
  method: "get",
  path: "/crypto/deposits",
  operationId: "cryptoDeposits.list",
  tags,
  summary: "List crypto deposits",
  security: authSecurity,
  request: { query: listCryptoDepositsQuery },
  responses: {
    200: jsonContent(listSchema(cryptoDepositSchema, "CryptoDepositList"), "Newest first."),
    ...commonErrors,
  },
});

export const listCryptoNetworksRoute = createRoute({
  method: "get",
  path: "/crypto/networks",
  operationId: "cryptoNetworks.list",
  tags,
  summary: "List the networks available in this environment",
  description:
    "Each with its chain, assets, block time, finality rule and the merchant's confirmation tiers.",
  security: authSecurity,
  responses: { 200: jsonContent(cryptoNetworkListSchema, "The networks."), ...commonErrors },
});

export const setConfirmationTiersRoute = createRoute({
  method: "post",
  path: "/crypto/networks/{network}/confirmation_tiers",
  operationId: "cryptoNetworks.setConfirmationTiers",
  tags,
  summary: "Set the confirmation thresholds per amount tier on a network",
  description:
    "A deposit needs the confirmations of the highest tier whose min_amount (USD cents) it reaches; below every tier, the network's default.",
  security: authSecurity,
  request: { params: networkParams, body: jsonBody(setConfirmationTiersBody) },
  responses: { 200: jsonContent(cryptoNetworkSchema, "The network with its tiers."), ...writeErrors },
});

export const createCryptoTransferRoute = createRoute({
  method: "post",
  path: "/crypto/transfers",
  operationId: "cryptoTransfers.create",
  tags,
  summary: "Send crypto from the platform's hot wallet (a withdrawal)",
  description:
    "Reserves the amount's USD value (rounded up) from the available balance, takes the hot wallet's next nonce and broadcasts an EIP-1559 transaction whose max fee per gas never exceeds max_fee_per_gas. The transfer is then tracked to its receipt; a stuck one is replaced with higher fees.",
  security: authSecurity,
  request: { body: jsonBody(createCryptoTransferBody) },
  responses: {
    200: jsonContent(cryptoTransferSchema, "The transfer: broadcast, or pending when no node took it yet."),
    ...writeErrors,
    422: {
      description: "The network's fee is above max_fee_per_gas (crypto_fee_cap_exceeded).",
      content: { "application/json": { schema: commonErrors[400].content["application/json"].schema } },
    },
    503: {
      description:
        "Sends are not configured, the network's RPC did not answer, or the asset has no price (crypto_sends_not_configured, crypto_network_unavailable, crypto_price_unavailable).",
      content: { "application/json": { schema: commonErrors[400].content["application/json"].schema } },
    },
  },
});

export const retrieveCryptoTransferRoute = createRoute({
  method: "get",
  path: "/crypto/transfers/{id}",
  operationId: "cryptoTransfers.retrieve",
  tags,
  summary: "Retrieve a crypto transfer",
  security: authSecurity,
  request: { params: cryptoTransferIdParams },
  responses: { 200: jsonContent(cryptoTransferSchema, "The transfer."), ...commonErrors },
});

export const listCryptoTransfersRoute = createRoute({
  method: "get",
  path: "/crypto/transfers",
  operationId: "cryptoTransfers.list",
  tags,
  summary: "List crypto transfers",
  security: authSecurity,
  request: { query: listCryptoTransfersQuery },
  responses: {
    200: jsonContent(listSchema(cryptoTransferSchema, "CryptoTransferList"), "Newest first."),
    ...commonErrors,
  },
});

export const createCryptoPaymentRoute = createRoute({
  method: "post",
  path: "/crypto/payments",
  operationId: "cryptoPayments.create",
  tags,
  summary: "Request a crypto payment from a customer",
  description:
    "An amount due in an asset on a network, paid to the customer's deposit address before it expires. Credited deposits complete it (over-payment recorded) or leave it partially paid until it expires.",
  security: authSecurity,
  request: { body: jsonBody(createCryptoPaymentBody) },
  responses: {
    200: jsonContent(cryptoPaymentSchema, "The payment, open."),
    ...writeErrors,
    ...notConfiguredError,
  },
});

export const retrieveCryptoPaymentRoute = createRoute({
  method: "get",
  path: "/crypto/payments/{id}",
  operationId: "cryptoPayments.retrieve",
  tags,
  summary: "Retrieve a crypto payment",
  security: authSecurity,
  request: { params: cryptoPaymentIdParams },
  responses: { 200: jsonContent(cryptoPaymentSchema, "The payment."), ...commonErrors },
});

export const listCryptoPaymentsRoute = createRoute({
  method: "get",
  path: "/crypto/payments",
  operationId: "cryptoPayments.list",
  tags,
  summary: "List crypto payments",
  security: authSecurity,
  request: { query: listCryptoPaymentsQuery },
  responses: {
    200: jsonContent(listSchema(cryptoPaymentSchema, "CryptoPaymentList"), "Newest first."),
    ...commonErrors,
  },
});
