import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, ErrorSchema, jsonBody, jsonContent, writeErrors } from "../../core/http";
import { listSchema } from "../../core/pagination";
import {
  cancelPaymentBody,
  capturePaymentBody,
  confirmPaymentBody,
  createPaymentBody,
  listPaymentsQuery,
  paymentIdParams,
  paymentSchema,
  sandboxCompleteBody,
} from "./schemas";

const tags = ["Payments"];
const paymentErrors = {
  ...writeErrors,
  403: jsonContent(
    writeErrors[400].content["application/json"].schema,
    "The account's business verification (KYB) must be approved for this production volume.",
  ),
  402: jsonContent(
    writeErrors[400].content["application/json"].schema,
    "Declined: the code and decline_code say why.",
  ),
  503: jsonContent(
    writeErrors[400].content["application/json"].schema,
    "No provider could take the payment.",
  ),
};

export const createPaymentRoute = createRoute({
  method: "post",
  path: "/payments",
  operationId: "payments.create",
  tags,
  summary: "Create a payment",
  description:
    "With confirm: true the payment is routed and authorized at once; a decline answers 402 with decline_code and leaves the payment failed.",
  security: authSecurity,
  request: { body: jsonBody(createPaymentBody) },
  responses: { 200: jsonContent(paymentSchema, "The payment."), ...paymentErrors },
});

export const confirmPaymentRoute = createRoute({
  method: "post",
  path: "/payments/{id}/confirm",
  operationId: "payments.confirm",
  tags,
  summary: "Confirm a payment",
  security: authSecurity,
  request: { params: paymentIdParams, body: jsonBody(confirmPaymentBody) },
  responses: { 200: jsonContent(paymentSchema, "The payment."), ...paymentErrors },
});

export const capturePaymentRoute = createRoute({
  method: "post",
  path: "/payments/{id}/capture",
  operationId: "payments.capture",
  tags,
  summary: "Capture an authorized payment",
  description: "Full by default; amount_to_capture captures part and releases the rest.",
  security: authSecurity,
  request: {
    params: paymentIdParams,
    body: { required: false, content: { "application/json": { schema: capturePaymentBody } } },
  },
  responses: { 200: jsonContent(paymentSchema, "The captured payment."), ...paymentErrors },
});

export const cancelPaymentRoute = createRoute({
  method: "post",
  path: "/payments/{id}/cancel",
  operationId: "payments.cancel",
  tags,
  summary: "Cancel a payment",
  security: authSecurity,
  request: {
    params: paymentIdParams,
    body: { required: false, content: { "application/json": { schema: cancelPaymentBody } } },
  },
  responses: { 200: jsonContent(paymentSchema, "The canceled payment."), ...paymentErrors },
});

export const retrievePaymentRoute = createRoute({
  method: "get",
  path: "/payments/{id}",
  operationId: "payments.retrieve",
  tags,
  summary: "Retrieve a payment",
  security: authSecurity,
  request: { params: paymentIdParams },
  responses: { 200: jsonContent(paymentSchema, "The payment."), ...commonErrors },
});

export const listPaymentsRoute = createRoute({
  method: "get",
  path: "/payments",
  operationId: "payments.list",
  tags,
  summary: "List payments",
  security: authSecurity,
  request: { query: listPaymentsQuery },
  responses: { 200: jsonContent(listSchema(paymentSchema, "PaymentList"), "Newest first."), ...commonErrors },
});

/** What requireSandbox answers to production credentials on the simulations. */
const sandboxOnly = { 403: jsonContent(ErrorSchema, "sandbox_only: production credentials.") };

export const simulatePaymentRoute = createRoute({
  method: "post",
  path: "/sandbox/payments/{id}/complete",
  operationId: "sandbox.completePayment",
  tags: ["Sandbox"],
  summary: "Complete a pending sandbox payment",
  description:
    "What the provider would report later: a direct debit clearing, a bank transfer or voucher payment arriving, or their failure.",
  security: authSecurity,
  request: { params: paymentIdParams, body: jsonBody(sandboxCompleteBody) },
  responses: { 200: jsonContent(paymentSchema, "The payment."), ...writeErrors, ...sandboxOnly },
});

export const settlePaymentRoute = createRoute({
  method: "post",
  path: "/sandbox/payments/{id}/settle",
  operationId: "sandbox.settlePayment",
  tags: ["Sandbox"],
  summary: "Settle a sandbox payment now",
  description: "Moves the payment's net from pending to available without waiting for the settlement delay.",
  security: authSecurity,
  request: { params: paymentIdParams },
  responses: { 200: jsonContent(paymentSchema, "The payment."), ...writeErrors, ...sandboxOnly },
});
