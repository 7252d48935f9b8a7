import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import type {
  createInvoiceRoute,
  finalizeInvoiceRoute,
  hostedInvoiceRoute,
  invoicePdfRoute,
  listInvoicesRoute,
  markInvoicePaidRoute,
  markInvoiceUncollectibleRoute,
  payInvoiceRoute,
  retrieveInvoiceRoute,
  retrieveInvoiceSettingsRoute,
  updateInvoiceSettingsRoute,
  voidInvoiceRoute,
} from "./routes";
import {
  createInvoice,
  finalizeInvoice,
  invoicePdf,
  listInvoices,
  markInvoicePaid,
  markInvoiceUncollectible,
  payInvoice,
  retrieveHostedInvoice,
  retrieveInvoice,
  retrieveInvoiceSettings,
  updateInvoiceSettings,
  voidInvoice,
} from "./service";

export const createInvoiceHandler: RouteHandler<typeof createInvoiceRoute, AppEnv> = async (c) =>
  c.json(await createInvoice({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const retrieveInvoiceHandler: RouteHandler<typeof retrieveInvoiceRoute, AppEnv> = async (c) =>
  c.json(await retrieveInvoice({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const listInvoicesHandler: RouteHandler<typeof listInvoicesRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(c.req.path, await listInvoices({ ctx: serviceContext(c), query: c.req.valid("query") })),
    200,
  );

export const invoicePdfHandler: RouteHandler<typeof invoicePdfRoute, AppEnv> = async (c) => {
  const id = c.req.valid("param").id;
  const pdf = await invoicePdf({ ctx: serviceContext(c), id });
  return c.body(pdf, 200, {
    "Content-Type": "application/pdf",
    "Content-Disposition": `inline; filename="${id}.pdf"`,
  });
};

export const finalizeInvoiceHandler: RouteHandler<typeof finalizeInvoiceRoute, AppEnv> = async (c) =>
  c.json(await finalizeInvoice({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const payInvoiceHandler: RouteHandler<typeof payInvoiceRoute, AppEnv> = async (c) =>
  c.json(
    await payInvoice({ ctx: serviceContext(c), id: c.req.valid("param").id, input: c.req.valid("json") }),
    200,
  );

export const markInvoicePaidHandler: RouteHandler<typeof markInvoicePaidRoute, AppEnv> = async (c) =>
  c.json(
    await markInvoicePaid({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      reference: c.req.valid("json").reference,
    }),
    200,
  );

export const voidInvoiceHandler: RouteHandler<typeof voidInvoiceRoute, AppEnv> = async (c) =>
  c.json(await voidInvoice({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const markInvoiceUncollectibleHandler: RouteHandler<
  typeof markInvoiceUncollectibleRoute,
  AppEnv
> = async (c) =>
  c.json(await markInvoiceUncollectible({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const retrieveInvoiceSettingsHandler: RouteHandler<
  typeof retrieveInvoiceSettingsRoute,
  AppEnv
> = async (c) => c.json(await retrieveInvoiceSettings({ ctx: serviceContext(c) }), 200);

export const updateInvoiceSettingsHandler: RouteHandler<typeof updateInvoiceSettingsRoute, AppEnv> = async (
  c,
) => c.json(await updateInvoiceSettings({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const hostedInvoiceHandler: RouteHandler<typeof hostedInvoiceRoute, AppEnv> = async (c) =>
  c.json(
    await retrieveHostedInvoice({
      services: c.get("services"),
      id: c.req.valid("param").id,
      token: c.req.valid("query").token,
    }),
    200,
  );
