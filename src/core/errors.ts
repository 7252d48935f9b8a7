import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

export type ErrorType =
  | "authentication_error"
  | "permission_error"
  | "invalid_request_error"
  | "idempotency_error"
  | "rate_limit_error"
  | "payment_error"
  | "provider_error"
  | "api_error";

interface CatalogEntry {
  type: ErrorType;
  status: ContentfulStatusCode;
  message: string;
  description: string;
}

/** The one catalog of error codes: every error the API returns names one of these. */
export const errorCatalog = {
  authentication_required: {
    type: "authentication_error",
    status: 401,
    message: "No credentials were provided.",
    description:
      "Send an API key pair (X-Api-Key + X-Api-Secret, or HTTP Basic key_id:secret) or a dashboard Bearer token.",
  },
  credentials_malformed: {
    type: "authentication_error",
    status: 401,
    message: "The credentials are malformed.",
    description: "The key id, secret or token does not have the expected format.",
  },
  credentials_invalid: {
    type: "authentication_error",
    status: 401,
    message: "The credentials are not valid.",
    description: "No API key or session matches the credentials sent.",
  },
  api_key_revoked: {
    type: "authentication_error",
    status: 401,
    message: "This API key has been revoked.",
    description: "The key was revoked or rolled; use its replacement.",
  },
  session_expired: {
    type: "authentication_error",
    status: 401,
    message: "The session has expired or was revoked.",
    description: "Log in again to get a new Bearer token.",
  },
  login_failed: {
    type: "authentication_error",
    status: 401,
    message: "The email or password is incorrect.",
    description: "The login did not succeed. The response never says which of the two was wrong.",
  },
  session_required: {
    type: "permission_error",
    status: 403,
    message: "This endpoint requires a dashboard session.",
    description: "Managing API keys needs a Bearer token from POST /api/v1/auth/sessions, not an API key.",
  },
  environment_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The X-Environment header must be sandbox or production.",
    description: "Dashboard sessions choose their environment with X-Environment.",
  },
  parameter_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "A parameter is invalid.",
    description: "A request parameter has the wrong type, format or value; `param` names it.",
  },
  parameter_missing: {
    type: "invalid_request_error",
    status: 400,
    message: "A required parameter is missing.",
    description: "A required request parameter was not sent; `param` names it.",
  },
  parameter_unknown: {
    type: "invalid_request_error",
    status: 400,
    message: "The request contains an unknown parameter.",
    description: "The request body contains a field this endpoint does not accept; `param` names it.",
  },
  amount_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The amount must be a positive integer in the currency's minor unit.",
    description: "Amounts are integers in minor units (1999 = 19.99 USD); no decimals, no negatives.",
  },
  currency_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The currency is not a supported ISO 4217 code.",
    description: "Use an upper-case three-letter ISO 4217 currency code such as USD or EUR.",
  },
  metadata_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The metadata is invalid.",
    description: "Metadata holds at most 50 keys; keys are at most 40 characters, values at most 500.",
  },
  json_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The request body is not valid JSON.",
    description: "Send a JSON object with Content-Type: application/json.",
  },
  body_too_large: {
    type: "invalid_request_error",
    status: 413,
    message: "The request body is too large.",
    description: "Request bodies are limited to 1 MB.",
  },
  content_type_invalid: {
    type: "invalid_request_error",
    status: 415,
    message: "The request body must be JSON.",
    description: "Send Content-Type: application/json.",
  },
  cursor_invalid: {
    type: "invalid_request_error",
    status: 400,
    message: "The pagination cursor does not name an object in this list.",
    description: "starting_after and ending_before take the id of an object returned by the same list.",
  },
  resource_missing: {
    type: "invalid_request_error",
    status: 404,
    message: "No such object.",
    description: "The object does not exist, or it belongs to another merchant or environment.",
  },
  route_not_found: {
    type: "invalid_request_error",
    status: 404,
    message: "Unrecognized request URL.",
    description: "No endpoint matches this method and path. See /api/v1/openapi.json.",
  },
  method_not_allowed: {
    type: "invalid_request_error",
    status: 405,
    message: "This method is not allowed on this URL.",
    description: "The path exists but not with this HTTP method.",
  },
  email_taken: {
    type: "invalid_request_error",
    status: 409,
    message: "An account with this email already exists.",
    description: "Log in instead, or sign up with another email.",
  },
  resource_conflict: {
    type: "invalid_request_error",
    status: 409,
    message: "The object is not in a state that allows this request.",
    description: "The object changed or is in a state where this action is not allowed.",
  },
  idempotency_key_invalid: {
    type: "idempotency_error",
    status: 400,
    message: "The Idempotency-Key header must be 1 to 255 printable characters.",
    description: "Use a unique value per operation, such as a V4 UUID.",
  },
  idempotency_key_reused: {
    type: "idempotency_error",
    status: 409,
    message: "This Idempotency-Key was already used with a different request.",
    description:
      "A key can only be replayed with the same method, path and body. Use a new key for a new request.",
  },
  idempotency_key_in_progress: {
    type: "idempotency_error",
    status: 409,
    message: "A request with this Idempotency-Key is still being processed.",
    description: "Retry after the first request has finished; the replay then returns its response.",
  },
  rate_limited: {
    type: "rate_limit_error",
    status: 429,
    message: "Too many requests.",
    description: "Slow down and retry after the number of seconds in Retry-After.",
  },
  signature_invalid: {
    type: "authentication_error",
    status: 401,
    message: "The request signature is missing or invalid.",
    description: "Background-function calls must carry a valid Upstash-Signature.",
  },
  function_unknown: {
    type: "invalid_request_error",
    status: 404,
    message: "No background function has this name.",
    description: "See functions/ for the registry.",
  },
  service_unavailable: {
    type: "provider_error",
    status: 503,
    message: "A dependency is unavailable.",
    description: "The database or cache could not be reached. Retry with the same Idempotency-Key.",
  },
  configuration_invalid: {
    type: "api_error",
    status: 500,
    message: "The server is misconfigured.",
    description: "An operator must fix the Worker's environment; the message names the variable.",
  },
  internal_error: {
    type: "api_error",
    status: 500,
    message: "An internal error occurred.",
    description:
      "Something went wrong on our side. Retry with the same Idempotency-Key; quote the request_id.",
  },
} as const satisfies Record<string, CatalogEntry>;

