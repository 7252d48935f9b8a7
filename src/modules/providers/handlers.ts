import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import type {
  createConnectionRoute,
  createRoutingRuleRoute,
  deleteConnectionRoute,
  deleteRoutingRuleRoute,
  listConnectionsRoute,
  listRoutingRulesRoute,
  retrieveConnectionRoute,
  retrieveRoutingRuleRoute,
  updateConnectionRoute,
  updateRoutingRuleRoute,
} from "./routes";
import {
  createConnection,
  createRoutingRule,
  deleteConnection,
  deleteRoutingRule,
  listConnections,
  listRoutingRules,
  retrieveConnection,
  retrieveRoutingRule,
  updateConnection,
  updateRoutingRule,
} from "./service";

export const listConnectionsHandler: RouteHandler<typeof listConnectionsRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(c.req.path, { data: await listConnections({ ctx: serviceContext(c) }), hasMore: false }),
    200,
  );

export const createConnectionHandler: RouteHandler<typeof createConnectionRoute, AppEnv> = async (c) =>
  c.json(await createConnection({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const retrieveConnectionHandler: RouteHandler<typeof retrieveConnectionRoute, AppEnv> = async (c) =>
  c.json(await retrieveConnection({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const updateConnectionHandler: RouteHandler<typeof updateConnectionRoute, AppEnv> = async (c) =>
  c.json(
    await updateConnection({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      input: c.req.valid("json"),
    }),
    200,
  );

export const deleteConnectionHandler: RouteHandler<typeof deleteConnectionRoute, AppEnv> = async (c) =>
  c.json(await deleteConnection({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const createRoutingRuleHandler: RouteHandler<typeof createRoutingRuleRoute, AppEnv> = async (c) =>
  c.json(await createRoutingRule({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const listRoutingRulesHandler: RouteHandler<typeof listRoutingRulesRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(c.req.path, await listRoutingRules({ ctx: serviceContext(c), query: c.req.valid("query") })),
    200,
  );

export const retrieveRoutingRuleHandler: RouteHandler<typeof retrieveRoutingRuleRoute, AppEnv> = async (c) =>
  c.json(await retrieveRoutingRule({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const updateRoutingRuleHandler: RouteHandler<typeof updateRoutingRuleRoute, AppEnv> = async (c) =>
  c.json(
    await updateRoutingRule({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      input: c.req.valid("json"),
    }),
    200,
  );

export const deleteRoutingRuleHandler: RouteHandler<typeof deleteRoutingRuleRoute, AppEnv> = async (c) =>
  c.json(await deleteRoutingRule({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);
