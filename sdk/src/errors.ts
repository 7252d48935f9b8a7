import type { components } from "./schema.js";

/** The `error` object of every error response, as the OpenAPI document describes it. */
export type ErrorBody = components["schemas"]["Error"]["error"];
/** Every error code the API can return (the document's enum, served at GET /api/v1/error-codes). */
export type ErrorCode = ErrorBody["code"];
/** The SDK's own code for a non-2xx answer without the documented error body (a proxy's page, say). */
export const UNEXPECTED_RESPONSE = "unexpected_response";
export type ErrorType = ErrorBody["type"];
/** The fields an error may carry beyond the common ones (decline_code, payment_id, ...). */
export type ErrorDetails = Omit<ErrorBody, "type" | "code" | "message" | "param" | "request_id">;

/** An error answer of the API (any non-2xx status with the documented error body). */
export class MagnetPayError extends Error {
  override readonly name = "MagnetPayError";
  readonly code: ErrorCode | typeof UNEXPECTED_RESPONSE;
  readonly type: ErrorType;
  readonly status: number;
  readonly param: string | undefined;
  readonly requestId: string | undefined;
  /** The rest of the error body, typed from the document: doc_url, decline_code, payment_id, ... */
  readonly details: ErrorDetails;
  readonly headers: Headers;

  constructor(
    body: Omit<ErrorBody, "code"> & { code: ErrorCode | typeof UNEXPECTED_RESPONSE },
    response: Pick<Response, "status" | "headers">,
  ) {
    super(body.message);
    const { type, code, message: _message, param, request_id: requestId, ...details } = body;
    this.code = code;
    this.type = type;
    this.status = response.status;
    this.param = param;
    this.requestId = requestId ?? response.headers.get("x-request-id") ?? undefined;
    this.details = details;
    this.headers = response.headers;
  }
}

/** The request never got an answer (network failure) after every retry. */
export class MagnetPayConnectionError extends Error {
  override readonly name = "MagnetPayConnectionError";
  constructor(message: string, options: { cause: unknown }) {
    super(message, options);
  }
}

export function isErrorBody(value: unknown): value is { error: ErrorBody } {
  if (typeof value !== "object" || value === null || !("error" in value)) return false;
  const error: unknown = value.error;
  return typeof error === "object" && error !== null && "code" in error && "type" in error;
}

/** The error for a non-2xx answer, whatever its body. */
export function errorFromResponse(
  body: unknown,
  response: Pick<Response, "status" | "headers">,
): MagnetPayError {
  if (isErrorBody(body)) return new MagnetPayError(body.error, response);
  return new MagnetPayError(
    {
      type: "api_error",
      code: UNEXPECTED_RESPONSE,
      message: `Unexpected HTTP ${response.status} answer without a MagnetPay error body.`,
      request_id: response.headers.get("x-request-id") ?? "",
      doc_url: "",
    },
    response,
  );
}
