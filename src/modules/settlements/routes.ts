import { createRoute, z } from "@hono/zod-openapi";
import { authSecurity, commonErrors, jsonBody, jsonContent, writeErrors } from "../../core/http";
import { listSchema } from "../../core/pagination";
import {
  listSettlementItemsQuery,
  listSettlementsQuery,
  settlementIdParams,
  settlementItemSchema,
  settlementScheduleSchema,
  settlementSchema,
  updateScheduleBody,
} from "./schemas";

const tags = ["Settlements"];

export const retrieveScheduleRoute = createRoute({
  method: "get",
  path: "/settlements/schedule",
  operationId: "settlements.retrieveSchedule",
  tags,
  summary: "Retrieve the settlement schedule",
  description: "Daily at 00:00 UTC unless set otherwise.",
  security: authSecurity,
  responses: { 200: jsonContent(settlementScheduleSchema, "The schedule."), ...commonErrors },
});

export const updateScheduleRoute = createRoute({
  method: "post",
  path: "/settlements/schedule",
  operationId: "settlements.updateSchedule",
  tags,
  summary: "Set the settlement schedule",
  description:
    "daily, weekly on a weekday, or a custom cron (UTC, at most once an hour). The next settlement covers the funds matured by the new schedule's next period end.",
  security: authSecurity,
  request: { body: jsonBody(updateScheduleBody) },
  responses: { 200: jsonContent(settlementScheduleSchema, "The schedule."), ...writeErrors },
});

export const listSettlementsRoute = createRoute({
  method: "get",
  path: "/settlements",
  operationId: "settlements.list",
  tags,
  summary: "List settlements",
  security: authSecurity,
  request: { query: listSettlementsQuery },
  responses: {
    200: jsonContent(listSchema(settlementSchema, "SettlementList"), "Newest first."),
    ...commonErrors,
  },
});

export const retrieveSettlementRoute = createRoute({
  method: "get",
  path: "/settlements/{id}",
  operationId: "settlements.retrieve",
  tags,
  summary: "Retrieve a settlement",
  security: authSecurity,
  request: { params: settlementIdParams },
  responses: { 200: jsonContent(settlementSchema, "The settlement."), ...commonErrors },
});

export const listSettlementItemsRoute = createRoute({
  method: "get",
  path: "/settlements/{id}/transactions",
  operationId: "settlements.listTransactions",
  tags,
  summary: "List a settlement's balance transactions",
  description:
    "The charges and refunds it released; their nets sum to the settlement's net less its adjustments.",
  security: authSecurity,
  request: { params: settlementIdParams, query: listSettlementItemsQuery },
  responses: {
    200: jsonContent(listSchema(settlementItemSchema, "SettlementItemList"), "Newest first."),
    ...commonErrors,
  },
});

export const exportSettlementRoute = createRoute({
  method: "get",
  path: "/settlements/{id}/export.csv",
  operationId: "settlements.export",
  tags,
  summary: "Export a settlement as CSV",
  description: "One row per balance transaction, oldest first, for reconciliation tools.",
  security: authSecurity,
  request: { params: settlementIdParams },
  responses: {
    200: {
      description:
        "balance_transaction_id, gross, fee, net, reporting_category, source_id, available_on, currency, created.",
      content: { "text/csv": { schema: z.string() } },
    },
    ...commonErrors,
  },
});
