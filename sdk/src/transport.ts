import { isErrorBody, MagnetPayConnectionError } from "./errors.js";

/** An API key pair (server-to-server) or a dashboard session token. */
export type Credentials =
  | { keyId: string; secret: string; scheme?: "headers" | "basic" }
  | { bearerToken: string; environment?: "sandbox" | "production" };

export interface RetryOptions {
  /** Retries after the first attempt (default 2). */
  maxRetries: number;
  /** First backoff step in ms, doubled per retry (default 500). */
  initialDelayMs: number;
  /** The longest wait before a retry, in ms (default 30 000). A Retry-After beyond it is not waited for. */
  maxDelayMs: number;
  /** How to wait; tests inject one that does not. */
  sleep: (ms: number) => Promise<void>;
  /** A number in [0, 1) for the jitter. */
  random: () => number;
}

export const defaultRetryOptions: RetryOptions = {
  maxRetries: 2,
  initialDelayMs: 500,
  maxDelayMs: 30_000,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

export function authHeaders(credentials: Credentials): Record<string, string> {
  if ("bearerToken" in credentials) {
    return {
      authorization: `Bearer ${credentials.bearerToken}`,
      "x-environment": credentials.environment ?? "sandbox",
    };
  }
  if (credentials.scheme === "basic") {
    return { authorization: `Basic ${btoa(`${credentials.keyId}:${credentials.secret}`)}` };
  }
  return { "x-api-key": credentials.keyId, "x-api-secret": credentials.secret };
}

const RETRYABLE_STATUSES = new Set([429, 500, 502, 503, 504]);

/** A 409 for a request with the same key still in flight, e.g. the attempt a network error cut off. */
async function isInProgressConflict(response: Response): Promise<boolean> {
  if (response.status !== 409) return false;
  const body: unknown = await response
    .clone()
    .json()
    .catch(() => undefined);
  return isErrorBody(body) && body.error.code === "idempotency_key_in_progress";
}

/** Retry-After in ms: delta-seconds or an HTTP date. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with equal jitter: half the step, plus up to the other half at random. */
function backoffMs(retry: number, options: RetryOptions): number {
  const step = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** retry);
  return step / 2 + options.random() * (step / 2);
}

/**
 * A fetch for openapi-fetch that signs every request, gives each write (POST, and PATCH and DELETE,
 * which the API also replays) an Idempotency-Key (a UUID, unless the caller set one) that stays the
 * same across its retries, and retries network errors, 429, 5xx and an in-progress idempotency
 * conflict with backoff, honouring Retry-After.
 */
export function retryingFetch(options: {
  credentials: Credentials;
  retry: RetryOptions;
  fetch: (request: Request) => Promise<Response>;
}): (request: Request) => Promise<Response> {
  const { retry } = options;
  const auth = authHeaders(options.credentials);
  return async (request) => {
    const headers = new Headers(request.headers);
    for (const [name, value] of Object.entries(auth)) headers.set(name, value);
    if (request.method !== "GET" && !headers.has("idempotency-key")) {
      headers.set("idempotency-key", crypto.randomUUID());
    }
    // Read once: each attempt needs a fresh body stream.
    const body = request.body === null ? undefined : await request.arrayBuffer();
    const attempt = () =>
      options.fetch(
        new Request(request.url, { method: request.method, headers, body, signal: request.signal }),
      );
    for (let retries = 0; ; retries++) {
      let response: Response;
      try {
        response = await attempt();
      } catch (error) {
        // The caller's own abort is theirs to see as it is, and never retried.
        if (request.signal.aborted) throw error;
        if (retries >= retry.maxRetries) {
          throw new MagnetPayConnectionError(`${request.method} ${request.url} failed: ${String(error)}`, {
            cause: error,
          });
        }
        await retry.sleep(backoffMs(retries, retry));
        continue;
      }
      const retryable = RETRYABLE_STATUSES.has(response.status) || (await isInProgressConflict(response));
      if (!retryable || retries >= retry.maxRetries) return response;
      const told = retryAfterMs(response.headers.get("retry-after"), Date.now());
      if (told !== undefined && told > retry.maxDelayMs) return response;
      // Past the server's Retry-After, a little jitter so that clients told the same don't return together.
      const delay =
        told === undefined ? backoffMs(retries, retry) : told + retry.random() * retry.initialDelayMs;
      await response.body?.cancel();
      await retry.sleep(Math.min(delay, retry.maxDelayMs));
    }
  };
}
