import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, jsonContent } from "../../core/http";
import {
  bankTransferIdParams,
  objectIdParams,
  paymentIdParams,
  payoutIdParams,
  statusDocumentSchema,
} from "./schemas";

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

export const payoutStatusRoute = createRoute({
  method: "get",
  path: "/status/payouts/{id}",
  operationId: "status.retrievePayout",
  tags,
  summary: "Poll a payout's status",
  description: polling,
  security: authSecurity,
  request: { params: payoutIdParams },
  responses: { 200: jsonContent(statusDocumentSchema, "The payout's status."), ...commonErrors },
});

export const bankTransferStatusRoute = createRoute({
  method: "get",
  path: "/status/bank-transfers/{id}",
  operationId: "status.retrieveBankTransfer",
  tags,
  summary: "Poll a bank transfer's status",
  description: polling,
  security: authSecurity,
  request: { params: bankTransferIdParams },
  responses: { 200: jsonContent(statusDocumentSchema, "The bank transfer's status."), ...commonErrors },
});

export const objectStatusRoute = createRoute({
  method: "get",
  path: "/status/{object_id}",
  operationId: "status.retrieve",
  tags,
  summary: "Poll any money object's status",
  description: `Any money object by its id: a payment (pay_…), a payout (po_…), a bank transfer (bt_…), a funding deposit (fdep_…) or a ledger transaction (ltx_…). ${polling}`,
  security: authSecurity,
  request: { params: objectIdParams },
  responses: { 200: jsonContent(statusDocumentSchema, "The object's status."), ...commonErrors },
});
