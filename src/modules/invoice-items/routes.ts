import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, jsonBody, jsonContent, writeErrors } from "../../core/http";
import { listSchema } from "../../core/pagination";
import {
  createInvoiceItemBody,
  invoiceItemIdParams,
  invoiceItemSchema,
  listInvoiceItemsQuery,
} from "./schemas";

const tags = ["Invoice items"];

export const createInvoiceItemRoute = createRoute({
  method: "post",
  path: "/invoice-items",
  operationId: "invoiceItems.create",
  tags,
  summary: "Create an invoice item",
  description:
    "A one-off line (amount and currency, or a one-time price and quantity) with its tax rates, pending until the customer's next invoice pulls it in; with `invoice`, put at once on that draft invoice of the customer (its totals computed anew).",
  security: authSecurity,
  request: { body: jsonBody(createInvoiceItemBody) },
  responses: { 200: jsonContent(invoiceItemSchema, "The new invoice item."), ...writeErrors },
});

export const retrieveInvoiceItemRoute = createRoute({
  method: "get",
  path: "/invoice-items/{id}",
  operationId: "invoiceItems.retrieve",
  tags,
  summary: "Retrieve an invoice item",
  security: authSecurity,
  request: { params: invoiceItemIdParams },
  responses: { 200: jsonContent(invoiceItemSchema, "The invoice item."), ...commonErrors },
});

export const listInvoiceItemsRoute = createRoute({
  method: "get",
  path: "/invoice-items",
  operationId: "invoiceItems.list",
  tags,
  summary: "List invoice items",
  security: authSecurity,
  request: { query: listInvoiceItemsQuery },
  responses: {
    200: jsonContent(listSchema(invoiceItemSchema, "InvoiceItemList"), "Newest first."),
    ...commonErrors,
  },
});