export type ErrorCode = keyof typeof errorCatalog;

export const DOCS_BASE_URL = "https://magnetpay.org/docs/error-codes";

export interface ApiErrorOptions {
  message?: string;
  param?: string;
  headers?: Record<string, string>;
  extra?: Record<string, unknown>;
}

/** An error the API returns as-is to the caller, with a catalog code. */
export class ApiError extends Error {
  readonly code: ErrorCode;
  readonly param: string | undefined;
  readonly headers: Record<string, string>;
  readonly extra: Record<string, unknown>;

  constructor(code: ErrorCode, options: ApiErrorOptions = {}) {
    super(options.message ?? errorCatalog[code].message);
    this.name = "ApiError";
    this.code = code;
    this.param = options.param;
    this.headers = options.headers ?? {};
    this.extra = options.extra ?? {};
  }

  get status(): ContentfulStatusCode {
    return errorCatalog[this.code].status;
  }
}

export interface ErrorBody {
  error: {
    type: ErrorType;
    code: ErrorCode;
    message: string;
    param?: string;
    request_id: string;
    doc_url: string;
    [extra: string]: unknown;
  };
}

export function errorBody(error: ApiError, requestId: string): ErrorBody {
  return {
    error: {
      type: errorCatalog[error.code].type,
      code: error.code,
      message: error.message,
      ...(error.param === undefined ? {} : { param: error.param }),
      ...error.extra,
      request_id: requestId,
      doc_url: `${DOCS_BASE_URL}#${error.code}`,
    },
  };
}

export function errorResponse(c: Context, error: ApiError): Response {
  const requestId = c.get("requestId") ?? "req_unknown";
  for (const [name, value] of Object.entries(error.headers)) c.header(name, value);
  return c.json(errorBody(error, requestId), error.status);
}
