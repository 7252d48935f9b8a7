import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, ErrorSchema, jsonBody, jsonContent, writeErrors } from "../../core/http";
import { listSchema } from "../../core/pagination";
import {
  authorizationIdParams,
  authorizationSchema,
  captureAuthorizationBody,
  createAuthorizationBody,
  forceCaptureBody,
  incrementAuthorizationBody,
  issuingTransactionSchema,
  listAuthorizationsQuery,
  listIssuingTransactionsQuery,
  refundTransactionBody,
  reverseAuthorizationBody,
  transactionIdParams,
} from "./authorization-schemas";

const tags = ["Issuing"];
const sandboxTags = ["Sandbox"];
const forbidden = { 403: jsonContent(ErrorSchema, "sandbox_only: production credentials.") };
const declined = { 402: jsonContent(ErrorSchema, "insufficient_funds: the funding balance can't cover it.") };

export const createAuthorizationRoute = createRoute({
  method: "post",
  path: "/issuing/authorizations",
  operationId: "issuingAuthorizations.create",
  tags,
  summary: "Sandbox: simulate a network authorization",
  description:
    "Decided against the card's and cardholder's status, both sets of spending controls (the stricter wins), velocity and the funding balance, atomically. A decline is a 200 with approved false and its decline_reason.",
  security: authSecurity,
  request: { body: jsonBody(createAuthorizationBody) },
  responses: {
    200: jsonContent(authorizationSchema, "The authorization, approved or declined."),
    ...writeErrors,
    ...forbidden,
  },
});

export const listAuthorizationsRoute = createRoute({
  method: "get",
  path: "/issuing/authorizations",
  operationId: "issuingAuthorizations.list",
  tags,
  summary: "List authorizations",
  security: authSecurity,
  request: { query: listAuthorizationsQuery },
  responses: {
    200: jsonContent(listSchema(authorizationSchema, "IssuingAuthorizationList"), "Newest first."),
    ...commonErrors,
  },
});

export const retrieveAuthorizationRoute = createRoute({
  method: "get",
  path: "/issuing/authorizations/{id}",
  operationId: "issuingAuthorizations.retrieve",
  tags,
  summary: "Retrieve an authorization",
  security: authSecurity,
  request: { params: authorizationIdParams },
  responses: { 200: jsonContent(authorizationSchema, "The authorization."), ...commonErrors },
});

export const captureAuthorizationRoute = createRoute({
  method: "post",
  path: "/sandbox/issuing/authorizations/{id}/capture",
  operationId: "sandbox.captureIssuingAuthorization",
  tags: sandboxTags,
  summary: "Sandbox: the merchant captures an authorization",
  description:
    "Less than pending releases the rest to the funding balance; more takes the difference from it (402 when it can't). Creates a capture transaction.",
  security: authSecurity,
  request: { params: authorizationIdParams, body: jsonBody(captureAuthorizationBody) },
  responses: {
    200: jsonContent(issuingTransactionSchema, "The capture transaction."),
    ...writeErrors,
    ...forbidden,
    ...declined,
  },
});

export const incrementAuthorizationRoute = createRoute({
  method: "post",
  path: "/sandbox/issuing/authorizations/{id}/increment",
  operationId: "sandbox.incrementIssuingAuthorization",
  tags: sandboxTags,
  summary: "Sandbox: the merchant adds to a pending authorization",
  description:
    "Decided like an authorization: status, controls (the per-authorization limit on the new total), velocity and the funding balance. A decline is 402 issuing_increment_declined with its decline_code; the authorization is then unchanged.",
  security: authSecurity,
  request: { params: authorizationIdParams, body: jsonBody(incrementAuthorizationBody) },
  responses: {
    200: jsonContent(authorizationSchema, "The authorization with the added amount."),
    ...writeErrors,
    ...forbidden,
    402: jsonContent(ErrorSchema, "issuing_increment_declined, with decline_code."),
  },
});

export const reverseAuthorizationRoute = createRoute({
  method: "post",
  path: "/sandbox/issuing/authorizations/{id}/reverse",
  operationId: "sandbox.reverseIssuingAuthorization",
  tags: sandboxTags,
  summary: "Sandbox: the merchant reverses (part of) an authorization",
  security: authSecurity,
  request: { params: authorizationIdParams, body: jsonBody(reverseAuthorizationBody) },
  responses: { 200: jsonContent(authorizationSchema, "The authorization."), ...writeErrors, ...forbidden },
});

export const listIssuingTransactionsRoute = createRoute({
  method: "get",
  path: "/issuing/transactions",
  operationId: "issuingTransactions.list",
  tags,
  summary: "List issuing transactions",
  security: authSecurity,
  request: { query: listIssuingTransactionsQuery },
  responses: {
    200: jsonContent(listSchema(issuingTransactionSchema, "IssuingTransactionList"), "Newest first."),
    ...commonErrors,
  },
});

export const retrieveIssuingTransactionRoute = createRoute({
  method: "get",
  path: "/issuing/transactions/{id}",
  operationId: "issuingTransactions.retrieve",
  tags,
  summary: "Retrieve an issuing transaction",
  security: authSecurity,
  request: { params: transactionIdParams },
  responses: { 200: jsonContent(issuingTransactionSchema, "The transaction."), ...commonErrors },
});

export const refundIssuingTransactionRoute = createRoute({
  method: "post",
  path: "/sandbox/issuing/transactions/{id}/refund",
  operationId: "sandbox.refundIssuingTransaction",
  tags: sandboxTags,
  summary: "Sandbox: the merchant refunds (part of) a capture",
  security: authSecurity,
  request: { params: transactionIdParams, body: jsonBody(refundTransactionBody) },
  responses: {
    200: jsonContent(issuingTransactionSchema, "The refund transaction."),
    ...writeErrors,
    ...forbidden,
  },
});

export const forceCaptureRoute = createRoute({
  method: "post",
  path: "/sandbox/issuing/transactions/force-capture",
  operationId: "sandbox.forceCaptureIssuing",
  tags: sandboxTags,
  summary: "Sandbox: a capture without an authorization",
  security: authSecurity,
  request: { body: jsonBody(forceCaptureBody) },
  responses: {
    200: jsonContent(issuingTransactionSchema, "The capture transaction."),
    ...writeErrors,
    ...forbidden,
    ...declined,
  },
});
