import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, jsonBody, jsonContent, writeErrors } from "../../core/http";
import { listSchema } from "../../core/pagination";
import { createMeterBody, listMetersQuery, meterIdParams, meterSchema, updateMeterBody } from "./schemas";

const tags = ["Meters"];

export const createMeterRoute = createRoute({
  method: "post",
  path: "/meters",
  operationId: "meters.create",
  tags,
  summary: "Create a meter",
  description:
    "How usage records are aggregated per customer and period: the formula, a filter on properties, a grouping.",
  security: authSecurity,
  request: { body: jsonBody(createMeterBody) },
  responses: { 200: jsonContent(meterSchema, "The new meter."), ...writeErrors },
});

export const retrieveMeterRoute = createRoute({
  method: "get",
  path: "/meters/{id}",
  operationId: "meters.retrieve",
  tags,
  summary: "Retrieve a meter",
  security: authSecurity,
  request: { params: meterIdParams },
  responses: { 200: jsonContent(meterSchema, "The meter."), ...commonErrors },
});

export const updateMeterRoute = createRoute({
  method: "patch",
  path: "/meters/{id}",
  operationId: "meters.update",
  tags,
  summary: "Update, deactivate or reactivate a meter",
  description: "Only display_name and active change. An inactive meter takes no usage records.",
  security: authSecurity,
  request: { params: meterIdParams, body: jsonBody(updateMeterBody) },
  responses: { 200: jsonContent(meterSchema, "The updated meter."), ...writeErrors },
});

export const listMetersRoute = createRoute({
  method: "get",
  path: "/meters",
  operationId: "meters.list",
  tags,
  summary: "List meters",
  security: authSecurity,
  request: { query: listMetersQuery },
  responses: { 200: jsonContent(listSchema(meterSchema, "MeterList"), "Newest first."), ...commonErrors },
});
