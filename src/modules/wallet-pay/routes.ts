import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, jsonBody, jsonContent, writeErrors } from "../../core/http";
import {
  applePayMerchantSessionSchema,
  completeWalletSessionBody,
  createWalletSessionBody,
  validateApplePayBody,
  walletSessionIdParams,
  walletSessionSchema,
} from "./schemas";

const tags = ["Wallet Pay"];
const errorSchema = writeErrors[400].content["application/json"].schema;
const validateErrors = {
  ...writeErrors,
  502: jsonContent(errorSchema, "Apple's gateway refused or did not answer the merchant validation."),
  503: jsonContent(errorSchema, "Apple Pay is not configured on this deployment."),
};
/** The payment's answers too: completion creates a card payment (payments/routes.ts). */
const completeErrors = {
  ...writeErrors,
  402: jsonContent(
    errorSchema,
    "The payment was declined: the code and decline_code say why; the session is open again.",
  ),
  403: jsonContent(
    errorSchema,
    "The account's business verification (KYB) must be approved for this production volume.",
  ),
  502: jsonContent(errorSchema, "The provider refused the payment request."),
  503: jsonContent(errorSchema, "The wallet is not configured, or no provider could take the payment."),
};

export const createWalletSessionRoute = createRoute({
  method: "post",
  path: "/wallet/sessions",
  operationId: "walletSessions.create",
  tags,
  summary: "Create a wallet session",
  description: "What the Apple Pay or Google Pay payment sheet needs for this amount.",
  security: authSecurity,
  request: { body: jsonBody(createWalletSessionBody) },
  responses: { 200: jsonContent(walletSessionSchema, "The new session."), ...writeErrors },
});

export const retrieveWalletSessionRoute = createRoute({
  method: "get",
  path: "/wallet/sessions/{id}",
  operationId: "walletSessions.retrieve",
  tags,
  summary: "Retrieve a wallet session",
  security: authSecurity,
  request: { params: walletSessionIdParams },
  responses: { 200: jsonContent(walletSessionSchema, "The session."), ...commonErrors },
});

export const validateApplePayMerchantRoute = createRoute({
  method: "post",
  path: "/wallet/sessions/{id}/apple-pay/validate",
  operationId: "walletSessions.validateApplePay",
  tags,
  summary: "Validate the merchant with Apple Pay",
  description:
    "Pass the validationURL of Safari's onvalidatemerchant event; only Apple's gateway hosts are called. Answers Apple's merchant session for completeMerchantValidation.",
  security: authSecurity,
  request: { params: walletSessionIdParams, body: jsonBody(validateApplePayBody) },
  responses: {
    200: jsonContent(applePayMerchantSessionSchema, "Apple's merchant session."),
    ...validateErrors,
  },
});

export const completeWalletSessionRoute = createRoute({
  method: "post",
  path: "/wallet/sessions/{id}/complete",
  operationId: "walletSessions.complete",
  tags,
  summary: "Complete a wallet session with the device's token",
  description:
    "Verifies and decrypts the token (Google Pay ECv2, Apple Pay EC_v1) and pays the session's amount with its card. A token is accepted once.",
  security: authSecurity,
  request: { params: walletSessionIdParams, body: jsonBody(completeWalletSessionBody) },
  responses: {
    200: jsonContent(walletSessionSchema, "The completed session, with its payment."),
    ...completeErrors,
  },
});
