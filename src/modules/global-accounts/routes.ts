import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, ErrorSchema, jsonBody, jsonContent, writeErrors } from "../../core/http";
import { listSchema } from "../../core/pagination";
import {
  createGlobalAccountBody,
  globalAccountIdParams,
  globalAccountSchema,
  globalAccountTransferSchema,
  listGlobalAccountsQuery,
  listTransfersQuery,
  simulateIncomingTransferBody,
  updateGlobalAccountBody,
} from "./schemas";

const tags = ["Global accounts"];

export const createGlobalAccountRoute = createRoute({
  method: "post",
  path: "/global-accounts",
  operationId: "globalAccounts.create",
  tags,
  summary: "Open a global account",
  description:
    "A virtual account with local details in the country: an IBAN and BIC in IBAN countries, local details elsewhere (US, GB, CA, AU, IN, MX, JP, SG, HK, BR). Details are never reused.",
  security: authSecurity,
  request: { body: jsonBody(createGlobalAccountBody) },
  responses: { 200: jsonContent(globalAccountSchema, "The new global account."), ...writeErrors },
});

export const retrieveGlobalAccountRoute = createRoute({
  method: "get",
  path: "/global-accounts/{id}",
  operationId: "globalAccounts.retrieve",
  tags,
  summary: "Retrieve a global account",
  security: authSecurity,
  request: { params: globalAccountIdParams },
  responses: { 200: jsonContent(globalAccountSchema, "The global account."), ...commonErrors },
});

export const listGlobalAccountsRoute = createRoute({
  method: "get",
  path: "/global-accounts",
  operationId: "globalAccounts.list",
  tags,
  summary: "List global accounts",
  security: authSecurity,
  request: { query: listGlobalAccountsQuery },
  responses: {
    200: jsonContent(listSchema(globalAccountSchema, "GlobalAccountList"), "Newest first."),
    ...commonErrors,
  },
});

export const updateGlobalAccountRoute = createRoute({
  method: "post",
  path: "/global-accounts/{id}",
  operationId: "globalAccounts.update",
  tags,
  summary: "Update a global account",
  description: "Fields left out stay as they are; auto_convert_to null stops converting incoming funds.",
  security: authSecurity,
  request: { params: globalAccountIdParams, body: jsonBody(updateGlobalAccountBody) },
  responses: { 200: jsonContent(globalAccountSchema, "The updated global account."), ...writeErrors },
});

export const closeGlobalAccountRoute = createRoute({
  method: "post",
  path: "/global-accounts/{id}/close",
  operationId: "globalAccounts.close",
  tags,
  summary: "Close a global account",
  description: "Later incoming transfers are returned to the payer. The details are never issued again.",
  security: authSecurity,
  request: { params: globalAccountIdParams },
  responses: { 200: jsonContent(globalAccountSchema, "The closed global account."), ...writeErrors },
});

export const simulateIncomingTransferRoute = createRoute({
  method: "post",
  path: "/global-accounts/{id}/simulate-incoming-transfer",
  operationId: "globalAccounts.simulateIncomingTransfer",
  tags,
  summary: "Simulate an incoming transfer (sandbox)",
  description:
    "A payer's transfer arrives: it credits the available balance through the ledger, then converts to auto_convert_to when set. A closed account returns it.",
  security: authSecurity,
  request: { params: globalAccountIdParams, body: jsonBody(simulateIncomingTransferBody) },
  responses: {
    200: jsonContent(globalAccountTransferSchema, "The transfer: received, or returned."),
    403: jsonContent(ErrorSchema, "sandbox_only: production credentials."),
    ...writeErrors,
  },
});

export const listTransfersRoute = createRoute({
  method: "get",
  path: "/global-accounts/{id}/transfers",
  operationId: "globalAccounts.listTransfers",
  tags,
  summary: "List a global account's incoming transfers",
  security: authSecurity,
  request: { params: globalAccountIdParams, query: listTransfersQuery },
  responses: {
    200: jsonContent(listSchema(globalAccountTransferSchema, "GlobalAccountTransferList"), "Newest first."),
    ...commonErrors,
  },
});
