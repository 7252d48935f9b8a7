import { and, eq, gt, lt, type SQL, sql } from "drizzle-orm";
import type { Context, MiddlewareHandler } from "hono";
import { sha256Hex } from "./auth/crypto";
import type { AppEnv } from "./context";
import { type Executor, isIdempotencyHeld } from "./db";
import { ApiError } from "./errors";
import { type Environment, idempotencyKeys } from "./tables";
import { tenantScope } from "./tenancy";

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** Responses a retry must see again; validation, auth and throttling failures are not kept (as Stripe). */
function isReplayable(status: number, body: string): boolean {
  if (status >= 500) return false;
  if ([400, 401, 403, 413, 415, 429].includes(status)) return false;
  return !(status === 409 && body.includes('"type":"idempotency_error"'));
}

/**
 * Response fields that carry a secret shown once (an API key's `secret`, a webhook endpoint's
 * signing `secret`, and by name anything that looks like one). They are never written to the
 * idempotency record: a replay shows `null` in their place and `<field>_redacted: true`.
 * migrations/0012_redact_idempotency_secrets.sql applies the same rule to rows stored before.
 */
const SECRET_FIELD = /^(secret|secret_key|token|password|.+_secret)$/;

function redact(value: unknown): { value: unknown; redacted: boolean } {
  if (Array.isArray(value)) {
    const items = value.map(redact);
    return { value: items.map((item) => item.value), redacted: items.some((item) => item.redacted) };
  }
  if (value === null || typeof value !== "object") return { value, redacted: false };
  const out: Record<string, unknown> = {};
  let redacted = false;
  for (const [key, item] of Object.entries(value)) {
    if (SECRET_FIELD.test(key) && typeof item === "string") {
      out[key] = null;
      out[`${key}_redacted`] = true;
      redacted = true;
      continue;
    }
    const inner = redact(item);
    out[key] = inner.value;
    redacted ||= inner.redacted;
  }
  return { value: out, redacted };
}

/** The body as the idempotency record keeps it: secrets removed, anything else byte for byte. */
export function redactSecrets(body: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return body;
  }
  const result = redact(parsed);
  return result.redacted ? JSON.stringify(result.value) : body;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** The same parameters in another key order or spacing are the same request. */
async function requestFingerprint(method: string, path: string, body: string): Promise<string> {
  let canonical = body;
  try {
    canonical = canonicalJson(JSON.parse(body));
  } catch {
    // Not JSON: the raw text is compared; validation will refuse it anyway.
  }
  return sha256Hex(`${method} ${path}\n${canonical}`);
}

export interface Scope {
  merchantId: string;
  environment: Environment;
  key: string;
}

function scopeCondition(scope: Scope) {
  return and(...tenantScope(idempotencyKeys, scope), eq(idempotencyKeys.key, scope.key));
}

async function findRecord(scope: Scope, now: Date, db: Executor) {
  const [record] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(scopeCondition(scope), gt(idempotencyKeys.expiresAt, now)))
    .limit(1);
  return record;
}

export async function pruneIdempotencyKeys(now: Date, db: Executor): Promise<number> {
  const deleted = await db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.expiresAt, now))
    .returning({ key: idempotencyKeys.key });
  return deleted.length;
}

/**
 * A request's claim on its Idempotency-Key. The middleware claims it in a round trip of its own,
 * unless the route batches its own writes (`claimsIdempotencyInline`): then the claim rides as the
 * first statement of the route's first batch, and its response may be stored in its last one.
 */
export class IdempotencyClaim {
  /** The claim committed (with a batch, or on its own): the record must be completed or dropped. */
  claimed = false;
  /** The claim was refused (the key is held): the middleware answers with the earlier outcome. */
  held = false;

  private stored: { status: number; body: string } | undefined;

  constructor(
    readonly scope: Scope,
    readonly fingerprint: string,
    private readonly now: Date,
  ) {}

