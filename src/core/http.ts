import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ConfigError } from "./config";
import type { AppEnv, ServiceContext } from "./context";
import { apiErrorFor, errorLogLine } from "./db-errors";
import { ApiError, errorResponse } from "./errors";
import { validationError } from "./validation";

export const ErrorSchema = z
  .object({
    error: z.object({
      type: z.string().openapi({ example: "invalid_request_error" }),
      code: z.string().openapi({ example: "parameter_invalid" }),
      message: z.string(),
      param: z.string().optional(),
      request_id: z.string().openapi({ example: "req_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
      doc_url: z.string(),
      decline_code: z.string().optional(),
    }),
  })
  .openapi("Error");

const errorContent = (description: string) => ({
  description,
  content: { "application/json": { schema: ErrorSchema } },
});

/** The error responses every authenticated route can return. */
export const commonErrors = {
  400: errorContent("Invalid request: the code names the problem and `param` the parameter."),
  401: errorContent("Missing, malformed, unknown or revoked credentials."),
  404: errorContent("No such object for this merchant and environment."),
  429: errorContent("Rate limited; see Retry-After."),
  500: errorContent("Internal error; quote the request_id."),
} as const;

export const writeErrors = {
  ...commonErrors,
  409: errorContent("Conflict: idempotency key reuse or in progress, or an illegal state change."),
  413: errorContent("Body too large."),
  415: errorContent("Body is not JSON."),
} as const;

export function jsonContent<T extends z.ZodType>(schema: T, description: string) {
  return { description, content: { "application/json": { schema } } };
}

export function jsonBody<T extends z.ZodType>(schema: T) {
  return { required: true, content: { "application/json": { schema } } };
}

export const authSecurity: Array<Record<string, string[]>> = [
  { ApiKeyId: [], ApiKeySecret: [] },
  { BasicAuth: [] },
  { BearerAuth: [] },
];

/** A router whose validation failures already have the API's error shape. */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return errorResponse(c, validationError(result.error));
    },
  });
}

export function onError(error: Error, c: Context<AppEnv>): Response {
  if (error instanceof ApiError) return errorResponse(c, error);
  if (error instanceof ConfigError) {
    console.error(JSON.stringify({ level: "error", request_id: c.get("requestId"), error: error.message }));
    return errorResponse(c, new ApiError("configuration_invalid", { message: error.message }));
  }
  if (error instanceof HTTPException) {
    if (error.status === 413) return errorResponse(c, new ApiError("body_too_large"));
    if (error.status === 415 || /Content-Type/i.test(error.message)) {
      return errorResponse(c, new ApiError("content_type_invalid"));
    }
    if (/JSON/i.test(error.message)) return errorResponse(c, new ApiError("json_invalid"));
    if (error.status === 400)
      return errorResponse(c, new ApiError("parameter_invalid", { message: error.message }));
  }
  // Database errors on user input, conflicts and unreachable dependencies are not our 500s. The
  // log line never holds a query's text or parameters (see db-errors.ts).
  const mapped = apiErrorFor(error);
  console.error(errorLogLine(error, c.get("requestId"), mapped?.code));
  return errorResponse(c, mapped ?? new ApiError("internal_error"));
}

/** The tenant and actor of this request, as the domain verbs take them. */
export function serviceContext(c: Context<AppEnv>): ServiceContext {
  const auth = c.get("auth");
  return {
    services: c.get("services"),
    merchantId: auth.merchantId,
    environment: auth.environment,
    actor: auth.actor,
    requestId: c.get("requestId"),
  };
}

/** Stripe-style list envelope. */
export function listResponse<T>(url: string, page: { data: T[]; hasMore: boolean }) {
  return { object: "list" as const, data: page.data, has_more: page.hasMore, url };
}
