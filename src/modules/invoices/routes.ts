import { createRoute, z } from "@hono/zod-openapi";
import { authSecurity, commonErrors, jsonBody, jsonContent, publicRoute, writeErrors } from "../../core/http";
import { listSchema } from "../../core/pagination";
import {
  createInvoiceBody,
  hostedInvoiceQuery,
  hostedInvoiceSchema,
  invoiceIdParams,
  invoiceSchema,
  invoiceSettingsSchema,
  listInvoicesQuery,
  markPaidBody,
  payInvoiceBody,
  updateInvoiceSettingsBody,
} from "./schemas";

const tags = ["Invoices"];

export const createInvoiceRoute = createRoute({
  method: "post",
  path: "/invoices",
  operationId: "invoices.create",
  tags,
  summary: "Create an invoice",
  description:
    "A draft for a customer from their pending invoice items of one currency, with an optional coupon. Tax is computed per rate over the whole invoice and rounded once, half up.",
  security: authSecurity,
  request: { body: jsonBody(createInvoiceBody) },
  responses: { 200: jsonContent(invoiceSchema, "The draft invoice."), ...writeErrors },
});

export const retrieveInvoiceRoute = createRoute({
  method: "get",
  path: "/invoices/{id}",
  operationId: "invoices.retrieve",
  tags,
  summary: "Retrieve an invoice",
  security: authSecurity,
  request: { params: invoiceIdParams },
  responses: { 200: jsonContent(invoiceSchema, "The invoice."), ...commonErrors },
});

export const listInvoicesRoute = createRoute({
  method: "get",
  path: "/invoices",
  operationId: "invoices.list",
  tags,
  summary: "List invoices",
  security: authSecurity,
  request: { query: listInvoicesQuery },
  responses: { 200: jsonContent(listSchema(invoiceSchema, "InvoiceList"), "Newest first."), ...commonErrors },
});

export const invoicePdfRoute = createRoute({
  method: "get",
  path: "/invoices/{id}/pdf",
  operationId: "invoices.pdf",
  tags,
  summary: "Download an invoice as PDF",
  description:
    "Rendered in the Worker (pdf-lib, no browser): lines, discount, taxes per rate, totals, what is paid.",
  security: authSecurity,
  request: { params: invoiceIdParams },
  responses: {
    200: {
      description: "The PDF (application/pdf).",
      content: { "application/pdf": { schema: z.string().openapi({ format: "binary" }) } },
    },
    ...commonErrors,
  },
});

function action(path: string, operationId: string, summary: string, description: string) {
  return {
    method: "post" as const,
    path: `/invoices/{id}/${path}`,
    operationId,
    tags,
    summary,
    description,
    security: authSecurity,
  };
}

export const finalizeInvoiceRoute = createRoute({
  ...action(
    "finalize",
    "invoices.finalize",
    "Finalize an invoice",
    "draft → open: the invoice gets the account's next number (prefix-0001, no gaps) and, with send_invoice, its due date.",
  ),
  request: { params: invoiceIdParams },
  responses: { 200: jsonContent(invoiceSchema, "The open invoice."), ...writeErrors },
});

export const payInvoiceRoute = createRoute({
  ...action(
    "pay",
    "invoices.pay",
    "Pay an invoice",
    "Charges what the invoice owes to the customer's default payment method (or payment_method) through Payments. A decline answers 402 and counts an attempt.",
  ),
  request: { params: invoiceIdParams, body: jsonBody(payInvoiceBody) },
  responses: {
    200: jsonContent(invoiceSchema, "The invoice, paid (or open while the payment is pending)."),
    ...writeErrors,
  },
});

export const markInvoicePaidRoute = createRoute({
  ...action(
    "mark_paid",
    "invoices.markPaid",
    "Mark an invoice paid",
    "Paid outside MagnetPay (a transfer, a cheque), with its reference: no charge and no ledger posting.",
  ),
  request: { params: invoiceIdParams, body: jsonBody(markPaidBody) },
  responses: { 200: jsonContent(invoiceSchema, "The paid invoice."), ...writeErrors },
});

export const voidInvoiceRoute = createRoute({
  ...action(
    "void",
    "invoices.void",
    "Void an invoice",
    "open → void: no longer owed; its number stays taken.",
  ),
  request: { params: invoiceIdParams },
  responses: { 200: jsonContent(invoiceSchema, "The void invoice."), ...writeErrors },
});

export const markInvoiceUncollectibleRoute = createRoute({
  ...action(
    "mark_uncollectible",
    "invoices.markUncollectible",
    "Mark an invoice uncollectible",
    "open → uncollectible: not expected to be paid; it can still be paid or marked paid.",
  ),
  request: { params: invoiceIdParams },
  responses: { 200: jsonContent(invoiceSchema, "The uncollectible invoice."), ...writeErrors },
});

export const retrieveInvoiceSettingsRoute = createRoute({
  method: "get",
  path: "/invoice-settings",
  operationId: "invoiceSettings.retrieve",
  tags,
  summary: "Retrieve the invoice settings",
  description: "The number prefix and the number the next finalized invoice gets.",
  security: authSecurity,
  responses: { 200: jsonContent(invoiceSettingsSchema, "The settings."), ...commonErrors },
});

export const updateInvoiceSettingsRoute = createRoute({
  method: "patch",
  path: "/invoice-settings",
  operationId: "invoiceSettings.update",
  tags,
  summary: "Update the invoice settings",
  description:
    "The prefix of the numbers finalized from now on (the counter goes on), and the reminders of open invoices with a due date.",
  security: authSecurity,
  request: { body: jsonBody(updateInvoiceSettingsBody) },
  responses: { 200: jsonContent(invoiceSettingsSchema, "The settings."), ...writeErrors },
});

export const hostedInvoiceRoute = createRoute({
  method: "get",
  path: "/hosted/invoices/{id}",
  operationId: "invoices.hosted",
  tags,
  summary: "The customer's view of an invoice",
  description:
    "No API key: the token of the invoice's hosted_invoice_url is the credential. The JSON view of the page at hosted_invoice_url (`/invoice/{id}?token=`, HTML): the same id and token under this path. A finalized invoice only; a draft, an unknown id or a wrong token are 404.",
  security: publicRoute,
  request: { params: invoiceIdParams, query: hostedInvoiceQuery },
  responses: {
    200: jsonContent(hostedInvoiceSchema, "The invoice as the customer sees it."),
    400: commonErrors[400],
    404: commonErrors[404],
  },
});
