import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, jsonBody, jsonContent, writeErrors } from "../../core/http";
import {
  createUsageRecordBatchBody,
  createUsageRecordBody,
  usageRecordBatchSchema,
  usageRecordSchema,
  usageSummaryQuery,
  usageSummarySchema,
} from "./schemas";

const tags = ["Usage records"];

export const createUsageRecordRoute = createRoute({
  method: "post",
  path: "/usage-records",
  operationId: "usageRecords.create",
  tags,
  summary: "Report one usage record",
  description:
    "A record of usage on a meter for a customer. A record whose identifier was already reported is ignored and answered with the stored one (duplicate: true).",
  security: authSecurity,
  request: { body: jsonBody(createUsageRecordBody) },
  responses: { 200: jsonContent(usageRecordSchema, "The stored record."), ...writeErrors },
});

export const createUsageRecordBatchRoute = createRoute({
  method: "post",
  path: "/usage-records/batch",
  operationId: "usageRecords.batch",
  tags,
  summary: "Report up to 1,000 usage records",
  description:
    "Each record is checked on its own: the good ones are stored, duplicates ignored, and the bad ones reported per item with a catalog code.",
  security: authSecurity,
  request: { body: jsonBody(createUsageRecordBatchBody) },
  responses: { 200: jsonContent(usageRecordBatchSchema, "One result per record, in order."), ...writeErrors },
});

export const usageSummaryRoute = createRoute({
  method: "get",
  path: "/usage-records/summary",
  operationId: "usageRecords.summary",
  tags,
  summary: "Aggregate a customer's usage on a meter over a period",
  security: authSecurity,
  request: { query: usageSummaryQuery },
  responses: { 200: jsonContent(usageSummarySchema, "The meter's aggregate, per group."), ...commonErrors },
});
