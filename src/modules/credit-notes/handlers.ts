import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import type {
  createCreditNoteRoute,
  listCreditNotesRoute,
  previewCreditNoteRoute,
  retrieveCreditNoteRoute,
  voidCreditNoteRoute,
} from "./routes";
import {
  createCreditNote,
  listCreditNotes,
  previewCreditNote,
  retrieveCreditNote,
  voidCreditNote,
} from "./service";

export const createCreditNoteHandler: RouteHandler<typeof createCreditNoteRoute, AppEnv> = async (c) =>
  c.json(await createCreditNote({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const previewCreditNoteHandler: RouteHandler<typeof previewCreditNoteRoute, AppEnv> = async (c) =>
  c.json(await previewCreditNote({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const retrieveCreditNoteHandler: RouteHandler<typeof retrieveCreditNoteRoute, AppEnv> = async (c) =>
  c.json(await retrieveCreditNote({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const listCreditNotesHandler: RouteHandler<typeof listCreditNotesRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(c.req.path, await listCreditNotes({ ctx: serviceContext(c), query: c.req.valid("query") })),
    200,
  );

export const voidCreditNoteHandler: RouteHandler<typeof voidCreditNoteRoute, AppEnv> = async (c) =>
  c.json(await voidCreditNote({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);
