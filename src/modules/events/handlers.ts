import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import type { listEventsRoute, listEventTypesRoute, retrieveEventRoute } from "./routes";
import { listEvents, listEventTypes, retrieveEvent } from "./service";

export const listEventsHandler: RouteHandler<typeof listEventsRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(c.req.path, await listEvents({ ctx: serviceContext(c), query: c.req.valid("query") })),
    200,
  );

export const listEventTypesHandler: RouteHandler<typeof listEventTypesRoute, AppEnv> = async (c) =>
  c.json(listResponse(c.req.path, { data: listEventTypes(), hasMore: false }), 200);

export const retrieveEventHandler: RouteHandler<typeof retrieveEventRoute, AppEnv> = async (c) =>
  c.json(await retrieveEvent({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);
