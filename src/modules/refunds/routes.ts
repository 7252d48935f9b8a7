import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, jsonContent, writeErrors } from "../../core/http";
import { listSchema } from "../../core/pagination";
import { createRefundBody, listRefundsQuery, paymentIdParams, refundIdParams, refundSchema } from "./schemas";

const tags = ["Refunds"];

export const createRefundRoute = createRoute({
  method: "post",
  path: "/payments/{id}/refunds",
  operationId: "refunds.create",
  tags,
  summary: "Refund a payment",
  description: "amount defaults to what is left; refunds of a payment add up to at most its captured amount.",
  security: authSecurity,
  request: {
    params: paymentIdParams,
    body: { required: false, content: { "application/json": { schema: createRefundBody } } },
  },
  responses: {
    200: jsonContent(refundSchema, "The refund."),
    ...writeErrors,
    402: jsonContent(
      writeErrors[400].content["application/json"].schema,
      "The available balance does not cover it.",
    ),
  },
});

export const retrieveRefundRoute = createRoute({
  method: "get",
  path: "/refunds/{id}",
  operationId: "refunds.retrieve",
  tags,
  summary: "Retrieve a refund",
  security: authSecurity,
  request: { params: refundIdParams },
  responses: { 200: jsonContent(refundSchema, "The refund."), ...commonErrors },
});

export const listRefundsRoute = createRoute({
  method: "get",
  path: "/refunds",
  operationId: "refunds.list",
  tags,
  summary: "List refunds",
  security: authSecurity,
  request: { query: listRefundsQuery },
  responses: { 200: jsonContent(listSchema(refundSchema, "RefundList"), "Newest first."), ...commonErrors },
});
