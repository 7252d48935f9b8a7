import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, ErrorSchema, jsonBody, jsonContent, writeErrors } from "../../core/http";
import { listSchema } from "../../core/pagination";
import {
  bankTransferIdParams,
  bankTransferSchema,
  createBankTransferBody,
  listBankTransfersQuery,
  returnBankTransferBody,
} from "./schemas";

const tags = ["Bank transfers"];

export const createBankTransferRoute = createRoute({
  method: "post",
  path: "/bank-transfers",
  operationId: "bankTransfers.create",
  tags,
  summary: "Push to or pull from a bank account",
  description:
    "A push reserves the amount from the available balance at once (402 insufficient_funds otherwise, nothing reserved); a pull needs an active mandate on the account and credits pending when it arrives. The rail's currency, reach and per-payment limits are checked, and the arrival dated from its business-day calendar.",
  security: authSecurity,
  request: { body: jsonBody(createBankTransferBody) },
  responses: { 200: jsonContent(bankTransferSchema, "The pending bank transfer."), ...writeErrors },
});

export const retrieveBankTransferRoute = createRoute({
  method: "get",
  path: "/bank-transfers/{id}",
  operationId: "bankTransfers.retrieve",
  tags,
  summary: "Retrieve a bank transfer",
  security: authSecurity,
  request: { params: bankTransferIdParams },
  responses: { 200: jsonContent(bankTransferSchema, "The bank transfer."), ...commonErrors },
});

export const listBankTransfersRoute = createRoute({
  method: "get",
  path: "/bank-transfers",
  operationId: "bankTransfers.list",
  tags,
  summary: "List bank transfers",
  security: authSecurity,
  request: { query: listBankTransfersQuery },
  responses: {
    200: jsonContent(listSchema(bankTransferSchema, "BankTransferList"), "Newest first."),
    ...commonErrors,
  },
});

export const cancelBankTransferRoute = createRoute({
  method: "post",
  path: "/bank-transfers/{id}/cancel",
  operationId: "bankTransfers.cancel",
  tags,
  summary: "Cancel a pending bank transfer",
  description:
    "Only before its rail's cut-off (status pending); a push's reserved funds return to available.",
  security: authSecurity,
  request: { params: bankTransferIdParams },
  responses: { 200: jsonContent(bankTransferSchema, "The canceled bank transfer."), ...writeErrors },
});

export const returnBankTransferRoute = createRoute({
  method: "post",
  path: "/sandbox/bank-transfers/{id}/return",
  operationId: "sandbox.returnBankTransfer",
  tags: ["Sandbox"],
  summary: "Simulate the receiving bank returning a bank transfer",
  description:
    "Sandbox only. A submitted transfer fails with the code, as if rejected at arrival; a settled one is returned while the code's return window is open (a push's funds come back, a pull's credit is reversed), as the rail simulator does. 400 return_code_invalid for a code the rail does not carry; 409 bank_transfer_not_returnable otherwise.",
  security: authSecurity,
  request: { params: bankTransferIdParams, body: jsonBody(returnBankTransferBody) },
  responses: {
    200: jsonContent(bankTransferSchema, "The failed or returned bank transfer."),
    ...writeErrors,
    403: jsonContent(ErrorSchema, "sandbox_only: production credentials."),
  },
});
