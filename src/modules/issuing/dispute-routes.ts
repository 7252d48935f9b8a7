import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, ErrorSchema, jsonBody, jsonContent, writeErrors } from "../../core/http";
import { listSchema } from "../../core/pagination";
import {
  createDisputeBody,
  disputeIdParams,
  disputeSchema,
  listDisputesQuery,
  resolveDisputeBody,
  updateDisputeBody,
} from "./dispute-schemas";

const tags = ["Issuing"];

export const createDisputeRoute = createRoute({
  method: "post",
  path: "/issuing/disputes",
  operationId: "issuingDisputes.create",
  tags,
  summary: "Dispute a card capture",
  description:
    "Opens an `unsubmitted` dispute on a capture, within 110 days, once per capture. Its amount (default: all that is neither refunded nor disputed) is set aside on the transaction (`disputed_amount`): no refund can take it while the dispute is open.",
  security: authSecurity,
  request: { body: jsonBody(createDisputeBody) },
  responses: { 200: jsonContent(disputeSchema, "The dispute, unsubmitted."), ...writeErrors },
});

export const listDisputesRoute = createRoute({
  method: "get",
  path: "/issuing/disputes",
  operationId: "issuingDisputes.list",
  tags,
  summary: "List disputes",
  security: authSecurity,
  request: { query: listDisputesQuery },
  responses: {
    200: jsonContent(listSchema(disputeSchema, "IssuingDisputeList"), "Newest first."),
    ...commonErrors,
  },
});

export const retrieveDisputeRoute = createRoute({
  method: "get",
  path: "/issuing/disputes/{id}",
  operationId: "issuingDisputes.retrieve",
  tags,
  summary: "Retrieve a dispute",
  security: authSecurity,
  request: { params: disputeIdParams },
  responses: { 200: jsonContent(disputeSchema, "The dispute."), ...commonErrors },
});

export const updateDisputeRoute = createRoute({
  method: "patch",
  path: "/issuing/disputes/{id}",
  operationId: "issuingDisputes.update",
  tags,
  summary: "Update an unsubmitted dispute's reason, evidence or metadata",
  security: authSecurity,
  request: { params: disputeIdParams, body: jsonBody(updateDisputeBody) },
  responses: { 200: jsonContent(disputeSchema, "The dispute."), ...writeErrors },
});

export const submitDisputeRoute = createRoute({
  method: "post",
  path: "/issuing/disputes/{id}/submit",
  operationId: "issuingDisputes.submit",
  tags,
  summary: "Submit a dispute to the network",
  description:
    "unsubmitted → submitted. Needs `evidence.explanation`, and `evidence.original_transaction` for a duplicate (400 issuing_dispute_evidence_missing).",
  security: authSecurity,
  request: { params: disputeIdParams },
  responses: { 200: jsonContent(disputeSchema, "The dispute, submitted."), ...writeErrors },
});

export const resolveDisputeRoute = createRoute({
  method: "post",
  path: "/sandbox/issuing/disputes/{id}/resolve",
  operationId: "sandbox.resolveIssuingDispute",
  tags: ["Sandbox"],
  summary: "Sandbox: the network decides a submitted dispute",
  description:
    "`won` gives the amount back (to the card, or to the merchant's available balance once the card is canceled) and counts it as refunded on the capture; `lost` frees the disputed amount.",
  security: authSecurity,
  request: { params: disputeIdParams, body: jsonBody(resolveDisputeBody) },
  responses: {
    200: jsonContent(disputeSchema, "The dispute, won or lost."),
    ...writeErrors,
    403: jsonContent(ErrorSchema, "sandbox_only: production credentials."),
  },
});
