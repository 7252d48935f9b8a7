import { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import { ConfigError } from "./config";
import type { AppEnv, ServiceContext, Services } from "./context";
import { apiErrorFor, errorLogFields } from "./db-errors";
import { ApiError, errorCodes, errorResponse, errorTypes } from "./errors";
import { log } from "./log";
import { validatedInput, validationError } from "./validation";

export const ErrorSchema = z
  .object({
    error: z.object({
      type: z.enum(errorTypes).openapi({ example: "invalid_request_error" }),
      code: z.enum(errorCodes).openapi({ example: "parameter_invalid" }),
      message: z.string(),
      param: z.string().optional(),
      request_id: z.string().openapi({ example: "req_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
      doc_url: z.string(),
      // The fields below appear only with some codes; GET /error-codes lists them per code.
      decline_code: z.string().optional().openapi({ description: "Why the issuer or provider declined." }),
      payment_id: z.string().optional().openapi({ description: "The payment the decline left failed." }),
      payment_status: z
        .string()
        .optional()
        .openapi({ description: "The payment's status that made the action invalid." }),
      routing: z
        .object({ reason: z.string(), candidates: z.array(z.record(z.string(), z.unknown())) })
        .optional()
        .openapi({ description: "Why no provider could be routed to." }),
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

/** Routes that take no credentials say so (`security: []`) rather than leaving it unsaid. */
export const publicRoute: Array<Record<string, string[]>> = [];

/** The platform operators' routes (/api/v1/operator/*): the operator token, never a merchant's credentials. */
export const operatorSecurity: Array<Record<string, string[]>> = [{ OperatorToken: [] }];

export const authSecurity: Array<Record<string, string[]>> = [
  { ApiKeyId: [], ApiKeySecret: [] },
  { BasicAuth: [] },
  { BearerAuth: [] },
];

/** A router whose validation failures already have the API's error shape. */
export function createRouter(): OpenAPIHono<AppEnv> {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return errorResponse(c, validationError(result.error, validatedInput(result)));
    },
  });
}

export function onError(error: Error, c: Context<AppEnv>): Response {
  if (error instanceof ApiError) return errorResponse(c, error);
  if (error instanceof ConfigError) {
    log("error", "configuration_invalid", { request_id: c.get("requestId"), error: error.message });
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
  log(mapped ? "warn" : "error", "request_failed", {
    request_id: c.get("requestId"),
    merchant: c.get("auth")?.merchantId,
    ...errorLogFields(error, mapped?.code),
  });
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

/** A system actor acting for a merchant (webhooks, the sandbox customer, background functions). */
export function systemContext(
  services: Services,
  owner: Pick<ServiceContext, "merchantId" | "environment">,
  actorId: string,
): ServiceContext {
  return {
    services,
    merchantId: owner.merchantId,
    environment: owner.environment,
    actor: { type: "system", id: actorId },
    requestId: null,
  };
}

/** Stripe-style list envelope. */
export function listResponse<T>(url: string, page: { data: T[]; hasMore: boolean }) {
  return { object: "list" as const, data: page.data, has_more: page.hasMore, url };
}

type OpenApiDocument = ReturnType<OpenAPIHono<AppEnv>["getOpenAPI31Document"]>;
type Operation = NonNullable<NonNullable<OpenApiDocument["paths"]>[string]["get"]>;

const integerHeader = (description: string) => ({
  description,
  schema: { type: "integer" as const, minimum: 0 },
});

/** Response headers the middleware sends, declared once and referenced from every response. */
export const responseHeaders = {
  "X-Request-Id": {
    description: "The request's id (req_…); quote it when asking about a request.",
    schema: { type: "string" as const, pattern: "^req_[0-9A-Za-z]+$" },
  },
  "RateLimit-Limit": integerHeader("Requests allowed in the current window for this key."),
  "RateLimit-Remaining": integerHeader("Requests left in the current window."),
  "RateLimit-Reset": integerHeader("Seconds until the window resets."),
  "Retry-After": integerHeader("Seconds to wait before retrying."),
  "Idempotent-Replayed": {
    description: "`true` when this is the stored answer to an earlier request with the same Idempotency-Key.",
    schema: { type: "string" as const, enum: ["true"] },
  },
};

export const idempotencyKeyParameter = {
  name: "Idempotency-Key",
  in: "header",
  required: false,
  description:
    "Makes the request safe to retry: the same key (kept 24 h, per merchant and environment) with the same body returns the first answer with Idempotent-Replayed: true; with another body, 409 idempotency_key_reused.",
  schema: { type: "string", minLength: 1, maxLength: 255, pattern: "^[\\x21-\\x7e]+$" },
} as const;

/** Statuses whose answer a replay with the same Idempotency-Key returns again (see idempotency.ts). */
function replayable(status: string): boolean {
  const code = Number(status);
  return code < 500 && ![400, 401, 403, 413, 415, 429].includes(code);
}

const headerRef = (name: keyof typeof responseHeaders) => ({ $ref: `#/components/headers/${name}` });

/**
 * Declares what the shared middleware does to every operation, in one place rather than per route:
 * X-Request-Id on every response; RateLimit-* on authenticated operations; Retry-After on 429 and
 * 503; the Idempotency-Key header on every authenticated write (the idempotency middleware honours
 * it on any method but GET) and Idempotent-Replayed on the answers a replay repeats.
 */
export function applyContractConventions(document: OpenApiDocument): OpenApiDocument {
  const components = document.components ?? {};
  components.headers = { ...components.headers, ...responseHeaders };
  components.parameters = { ...components.parameters, IdempotencyKey: idempotencyKeyParameter };
  document.components = components;
  for (const pathItem of Object.values(document.paths ?? {})) {
    for (const method of ["get", "post", "patch", "put", "delete"] as const) {
      const operation: Operation | undefined = pathItem[method];
      if (!operation) continue;
      // Merchants' credentials: rate limited and idempotent. Operator routes (OperatorToken) are neither.
      const authenticated = (operation.security ?? []).some((scheme) => !("OperatorToken" in scheme));
      const idempotent = authenticated && method !== "get";
      if (idempotent) {
        operation.parameters = [
          ...(operation.parameters ?? []),
          { $ref: "#/components/parameters/IdempotencyKey" },
        ];
      }
      const responses = operation.responses ?? {};
      for (const [status, response] of Object.entries(responses)) {
        if (!response || "$ref" in response) continue;
        const headers: Record<string, { $ref: string }> = { "X-Request-Id": headerRef("X-Request-Id") };
        if (authenticated && status !== "401") {
          for (const name of ["RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset"] as const) {
            headers[name] = headerRef(name);
          }
        }
        if (status === "429" || status === "503") headers["Retry-After"] = headerRef("Retry-After");
        if (idempotent && replayable(status))
          headers["Idempotent-Replayed"] = headerRef("Idempotent-Replayed");
        // A copy: error responses are shared objects across operations.
        responses[status] = { ...response, headers: { ...response.headers, ...headers } };
      }
    }
  }
  moveRequestBodies(document);
  return document;
}

/**
 * Request body schemas live under `components/requestBodies`, where generators read them as input:
 * a field with a default (`capture_method`, `confirm`, `expires_in_seconds`) stays optional in a
 * client generated by openapi-typescript, which makes defaulted fields of `components/schemas`
 * required (they are always present in an answer). zod-to-openapi has one schema per zod schema and
 * no input/output split, so the split is made here. Schemas also used elsewhere stay where they are.
 */
function moveRequestBodies(document: OpenApiDocument): void {
  const schemas = document.components?.schemas ?? {};
  const bodies: NonNullable<NonNullable<OpenApiDocument["components"]>["requestBodies"]> = {};
  const operations = Object.values(document.paths ?? {}).flatMap((pathItem) =>
    (["post", "patch", "put", "delete"] as const).flatMap((method) => pathItem[method] ?? []),
  );
  const refOf = (operation: Operation): string | undefined => {
    const body = operation.requestBody;
    if (!body || "$ref" in body) return undefined;
    const schema = body.content["application/json"]?.schema;
    return schema && "$ref" in schema ? schema.$ref : undefined;
  };
  const counts = new Map<string, number>();
  const text = JSON.stringify(document);
  for (const match of text.matchAll(/"\$ref":"(#\/components\/schemas\/[^"]+)"/g)) {
    counts.set(match[1] ?? "", (counts.get(match[1] ?? "") ?? 0) + 1);
  }
  const bodyUses = new Map<string, number>();
  for (const operation of operations) {
    const ref = refOf(operation);
    if (ref) bodyUses.set(ref, (bodyUses.get(ref) ?? 0) + 1);
  }
  for (const operation of operations) {
    const ref = refOf(operation);
    const body = operation.requestBody;
    if (!ref || !body || "$ref" in body || counts.get(ref) !== bodyUses.get(ref)) continue;
    const name = ref.slice("#/components/schemas/".length);
    const schema = schemas[name];
    if (!schema) continue;
    const required = body.required ?? false;
    const existing = bodies[name];
    if (existing && "required" in existing && existing.required !== required) continue;
    bodies[name] = { required, content: { "application/json": { schema } } };
    operation.requestBody = { $ref: `#/components/requestBodies/${name}` };
  }
  for (const name of Object.keys(bodies)) delete schemas[name];
  if (document.components) {
    document.components.requestBodies = { ...document.components.requestBodies, ...bodies };
  }
}
