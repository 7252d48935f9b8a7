import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type ErrorCode, type ErrorType, errorCatalog } from "./error-catalog";

export {
  type ErrorCode,
  type ErrorType,
  errorCatalog,
  errorCodes,
  errorExtraFields,
  errorTypes,
} from "./error-catalog";

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

/** 404 for an object this merchant and environment don't have: never 403, so ids leak nothing. */
export function notFound(entity: string, id: string, param = "id"): ApiError {
  return new ApiError("resource_missing", { param, message: `No such ${entity}: ${id}` });
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
