import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, ErrorSchema, jsonBody, jsonContent, writeErrors } from "../../core/http";
import { listSchema } from "../../core/pagination";
import {
  createFundingDepositBody,
  failFundingDepositBody,
  fundingDepositIdParams,
  fundingDepositSchema,
  fundingInstructionsQuery,
  fundingInstructionsSchema,
  listFundingDepositsQuery,
  receiveFundingDepositBody,
} from "./schemas";

const tags = ["Funding"];
const sandboxTags = ["Sandbox"];

const forbidden = { 403: jsonContent(ErrorSchema, "sandbox_only: production credentials.") };

export const fundingInstructionsRoute = createRoute({
  method: "get",
  path: "/funding/instructions",
  operationId: "funding.retrieveInstructions",
  tags,
  summary: "Get bank details for funding the balance",
  description:
    "Bank details for a manual transfer in EUR, GBP or USD, and the reference that identifies your balance.",
  security: authSecurity,
  request: { query: fundingInstructionsQuery },
  responses: { 200: jsonContent(fundingInstructionsSchema, "Where to send the transfer."), ...commonErrors },
});

export const createFundingDepositRoute = createRoute({
  method: "post",
  path: "/funding/deposits",
  operationId: "fundingDeposits.create",
  tags,
  summary: "Declare a deposit",
  description:
    "Tells us a transfer is on its way. It starts pending; it is credited to available on arrival.",
  security: authSecurity,
  request: { body: jsonBody(createFundingDepositBody) },
  responses: { 200: jsonContent(fundingDepositSchema, "The pending deposit."), ...writeErrors },
});

export const listFundingDepositsRoute = createRoute({
  method: "get",
  path: "/funding/deposits",
  operationId: "fundingDeposits.list",
  tags,
  summary: "List deposits",
  security: authSecurity,
  request: { query: listFundingDepositsQuery },
  responses: {
    200: jsonContent(listSchema(fundingDepositSchema, "FundingDepositList"), "Newest first."),
    ...commonErrors,
  },
});

export const retrieveFundingDepositRoute = createRoute({
  method: "get",
  path: "/funding/deposits/{id}",
  operationId: "fundingDeposits.retrieve",
  tags,
  summary: "Retrieve a deposit",
  security: authSecurity,
  request: { params: fundingDepositIdParams },
  responses: { 200: jsonContent(fundingDepositSchema, "The deposit."), ...commonErrors },
});

export const cancelFundingDepositRoute = createRoute({
  method: "post",
  path: "/funding/deposits/{id}/cancel",
  operationId: "fundingDeposits.cancel",
  tags,
  summary: "Cancel a pending deposit",
  description: "Only a pending deposit can be canceled.",
  security: authSecurity,
  request: { params: fundingDepositIdParams },
  responses: { 200: jsonContent(fundingDepositSchema, "The canceled deposit."), ...writeErrors },
});

export const receiveFundingDepositRoute = createRoute({
  method: "post",
  path: "/sandbox/funding/deposits/{id}/receive",
  operationId: "sandbox.receiveFundingDeposit",
  tags: sandboxTags,
  summary: "Simulate a deposit's arrival",
  description:
    "Sandbox only. The transfer arrives (optionally with another amount) and is credited to available through the ledger; the deposit is credited when this returns. A second arrival is refused.",
  security: authSecurity,
  request: {
    params: fundingDepositIdParams,
    body: { required: false, content: { "application/json": { schema: receiveFundingDepositBody } } },
  },
  responses: {
    200: jsonContent(fundingDepositSchema, "The credited deposit."),
    ...writeErrors,
    ...forbidden,
  },
});

export const failFundingDepositRoute = createRoute({
  method: "post",
  path: "/sandbox/funding/deposits/{id}/fail",
  operationId: "sandbox.failFundingDeposit",
  tags: sandboxTags,
  summary: "Simulate a returned deposit",
  description: "Sandbox only. The sending bank returns a pending transfer; the deposit fails.",
  security: authSecurity,
  request: {
    params: fundingDepositIdParams,
    body: { required: false, content: { "application/json": { schema: failFundingDepositBody } } },
  },
  responses: { 200: jsonContent(fundingDepositSchema, "The failed deposit."), ...writeErrors, ...forbidden },
});
