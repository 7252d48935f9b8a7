import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import type { createInvoiceItemRoute, listInvoiceItemsRoute, retrieveInvoiceItemRoute } from "./routes";
import { createInvoiceItem, listInvoiceItems, retrieveInvoiceItem } from "./service";

export const createInvoiceItemHandler: RouteHandler<typeof createInvoiceItemRoute, AppEnv> = async (c) =>
  c.json(await createInvoiceItem({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const retrieveInvoiceItemHandler: RouteHandler<typeof retrieveInvoiceItemRoute, AppEnv> = async (c) =>
  c.json(await retrieveInvoiceItem({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const listInvoiceItemsHandler: RouteHandler<typeof listInvoiceItemsRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(c.req.path, await listInvoiceItems({ ctx: serviceContext(c), query: c.req.valid("query") })),
    200,
  );
