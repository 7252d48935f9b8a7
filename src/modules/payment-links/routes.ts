import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, jsonBody, jsonContent, writeErrors } from "../../core/http";
import { listSchema } from "../../core/pagination";
import {
  createPaymentLinkBody,
  listPaymentLinksQuery,
  paymentLinkIdParams,
  paymentLinkSchema,
  updatePaymentLinkBody,
} from "./schemas";

const tags = ["Payment links"];

export const createPaymentLinkRoute = createRoute({
  method: "post",
  path: "/payment_links",
  operationId: "paymentLinks.create",
  tags,
  summary: "Create a payment link",
  description:
    "A shareable URL: from prices (with adjustable quantities) or a customer-chosen amount; each visit opens a fresh checkout session.",
  security: authSecurity,
  request: { body: jsonBody(createPaymentLinkBody) },
  responses: { 200: jsonContent(paymentLinkSchema, "The new payment link."), ...writeErrors },
});

export const retrievePaymentLinkRoute = createRoute({
  method: "get",
  path: "/payment_links/{id}",
  operationId: "paymentLinks.retrieve",
  tags,
  summary: "Retrieve a payment link",
  security: authSecurity,
  request: { params: paymentLinkIdParams },
  responses: { 200: jsonContent(paymentLinkSchema, "The payment link."), ...commonErrors },
});

export const updatePaymentLinkRoute = createRoute({
  method: "patch",
  path: "/payment_links/{id}",
  operationId: "paymentLinks.update",
  tags,
  summary: "Activate, deactivate or relabel a payment link",
  security: authSecurity,
  request: { params: paymentLinkIdParams, body: jsonBody(updatePaymentLinkBody) },
  responses: { 200: jsonContent(paymentLinkSchema, "The updated payment link."), ...writeErrors },
});

export const listPaymentLinksRoute = createRoute({
  method: "get",
  path: "/payment_links",
  operationId: "paymentLinks.list",
  tags,
  summary: "List payment links",
  security: authSecurity,
  request: { query: listPaymentLinksQuery },
  responses: {
    200: jsonContent(listSchema(paymentLinkSchema, "PaymentLinkList"), "Newest first."),
    ...commonErrors,
  },
});