  /** Raises SQLSTATE MP010 when the key is held, rolling back whatever batch carries it. */
  claimStatement(): SQL {
    const { merchantId, environment, key } = this.scope;
    const expiresAt = new Date(this.now.getTime() + IDEMPOTENCY_TTL_MS);
    return sql`select idempotency_claim(${merchantId}, ${environment}, ${key}, ${this.fingerprint},
      ${this.now}, ${expiresAt})`;
  }

  /** Stores the response a replay will get, as a statement for the route's last batch. */
  storeStatement(status: number, body: string): SQL {
    this.stored = { status, body };
    return storeResponse(this.scope, status, body);
  }

  /** Whether the route's own batch already stored exactly this response. */
  storedInline(status: number, body: string): boolean {
    return this.stored?.status === status && this.stored.body === body;
  }
}

function storeResponse(scope: Scope, status: number, body: string): SQL {
  return sql`update ${idempotencyKeys} set status = 'completed', status_code = ${status},
    response_body = ${redactSecrets(body)}
    where ${scopeCondition(scope)}`;
}

const inlineRoutes = new Set<string>();

/** Marks a route (e.g. "POST /api/v1/customers") whose service puts the claim in its own first batch. */
export function claimsIdempotencyInline(method: string, path: string): void {
  inlineRoutes.add(`${method} ${path}`);
}

function isInlineRoute(c: Context<AppEnv>): boolean {
  const route = c.req.matchedRoutes.at(-1);
  return route !== undefined && inlineRoutes.has(`${c.req.method} ${route.path}`);
}

/**
 * Stripe's idempotency semantics on a Postgres record, scoped to merchant and environment, kept 24
 * hours. The key is claimed (`in_progress`) before anything is written, so a Worker that dies after
 * committing a charge but before storing the response leaves a claim behind: retries then get
 * `in_progress`, never a second charge. A concurrent claim waits on the first one's row and then
 * sees it held. Responses that aren't kept (validation, auth, 5xx) drop the claim. Secrets shown
 * once are removed from the stored response (redactSecrets), so a replay never shows them again.
 */
export const idempotency: MiddlewareHandler<AppEnv> = async (c, next) => {
  const key = c.req.header("idempotency-key");
  if (key === undefined || c.req.method === "GET") return next();
  if (!KEY_PATTERN.test(key)) throw new ApiError("idempotency_key_invalid", { param: "Idempotency-Key" });

  const services = c.get("services");
  const { db, clock } = services;
  const auth = c.get("auth");
  const scope: Scope = { merchantId: auth.merchantId, environment: auth.environment, key };
  const fingerprint = await requestFingerprint(c.req.method, c.req.path, await c.req.text());
  const claim = new IdempotencyClaim(scope, fingerprint, clock.now());

  /** The earlier request's outcome: its response, or a refusal while it is still in progress. */
  const previousOutcome = async (): Promise<Response> => {
    const record = await findRecord(scope, clock.now(), db);
    if (record && record.requestHash !== fingerprint)
      throw new ApiError("idempotency_key_reused", { param: "Idempotency-Key" });
    if (!record || record.status === "in_progress")
      throw new ApiError("idempotency_key_in_progress", { param: "Idempotency-Key" });
    return new Response(record.responseBody, {
      status: record.statusCode,
      headers: { "Content-Type": "application/json", "Idempotent-Replayed": "true" },
    });
  };

  if (isInlineRoute(c)) {
    services.idempotency = claim;
  } else {
    try {
      await db.execute(claim.claimStatement());
    } catch (error) {
      if (isIdempotencyHeld(error)) return previousOutcome();
      throw error;
    }
    claim.claimed = true;
  }
  // Hono turns a handler's exception into the error response, so next() settles with c.res set.
  await next();
  if (claim.held) {
    c.res = await previousOutcome();
    return;
  }
  if (!claim.claimed) return;
  const body = await c.res.clone().text();
  if (isReplayable(c.res.status, body)) {
    if (!claim.storedInline(c.res.status, body)) await db.execute(storeResponse(scope, c.res.status, body));
  } else {
    await db
      .delete(idempotencyKeys)
      .where(and(scopeCondition(scope), eq(idempotencyKeys.status, "in_progress")));
  }
};
