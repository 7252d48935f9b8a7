import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, jsonContent } from "../../core/http";
import { listSchema } from "../../core/pagination";
import {
  balanceChangeSchema,
  balanceHistoryQuery,
  balanceListSchema,
  balanceSchema,
  currencyParams,
} from "./schemas";

const tags = ["Balances"];

export const listBalancesRoute = createRoute({
  method: "get",
  path: "/balances",
  operationId: "balances.list",
  tags,
  summary: "List balances",
  description: "One balance per currency the account has used, as of now, for the caller's environment.",
  security: authSecurity,
  responses: { 200: jsonContent(balanceListSchema, "Balances by currency."), ...commonErrors },
});

export const retrieveBalanceRoute = createRoute({
  method: "get",
  path: "/balances/{currency}",
  operationId: "balances.retrieve",
  tags,
  summary: "Retrieve the balance in one currency",
  description: "Zeros for a currency never used.",
  security: authSecurity,
  request: { params: currencyParams },
  responses: { 200: jsonContent(balanceSchema, "The balance."), ...commonErrors },
});

export const balanceHistoryRoute = createRoute({
  method: "get",
  path: "/balances/{currency}/history",
  operationId: "balances.listHistory",
  tags,
  summary: "List balance history",
  description: "Every posting that moved the available, pending or reserved balance in this currency.",
  security: authSecurity,
  request: { params: currencyParams, query: balanceHistoryQuery },
  responses: {
    200: jsonContent(listSchema(balanceChangeSchema, "BalanceChangeList"), "Newest first."),
    ...commonErrors,
  },
});
