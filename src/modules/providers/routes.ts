import { createRoute, z } from "@hono/zod-openapi";
import { authSecurity, commonErrors, jsonBody, jsonContent, writeErrors } from "../../core/http";
import { listSchema } from "../../core/pagination";
import {
  connectionIdParams,
  connectionSchema,
  createConnectionBody,
  deletedConnectionSchema,
  deletedRoutingRuleSchema,
  listQuery,
  routingRuleBody,
  routingRuleIdParams,
  routingRuleSchema,
  updateConnectionBody,
  updateRoutingRuleBody,
} from "./schemas";

const tags = ["Providers"];

export const listConnectionsRoute = createRoute({
  method: "get",
  path: "/providers",
  operationId: "providers.list",
  tags,
  summary: "List provider connections",
  description: "In sandbox the three simulated processors are connected by default.",
  security: authSecurity,
  responses: {
    200: jsonContent(
      z.object({
        object: z.literal("list"),
        data: z.array(connectionSchema),
        has_more: z.boolean(),
        url: z.string(),
      }),
      "Every connection.",
    ),
    ...commonErrors,
  },
});

export const createConnectionRoute = createRoute({
  method: "post",
  path: "/providers",
  operationId: "providers.create",
  tags,
  summary: "Connect a provider",
  description: "Credentials are encrypted at rest (AES-256-GCM) and never returned.",
  security: authSecurity,
  request: { body: jsonBody(createConnectionBody) },
  responses: { 200: jsonContent(connectionSchema, "The connection."), ...writeErrors },
});

export const retrieveConnectionRoute = createRoute({
  method: "get",
  path: "/providers/{id}",
  operationId: "providers.retrieve",
  tags,
  summary: "Retrieve a provider connection",
  security: authSecurity,
  request: { params: connectionIdParams },
  responses: { 200: jsonContent(connectionSchema, "The connection."), ...commonErrors },
});

export const updateConnectionRoute = createRoute({
  method: "patch",
  path: "/providers/{id}",
  operationId: "providers.update",
  tags,
  summary: "Enable, disable or re-key a provider connection",
  security: authSecurity,
  request: { params: connectionIdParams, body: jsonBody(updateConnectionBody) },
  responses: { 200: jsonContent(connectionSchema, "The connection."), ...writeErrors },
});

export const deleteConnectionRoute = createRoute({
  method: "delete",
  path: "/providers/{id}",
  operationId: "providers.delete",
  tags,
  summary: "Disconnect a provider",
  security: authSecurity,
  request: { params: connectionIdParams },
  responses: { 200: jsonContent(deletedConnectionSchema, "Deleted."), ...writeErrors },
});

const ruleTags = ["Routing"];

export const createRoutingRuleRoute = createRoute({
  method: "post",
  path: "/routing/rules",
  operationId: "routingRules.create",
  tags: ruleTags,
  summary: "Create a routing rule",
  description: "pin a provider, exclude one, or split a percentage of volume, for a currency and/or country.",
  security: authSecurity,
  request: { body: jsonBody(routingRuleBody) },
  responses: { 200: jsonContent(routingRuleSchema, "The rule."), ...writeErrors },
});

export const listRoutingRulesRoute = createRoute({
  method: "get",
  path: "/routing/rules",
  operationId: "routingRules.list",
  tags: ruleTags,
  summary: "List routing rules",
  security: authSecurity,
  request: { query: listQuery },
  responses: {
    200: jsonContent(listSchema(routingRuleSchema, "RoutingRuleList"), "Newest first."),
    ...commonErrors,
  },
});

export const retrieveRoutingRuleRoute = createRoute({
  method: "get",
  path: "/routing/rules/{id}",
  operationId: "routingRules.retrieve",
  tags: ruleTags,
  summary: "Retrieve a routing rule",
  security: authSecurity,
  request: { params: routingRuleIdParams },
  responses: { 200: jsonContent(routingRuleSchema, "The rule."), ...commonErrors },
});

export const updateRoutingRuleRoute = createRoute({
  method: "patch",
  path: "/routing/rules/{id}",
  operationId: "routingRules.update",
  tags: ruleTags,
  summary: "Update a routing rule",
  description: "Changes the fields sent; the result is validated as a whole, like a new rule.",
  security: authSecurity,
  request: { params: routingRuleIdParams, body: jsonBody(updateRoutingRuleBody) },
  responses: { 200: jsonContent(routingRuleSchema, "The rule."), ...writeErrors },
});

export const deleteRoutingRuleRoute = createRoute({
  method: "delete",
  path: "/routing/rules/{id}",
  operationId: "routingRules.delete",
  tags: ruleTags,
  summary: "Delete a routing rule",
  security: authSecurity,
  request: { params: routingRuleIdParams },
  responses: { 200: jsonContent(deletedRoutingRuleSchema, "Deleted."), ...writeErrors },
});
