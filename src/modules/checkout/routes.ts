import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, jsonBody, jsonContent, writeErrors } from "../../core/http";
import { listQuerySchema, listSchema } from "../../core/pagination";
import {
  checkoutLineItemSchema,
  checkoutSessionIdParams,
  checkoutSessionSchema,
  createCheckoutSessionBody,
  listCheckoutSessionsQuery,
} from "./schemas";

const tags = ["Checkout"];

export const createCheckoutSessionRoute = createRoute({
  method: "post",
  path: "/checkout/sessions",
  operationId: "checkoutSessions.create",
  tags,
  summary: "Create a checkout session",
  description:
    "Returns the session with `url`, MagnetPay's hosted payment page; redirect the customer there. After paying, the customer is sent to `success_url`.",
  security: authSecurity,
  request: { body: jsonBody(createCheckoutSessionBody) },
  responses: { 200: jsonContent(checkoutSessionSchema, "The new session."), ...writeErrors },
});

export const retrieveCheckoutSessionRoute = createRoute({
  method: "get",
  path: "/checkout/sessions/{id}",
  operationId: "checkoutSessions.retrieve",
  tags,
  summary: "Retrieve a checkout session",
  security: authSecurity,
  request: { params: checkoutSessionIdParams },
  responses: { 200: jsonContent(checkoutSessionSchema, "The session."), ...commonErrors },
});

export const listCheckoutSessionsRoute = createRoute({
  method: "get",
  path: "/checkout/sessions",
  operationId: "checkoutSessions.list",
  tags,
  summary: "List checkout sessions",
  security: authSecurity,
  request: { query: listCheckoutSessionsQuery },
  responses: {
    200: jsonContent(listSchema(checkoutSessionSchema, "CheckoutSessionList"), "Newest first."),
    ...commonErrors,
  },
});

export const expireCheckoutSessionRoute = createRoute({
  method: "post",
  path: "/checkout/sessions/{id}/expire",
  operationId: "checkoutSessions.expire",
  tags,
  summary: "Expire an open checkout session",
  description: "The page stops taking payments. Only an open session that is not being paid can expire.",
  security: authSecurity,
  request: { params: checkoutSessionIdParams },
  responses: { 200: jsonContent(checkoutSessionSchema, "The expired session."), ...writeErrors },
});

export const listCheckoutSessionLineItemsRoute = createRoute({
  method: "get",
  path: "/checkout/sessions/{id}/line_items",
  operationId: "checkoutSessions.listLineItems",
  tags,
  summary: "List a checkout session's line items",
  description: "Every line (at most 20), with the quantities the customer chose once paid.",
  security: authSecurity,
  request: { params: checkoutSessionIdParams, query: listQuerySchema },
  responses: {
    200: jsonContent(listSchema(checkoutLineItemSchema, "CheckoutLineItemList"), "In the session's order."),
    ...commonErrors,
  },
});
