import { createRoute } from "@hono/zod-openapi";
import { commonErrors, jsonContent, publicRoute } from "../../core/http";
import { healthSchema } from "./schemas";

export const healthRoute = createRoute({
  method: "get",
  path: "/health",
  operationId: "health.retrieve",
  security: publicRoute,
  tags: ["Health"],
  summary: "Health check",
  description:
    "No authentication. 200 when the database and Redis answer, 503 when either does not. Also reports the last successful run of each scheduled background function and flags overdue ones, without changing the status.",
  responses: {
    200: jsonContent(healthSchema, "Every dependency answers."),
    400: commonErrors[400],
    503: jsonContent(healthSchema, "A dependency is down."),
  },
});
