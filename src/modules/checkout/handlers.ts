import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import type {
  createCheckoutSessionRoute,
  expireCheckoutSessionRoute,
  listCheckoutSessionLineItemsRoute,
  listCheckoutSessionsRoute,
  retrieveCheckoutSessionRoute,
} from "./routes";
import {
  createCheckoutSession,
  expireCheckoutSession,
  listCheckoutSessionLineItems,
  listCheckoutSessions,
  retrieveCheckoutSession,
} from "./service";

export const createCheckoutSessionHandler: RouteHandler<typeof createCheckoutSessionRoute, AppEnv> = async (
  c,
) => c.json(await createCheckoutSession({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const retrieveCheckoutSessionHandler: RouteHandler<
  typeof retrieveCheckoutSessionRoute,
  AppEnv
> = async (c) =>
  c.json(await retrieveCheckoutSession({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const listCheckoutSessionsHandler: RouteHandler<typeof listCheckoutSessionsRoute, AppEnv> = async (
  c,
) =>
  c.json(
    listResponse(
      c.req.path,
      await listCheckoutSessions({ ctx: serviceContext(c), query: c.req.valid("query") }),
    ),
    200,
  );

export const expireCheckoutSessionHandler: RouteHandler<typeof expireCheckoutSessionRoute, AppEnv> = async (
  c,
) => c.json(await expireCheckoutSession({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const listCheckoutSessionLineItemsHandler: RouteHandler<
  typeof listCheckoutSessionLineItemsRoute,
  AppEnv
> = async (c) =>
  c.json(
    listResponse(
      c.req.path,
      await listCheckoutSessionLineItems({ ctx: serviceContext(c), id: c.req.valid("param").id }),
    ),
    200,
  );
