import { createRoute } from "@hono/zod-openapi";
import { commonErrors, jsonContent, publicRoute } from "../../core/http";
import { errorCodeListSchema } from "./schemas";

export const errorCodesRoute = createRoute({
  method: "get",
  path: "/error-codes",
  operationId: "errorCodes.list",
  security: publicRoute,
  tags: ["Error Codes"],
  summary: "The error code catalog",
  description: "Every code the API can return, with its type and HTTP status. No authentication.",
  responses: { 200: jsonContent(errorCodeListSchema, "The catalog."), 400: commonErrors[400] },
});
