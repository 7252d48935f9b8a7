import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, jsonBody, jsonContent, writeErrors } from "../../core/http";
import { listSchema } from "../../core/pagination";
import { creditNoteBody, creditNoteIdParams, creditNoteSchema, listCreditNotesQuery } from "./schemas";

const tags = ["Credit notes"];

export const createCreditNoteRoute = createRoute({
  method: "post",
  path: "/credit-notes",
  operationId: "creditNotes.create",
  tags,
  summary: "Create a credit note",
  description:
    "Adjusts a finalized invoice without voiding it. On an open or uncollectible invoice it lowers amount_due (the invoice is paid once nothing is left owed); on a paid one it gives money back: refund_amount as a refund of the invoice's payment, out_of_band_amount outside MagnetPay. Never more than the invoice's total less its issued credit notes.",
  security: authSecurity,
  request: { body: jsonBody(creditNoteBody) },
  responses: { 200: jsonContent(creditNoteSchema, "The issued credit note."), ...writeErrors },
});

export const previewCreditNoteRoute = createRoute({
  method: "post",
  path: "/credit-notes/preview",
  operationId: "creditNotes.preview",
  tags,
  summary: "Preview a credit note",
  description: "The credit note the same body would issue now (its id is not kept); nothing is written.",
  security: authSecurity,
  request: { body: jsonBody(creditNoteBody) },
  responses: { 200: jsonContent(creditNoteSchema, "The credit note it would issue."), ...writeErrors },
});

export const retrieveCreditNoteRoute = createRoute({
  method: "get",
  path: "/credit-notes/{id}",
  operationId: "creditNotes.retrieve",
  tags,
  summary: "Retrieve a credit note",
  security: authSecurity,
  request: { params: creditNoteIdParams },
  responses: { 200: jsonContent(creditNoteSchema, "The credit note."), ...commonErrors },
});

export const listCreditNotesRoute = createRoute({
  method: "get",
  path: "/credit-notes",
  operationId: "creditNotes.list",
  tags,
  summary: "List credit notes",
  security: authSecurity,
  request: { query: listCreditNotesQuery },
  responses: {
    200: jsonContent(listSchema(creditNoteSchema, "CreditNoteList"), "Newest first."),
    ...commonErrors,
  },
});

export const voidCreditNoteRoute = createRoute({
  method: "post",
  path: "/credit-notes/{id}/void",
  operationId: "creditNotes.void",
  tags,
  summary: "Void a credit note",
  description:
    "issued → void. A pre-payment note gives its total back to the invoice's amount_due while the invoice is still owed; an out of band note frees what it credited. A note that refunded a payment can't be voided.",
  security: authSecurity,
  request: { params: creditNoteIdParams },
  responses: { 200: jsonContent(creditNoteSchema, "The void credit note."), ...writeErrors },
});
