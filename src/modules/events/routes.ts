import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, jsonContent } from "../../core/http";
import { listSchema } from "../../core/pagination";
import { eventIdParams, eventSchema, eventTypeSchema, listEventsQuery } from "./schemas";

const tags = ["Events"];

export const listEventsRoute = createRoute({
  method: "get",
  path: "/events",
  operationId: "events.list",
  tags,
  summary: "List events",
  description: "Events of the last 30 days, newest first.",
  security: authSecurity,
  request: { query: listEventsQuery },
  responses: { 200: jsonContent(listSchema(eventSchema, "EventList"), "Newest first."), ...commonErrors },
});

export const listEventTypesRoute = createRoute({
  method: "get",
  path: "/events/types",
  operationId: "events.listTypes",
  tags,
  summary: "List event types",
  description: "The catalog of event types a webhook endpoint can subscribe to.",
  security: authSecurity,
  responses: {
    200: jsonContent(listSchema(eventTypeSchema, "EventTypeList"), "Every event type."),
    ...commonErrors,
  },
});

export const retrieveEventRoute = createRoute({
  method: "get",
  path: "/events/{id}",
  operationId: "events.retrieve",
  tags,
  summary: "Retrieve an event",
  security: authSecurity,
  request: { params: eventIdParams },
  responses: { 200: jsonContent(eventSchema, "The event."), ...commonErrors },
});
