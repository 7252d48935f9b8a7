import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, jsonBody, jsonContent, writeErrors } from "../../core/http";
import { listSchema } from "../../core/pagination";
import {
  attachBody,
  createPaymentMethodBody,
  customerIdParams,
  customerMethodsQuery,
  listPaymentMethodsQuery,
  methodTypeListSchema,
  paymentMethodIdParams,
  paymentMethodSchema,
} from "./schemas";

const tags = ["Payment methods"];

export const listMethodTypesRoute = createRoute({
  method: "get",
  path: "/payment-methods/types",
  operationId: "paymentMethods.listTypes",
  tags,
  summary: "List payment method types",
  description: "Every method with its countries, currencies, flow and refund support.",
  security: authSecurity,
  responses: { 200: jsonContent(methodTypeListSchema, "The catalog."), ...commonErrors },
});

export const createPaymentMethodRoute = createRoute({
  method: "post",
  path: "/payment-methods",
  operationId: "paymentMethods.create",
  tags,
  summary: "Save a payment method",
  description:
    "Cards are validated (Luhn, expiry, CVC length); only brand, last4, expiry, country, funding and a fingerprint are kept.",
  security: authSecurity,
  request: { body: jsonBody(createPaymentMethodBody) },
  responses: { 200: jsonContent(paymentMethodSchema, "The payment method."), ...writeErrors },
});

export const listPaymentMethodsRoute = createRoute({
  method: "get",
  path: "/payment-methods",
  operationId: "paymentMethods.list",
  tags,
  summary: "List payment methods",
  security: authSecurity,
  request: { query: listPaymentMethodsQuery },
  responses: {
    200: jsonContent(listSchema(paymentMethodSchema, "PaymentMethodList"), "Newest first."),
    ...commonErrors,
  },
});

export const retrievePaymentMethodRoute = createRoute({
  method: "get",
  path: "/payment-methods/{id}",
  operationId: "paymentMethods.retrieve",
  tags,
  summary: "Retrieve a payment method",
  security: authSecurity,
  request: { params: paymentMethodIdParams },
  responses: { 200: jsonContent(paymentMethodSchema, "The payment method."), ...commonErrors },
});

export const attachPaymentMethodRoute = createRoute({
  method: "post",
  path: "/payment-methods/{id}/attach",
  operationId: "paymentMethods.attach",
  tags,
  summary: "Attach a payment method to a customer",
  description: "set_default: true also makes it the customer's default_payment_method.",
  security: authSecurity,
  request: { params: paymentMethodIdParams, body: jsonBody(attachBody) },
  responses: { 200: jsonContent(paymentMethodSchema, "The attached payment method."), ...writeErrors },
});

export const detachPaymentMethodRoute = createRoute({
  method: "post",
  path: "/payment-methods/{id}/detach",
  operationId: "paymentMethods.detach",
  tags,
  summary: "Detach a payment method from its customer",
  security: authSecurity,
  request: { params: paymentMethodIdParams },
  responses: { 200: jsonContent(paymentMethodSchema, "The detached payment method."), ...writeErrors },
});

export const listCustomerPaymentMethodsRoute = createRoute({
  method: "get",
  path: "/customers/{id}/payment-methods",
  operationId: "customers.listPaymentMethods",
  tags,
  summary: "List a customer's payment methods",
  security: authSecurity,
  request: { params: customerIdParams, query: customerMethodsQuery },
  responses: {
    200: jsonContent(listSchema(paymentMethodSchema, "CustomerPaymentMethodList"), "Newest first."),
    ...commonErrors,
  },
});
