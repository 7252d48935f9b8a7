import { createRoute } from "@hono/zod-openapi";
import { authSecurity, commonErrors, jsonBody, jsonContent, writeErrors } from "../../core/http";
import { listSchema } from "../../core/pagination";
import {
  advanceTestClockBody,
  createTestClockBody,
  deletedTestClockSchema,
  listTestClocksQuery,
  testClockIdParams,
  testClockSchema,
} from "./schemas";

const tags = ["Test clocks"];

export const createTestClockRoute = createRoute({
  method: "post",
  path: "/test-clocks",
  operationId: "testClocks.create",
  tags,
  summary: "Create a test clock (sandbox)",
  description:
    "A clock frozen at frozen_time. Customers created with `test_clock` (and their subscriptions) live on its time. Production answers 403 sandbox_only.",
  security: authSecurity,
  request: { body: jsonBody(createTestClockBody) },
  responses: { 200: jsonContent(testClockSchema, "The new clock, ready."), ...writeErrors },
});

export const retrieveTestClockRoute = createRoute({
  method: "get",
  path: "/test-clocks/{id}",
  operationId: "testClocks.retrieve",
  tags,
  summary: "Retrieve a test clock",
  security: authSecurity,
  request: { params: testClockIdParams },
  responses: { 200: jsonContent(testClockSchema, "The clock."), ...commonErrors },
});

export const listTestClocksRoute = createRoute({
  method: "get",
  path: "/test-clocks",
  operationId: "testClocks.list",
  tags,
  summary: "List test clocks",
  security: authSecurity,
  request: { query: listTestClocksQuery },
  responses: {
    200: jsonContent(listSchema(testClockSchema, "TestClockList"), "Newest first."),
    ...commonErrors,
  },
});

export const deleteTestClockRoute = createRoute({
  method: "delete",
  path: "/test-clocks/{id}",
  operationId: "testClocks.delete",
  tags,
  summary: "Delete a test clock",
  description: "Its objects stay, frozen at the clock's last time.",
  security: authSecurity,
  request: { params: testClockIdParams },
  responses: { 200: jsonContent(deletedTestClockSchema, "The deleted clock."), ...writeErrors },
});

export const advanceTestClockRoute = createRoute({
  method: "post",
  path: "/test-clocks/{id}/advance",
  operationId: "testClocks.advance",
  tags,
  summary: "Advance a test clock",
  description:
    "Moves the clock forward only, by at most two intervals of the shortest live subscription on it (400 test_clock_time_invalid otherwise). While `advancing`, the background work of its objects runs as if the time passed, in time order: subscription cycles (renewals, trials, dunning retries, cancellations) first. Answers when the clock is `ready` again; a second advance meanwhile is 409 test_clock_advancing.",
  security: authSecurity,
  request: { params: testClockIdParams, body: jsonBody(advanceTestClockBody) },
  responses: { 200: jsonContent(testClockSchema, "The clock at its new time, ready."), ...writeErrors },
});
