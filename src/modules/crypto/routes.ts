import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, jsonBody, jsonContent, writeErrors } from "../../core/http";
import { listSchema } from "../../core/pagination";
import {
  createCryptoAddressBody,
  cryptoAddressIdParams,
  cryptoAddressSchema,
  cryptoDepositIdParams,
  cryptoDepositSchema,
  cryptoNetworkListSchema,
  cryptoNetworkSchema,
  listCryptoAddressesQuery,
  listCryptoDepositsQuery,
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
