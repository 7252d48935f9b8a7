import { createRoute } from "@hono/zod-openapi";
import { jsonContent } from "../../core/http";
import { healthSchema } from "./schemas";

export const healthRoute = createRoute({
  method: "get",
  path: "/health",
  tags: ["Health"],
  summary: "Health check",
  description: "No authentication. 200 when the database and Redis answer, 503 when either does not.",
  responses: {
    200: jsonContent(healthSchema, "Every dependency answers."),
    503: jsonContent(healthSchema, "A dependency is down."),
  },
});
