import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import type {
  createPaymentLinkRoute,
  listPaymentLinksRoute,
  retrievePaymentLinkRoute,
  updatePaymentLinkRoute,
} from "./routes";
import { createPaymentLink, listPaymentLinks, retrievePaymentLink, updatePaymentLink } from "./service";

export const createPaymentLinkHandler: RouteHandler<typeof createPaymentLinkRoute, AppEnv> = async (c) =>
  c.json(await createPaymentLink({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const retrievePaymentLinkHandler: RouteHandler<typeof retrievePaymentLinkRoute, AppEnv> = async (c) =>
  c.json(await retrievePaymentLink({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const updatePaymentLinkHandler: RouteHandler<typeof updatePaymentLinkRoute, AppEnv> = async (c) =>
  c.json(
    await updatePaymentLink({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      input: c.req.valid("json"),
    }),
    200,
  );

export const listPaymentLinksHandler: RouteHandler<typeof listPaymentLinksRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(c.req.path, await listPaymentLinks({ ctx: serviceContext(c), query: c.req.valid("query") })),
    200,
  );
