import { createRoute, z } from "@hono/zod-openapi";
import { authSecurity, commonErrors, jsonContent } from "../../core/http";
import { listSchema } from "../../core/pagination";
import {
  exportTransactionsQuery,
  listTransactionsQuery,
  transactionIdParams,
  transactionSchema,
} from "./schemas";

const tags = ["Transactions"];

export const listTransactionsRoute = createRoute({
  method: "get",
  path: "/transactions",
  operationId: "transactions.list",
  tags,
  summary: "List transactions",
  description:
    "Every movement in your ledger: payments, refunds, funding, fees, FX conversions and adjustments. New money areas add their types.",
  security: authSecurity,
  request: { query: listTransactionsQuery },
  responses: {
    200: jsonContent(listSchema(transactionSchema, "TransactionList"), "Newest first."),
    ...commonErrors,
  },
});

export const exportTransactionsRoute = createRoute({
  method: "get",
  path: "/transactions/export",
  operationId: "transactions.export",
  tags,
  summary: "Export transactions as CSV",
  description:
    "The list's filters, streamed as CSV for reconciliation: one row per ledger entry, oldest first, from one consistent snapshot.",
  security: authSecurity,
  request: { query: exportTransactionsQuery },
  responses: {
    200: {
      description:
        "transaction_id, created_at, type, status, source_object_id, description, account, amount, currency, amount_decimal.",
      content: { "text/csv": { schema: z.string() } },
    },
    ...commonErrors,
  },
});

export const retrieveTransactionRoute = createRoute({
  method: "get",
  path: "/transactions/{id}",
  operationId: "transactions.retrieve",
  tags,
  summary: "Retrieve a transaction",
  description: "With its ledger entries (signed amounts) and the id of the object that caused it.",
  security: authSecurity,
  request: { params: transactionIdParams },
  responses: { 200: jsonContent(transactionSchema, "The transaction."), ...commonErrors },
});
