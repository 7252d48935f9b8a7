import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, jsonContent } from "../../core/http";
import { objectIdParams, paymentIdParams, statusDocumentSchema } from "./schemas";

const tags = ["Transaction status"];
const polling =
  "Designed for polling: served from a cache that lives a few seconds and is dropped on every change, and rate limited in a bucket of its own, apart from writes. X-Cache says HIT or MISS.";

export const paymentStatusRoute = createRoute({
  method: "get",
  path: "/status/payments/{id}",
  operationId: "status.retrievePayment",
  tags,
  summary: "Poll a payment's status",
  description: polling,
  security: authSecurity,
  request: { params: paymentIdParams },
  responses: { 200: jsonContent(statusDocumentSchema, "The payment's status."), ...commonErrors },
});

export const objectStatusRoute = createRoute({
  method: "get",
  path: "/status/{object_id}",
  operationId: "status.retrieve",
  tags,
  summary: "Poll any money object's status",
  description: `Any money object by its id: a payment (pay_…), a funding deposit (fdep_…) or a ledger transaction (ltx_…). ${polling}`,
  security: authSecurity,
  request: { params: objectIdParams },
  responses: { 200: jsonContent(statusDocumentSchema, "The object's status."), ...commonErrors },
});
