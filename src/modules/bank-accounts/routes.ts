import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, jsonBody, jsonContent, writeErrors } from "../../core/http";
import { listSchema } from "../../core/pagination";
import {
  bankAccountIdParams,
  bankAccountSchema,
  createBankAccountBody,
  createMandateBody,
  deletedBankAccountSchema,
  listBankAccountsQuery,
  listMandatesQuery,
  mandateIdParams,
  mandateSchema,
  startMicroDepositsBody,
  verifyBankAccountBody,
} from "./schemas";

const tags = ["Bank accounts"];

export const createBankAccountRoute = createRoute({
  method: "post",
  path: "/bank-accounts",
  operationId: "bankAccounts.create",
  tags,
  summary: "Save a bank account",
  description:
    "For a customer, or for the merchant itself without `customer`. The country decides which details are required; only the last 4 digits are ever returned.",
  security: authSecurity,
  request: { body: jsonBody(createBankAccountBody) },
  responses: { 200: jsonContent(bankAccountSchema, "The new bank account (status new)."), ...writeErrors },
});

export const retrieveBankAccountRoute = createRoute({
  method: "get",
  path: "/bank-accounts/{id}",
  operationId: "bankAccounts.retrieve",
  tags,
  summary: "Retrieve a bank account",
  security: authSecurity,
  request: { params: bankAccountIdParams },
  responses: { 200: jsonContent(bankAccountSchema, "The bank account."), ...commonErrors },
});

export const listBankAccountsRoute = createRoute({
  method: "get",
  path: "/bank-accounts",
  operationId: "bankAccounts.list",
  tags,
  summary: "List bank accounts",
  security: authSecurity,
  request: { query: listBankAccountsQuery },
  responses: {
    200: jsonContent(listSchema(bankAccountSchema, "BankAccountList"), "Newest first."),
    ...commonErrors,
  },
});

export const deleteBankAccountRoute = createRoute({
  method: "delete",
  path: "/bank-accounts/{id}",
  operationId: "bankAccounts.delete",
  tags,
  summary: "Delete a bank account",
  description: "The account leaves the API and its active mandates are revoked; it may be saved again later.",
  security: authSecurity,
  request: { params: bankAccountIdParams },
  responses: { 200: jsonContent(deletedBankAccountSchema, "The deleted bank account."), ...writeErrors },
});

export const startMicroDepositsRoute = createRoute({
  method: "post",
  path: "/bank-accounts/{id}/verify/micro-deposits",
  operationId: "bankAccounts.startMicroDeposits",
  tags,
  summary: "Start micro-deposit verification",
  description:
    "Sends two amounts (1–99 minor units) or one amount with a 6-character descriptor code starting SM. They are valid for 10 days. Sandbox shows them under sandbox_micro_deposits.",
  security: authSecurity,
  request: { params: bankAccountIdParams, body: jsonBody(startMicroDepositsBody) },
  responses: { 200: jsonContent(bankAccountSchema, "The account, pending_verification."), ...writeErrors },
});

export const verifyBankAccountRoute = createRoute({
  method: "post",
  path: "/bank-accounts/{id}/verify",
  operationId: "bankAccounts.verify",
  tags,
  summary: "Verify micro-deposits",
  description: "Send the two amounts, or the descriptor code. Three wrong answers fail the verification.",
  security: authSecurity,
  request: { params: bankAccountIdParams, body: jsonBody(verifyBankAccountBody) },
  responses: { 200: jsonContent(bankAccountSchema, "The verified account."), ...writeErrors },
});

export const verifyInstantlyRoute = createRoute({
  method: "post",
  path: "/bank-accounts/{id}/verify/instant",
  operationId: "bankAccounts.verifyInstantly",
  tags,
  summary: "Verify instantly",
  description:
    "Asks the account-information provider (simulated in sandbox). The outcome is on the account: verified, or verification_failed with a reason.",
  security: authSecurity,
  request: { params: bankAccountIdParams },
  responses: {
    200: jsonContent(bankAccountSchema, "The account after the provider's answer."),
    ...writeErrors,
  },
});

const mandateTags = ["Mandates"];

export const createMandateRoute = createRoute({
  method: "post",
  path: "/mandates",
  operationId: "mandates.create",
  tags: mandateTags,
  summary: "Create a mandate",
  description:
    "An ACH debit authorization (US, USD) or a SEPA Direct Debit mandate (IBAN, EUR) on a verified bank account.",
  security: authSecurity,
  request: { body: jsonBody(createMandateBody) },
  responses: { 200: jsonContent(mandateSchema, "The active mandate."), ...writeErrors },
});

export const retrieveMandateRoute = createRoute({
  method: "get",
  path: "/mandates/{id}",
  operationId: "mandates.retrieve",
  tags: mandateTags,
  summary: "Retrieve a mandate",
  security: authSecurity,
  request: { params: mandateIdParams },
  responses: { 200: jsonContent(mandateSchema, "The mandate."), ...commonErrors },
});

export const listMandatesRoute = createRoute({
  method: "get",
  path: "/mandates",
  operationId: "mandates.list",
  tags: mandateTags,
  summary: "List mandates",
  security: authSecurity,
  request: { query: listMandatesQuery },
  responses: { 200: jsonContent(listSchema(mandateSchema, "MandateList"), "Newest first."), ...commonErrors },
});

export const revokeMandateRoute = createRoute({
  method: "post",
  path: "/mandates/{id}/revoke",
  operationId: "mandates.revoke",
  tags: mandateTags,
  summary: "Revoke a mandate",
  security: authSecurity,
  request: { params: mandateIdParams },
  responses: { 200: jsonContent(mandateSchema, "The revoked mandate."), ...writeErrors },
});
