import { type ErrorCode, errorCatalog } from "./error-catalog";
import { ApiError } from "./errors";

/** What may be logged about a failed query: never its text's values, never its parameters. */
export interface DatabaseErrorFacts {
  code: string | null;
  constraint: string | null;
  table: string | null;
}

interface ErrorLike {
  name?: unknown;
  detail?: unknown;
  message?: unknown;
  code?: unknown;
  constraint?: unknown;
  table?: unknown;
  cause?: unknown;
  sourceError?: unknown;
  params?: unknown;
  query?: unknown;
}

const SQLSTATE = /^[0-9A-Z]{5}$/;

function asErrorLike(value: unknown): ErrorLike | undefined {
  return value !== null && typeof value === "object" ? (value as ErrorLike) : undefined;
}

/** The error and its causes, outermost first (bounded, in case of a cycle). */
function chain(error: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  let current = asErrorLike(error);
  while (current && out.length < 8 && !out.includes(current)) {
    out.push(current);
    current = asErrorLike(current.cause) ?? asErrorLike(current.sourceError);
  }
  return out;
}

const text = (value: unknown): string | null => (typeof value === "string" && value !== "" ? value : null);

/**
 * Facts about a failed database query, or undefined when the error did not come from the
 * database driver. Drizzle wraps driver errors in DrizzleQueryError, whose message and stack
 * carry the SQL and every bound value, so those are deliberately not part of the facts.
 */
export function databaseErrorFacts(error: unknown): DatabaseErrorFacts | undefined {
  const links = chain(error);
  const withCode = links.find((link) => typeof link.code === "string" && SQLSTATE.test(link.code));
  const fromDriver = links.some(
    (link) =>
      link.name === "NeonDbError" ||
      link.name === "DrizzleQueryError" ||
      ("params" in link && "query" in link) ||
      (typeof link.message === "string" && link.message.startsWith("Failed query:")),
  );
  if (!withCode && !fromDriver) return undefined;
  return {
    code: withCode ? text(withCode.code) : null,
    constraint: withCode ? text(withCode.constraint) : null,
    table: withCode ? text(withCode.table) : null,
  };
}

/** SQLSTATE of billing_require (migrations/0014): a refusal inside a batch, its error code as DETAIL. */
const REFUSAL = "MP020";

/** The catalog error code a billing_require refusal carries; undefined for any other error. */
export function raisedRefusal(error: unknown): ErrorCode | undefined {
  const links = chain(error);
  if (!links.some((link) => link.code === REFUSAL)) return undefined;
  const detail = links
    .map((link) => link.detail)
    .find((value) => typeof value === "string" && value in errorCatalog);
  return detail as ErrorCode | undefined;
}

function isConnectionFailure(error: unknown, facts: DatabaseErrorFacts | undefined): boolean {
  // A driver error without a SQLSTATE never got an answer from PostgreSQL: the transport failed.
  if (facts && facts.code === null) return true;
  const code = facts?.code ?? "";
  if (/^(08|53|57P0)/.test(code) || code === "40001" || code === "40P01") return true;
  return chain(error).some(
    (link) =>
      typeof link.message === "string" &&
      /fetch failed|network connection lost|ECONNREFUSED|ECONNRESET|socket hang up|Connection terminated/i.test(
        link.message,
      ),
  );
}

/**
 * The API error an unexpected exception stands for, when it says something about the request or
 * a dependency rather than a bug: PostgreSQL data errors (class 22, such as 22021 and 22P05) and
 * program limits (class 54) are the caller's input, constraint violations (class 23) a conflict,
 * and an unreachable database, cache or rate source a 503. Undefined means a 500.
 */
export function apiErrorFor(error: unknown): ApiError | undefined {
  const facts = databaseErrorFacts(error);
  const code = facts?.code ?? "";
  if (code.startsWith("22") || code.startsWith("54")) {
    return new ApiError("parameter_invalid", {
      message: "A parameter has a value that cannot be stored (out of range, malformed or too large).",
    });
  }
  if (code === "23502") return new ApiError("parameter_missing");
  if (code.startsWith("23")) {
    return new ApiError("resource_conflict", {
      message: "The request conflicts with an existing object; retrieve it and retry if needed.",
    });
  }
  if (isConnectionFailure(error, facts)) {
    return new ApiError("service_unavailable", { headers: { "Retry-After": "1" } });
  }
  return undefined;
}

/**
 * What the log keeps of an unexpected exception: for database errors only the SQLSTATE, the
 * constraint and the table; otherwise the error's name and stack (messages of our own code).
 */
export function errorLogFields(error: unknown, mappedTo?: string): Record<string, unknown> {
  const facts = databaseErrorFacts(error);
  const name = asErrorLike(error)?.name;
  if (facts) {
    return {
      error: "database_error",
      code: facts.code,
      constraint: facts.constraint,
      table: facts.table,
      ...(mappedTo ? { mapped_to: mappedTo } : {}),
    };
  }
  const stack = error instanceof Error ? (error.stack ?? String(error)) : String(error);
  return {
    error: typeof name === "string" ? name : "Error",
    ...(mappedTo ? { mapped_to: mappedTo } : { stack }),
  };
}
