import type { MiddlewareHandler } from "hono";
import type { AppEnv } from "./context";
import { ApiError } from "./errors";

/**
 * NUL (PostgreSQL refuses it in text and jsonb) and unpaired UTF-16 surrogates (not valid
 * Unicode: PostgreSQL refuses their escapes in jsonb and no encoder can store them faithfully).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this refuses.
const UNSAFE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function hasUnsafeCharacters(value: string): boolean {
  return UNSAFE.test(value);
}

/**
 * The first `max` UTF-16 units of a text, less a high surrogate the cut left without its pair
 * (PostgreSQL refuses the lone half): what to store when a longer text is shortened.
 */
export function clipText(value: string, max: number): string {
  const clipped = value.slice(0, max);
  return /[\uD800-\uDBFF]$/.test(clipped) ? clipped.slice(0, -1) : clipped;
}

function refuse(param: string): ApiError {
  return new ApiError("parameter_characters_invalid", {
    param,
    message: `Invalid ${param}: strings may not contain NUL characters or unpaired UTF-16 surrogates.`,
  });
}

function decode(raw: string, param: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, " "));
  } catch {
    // Percent-encoding that is not UTF-8 (for example an encoded lone surrogate).
    throw refuse(param);
  }
}

function joinParam(base: string, key: string | number): string {
  if (typeof key === "number") return `${base}[${key}]`;
  return base === "" ? key : `${base}.${key}`;
}

/** The first unsafe string in a parsed JSON value, keys included, as a parameter path. */
export function findUnsafeString(value: unknown, path = ""): string | undefined {
  if (typeof value === "string") return hasUnsafeCharacters(value) ? path || "body" : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findUnsafeString(item, joinParam(path, index));
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      const param = joinParam(path, key);
      if (hasUnsafeCharacters(key)) return param;
      const found = findUnsafeString(item, param);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/**
 * Refuses, once and before authentication, every request whose path, query or JSON body holds
 * a string that PostgreSQL cannot store: 400 `parameter_characters_invalid`, naming the parameter.
 * The body is read as text (Hono caches it, so validators and the idempotency fingerprint see the
 * same bytes); a body that is not JSON is left for the validators to refuse.
 */
export const rejectUnsafeInput: MiddlewareHandler<AppEnv> = async (c, next) => {
  const url = new URL(c.req.url);
  for (const segment of url.pathname.split("/")) {
    if (hasUnsafeCharacters(decode(segment, "path"))) throw refuse("path");
  }
  for (const pair of url.search.slice(1).split("&")) {
    if (pair === "") continue;
    const [rawKey = "", ...rest] = pair.split("=");
    const key = decode(rawKey, "query");
    if (hasUnsafeCharacters(key)) throw refuse(key.replace(UNSAFE, "?") || "query");
    if (hasUnsafeCharacters(decode(rest.join("="), key))) throw refuse(key);
  }
  if (c.req.method !== "GET" && c.req.method !== "HEAD") {
    const text = await c.req.text();
    if (text !== "") {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        return next();
      }
      const param = findUnsafeString(parsed);
      if (param !== undefined) throw refuse(param.replace(new RegExp(UNSAFE.source, "g"), "?"));
    }
  }
  return next();
};
