import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import { addInvoiceItemToDraft } from "../invoices/service";
import type { createInvoiceItemRoute, listInvoiceItemsRoute, retrieveInvoiceItemRoute } from "./routes";
import { createInvoiceItem, listInvoiceItems, retrieveInvoiceItem } from "./service";

/** With `invoice`, the item goes onto that draft (the invoices module recomputes it); otherwise it waits. */
export const createInvoiceItemHandler: RouteHandler<typeof createInvoiceItemRoute, AppEnv> = async (c) => {
  const input = c.req.valid("json");
  const ctx = serviceContext(c);
  const item =
    input.invoice === undefined
      ? await createInvoiceItem({ ctx, input })
      : await addInvoiceItemToDraft({ ctx, input, invoiceId: input.invoice });
  return c.json(item, 200);
};

export const retrieveInvoiceItemHandler: RouteHandler<typeof retrieveInvoiceItemRoute, AppEnv> = async (c) =>
  c.json(await retrieveInvoiceItem({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const listInvoiceItemsHandler: RouteHandler<typeof listInvoiceItemsRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(c.req.path, await listInvoiceItems({ ctx: serviceContext(c), query: c.req.valid("query") })),
    200,
  );
