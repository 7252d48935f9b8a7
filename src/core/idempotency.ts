import { and, eq, gt, lt } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import { sha256Hex } from "./auth/crypto";
import type { AppEnv } from "./context";
import type { Executor } from "./db";
import { ApiError } from "./errors";
import { randomBase62 } from "./ids";
import { redisKey } from "./redis";
import { type Environment, idempotencyKeys } from "./tables";

export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const LOCK_TTL_MS = 120_000;
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** Responses a retry must see again; validation, auth and throttling failures are not kept (as Stripe). */
function isReplayable(status: number, body: string): boolean {
  if (status >= 500) return false;
  if ([400, 401, 403, 413, 415, 429].includes(status)) return false;
  return !(status === 409 && body.includes('"type":"idempotency_error"'));
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

interface Scope {
  merchantId: string;
  environment: Environment;
  key: string;
}

function scopeCondition(scope: Scope) {
  return and(
    eq(idempotencyKeys.merchantId, scope.merchantId),
    eq(idempotencyKeys.environment, scope.environment),
    eq(idempotencyKeys.key, scope.key),
  );
}

async function findRecord(db: Executor, scope: Scope, now: Date) {
  const [record] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(scopeCondition(scope), gt(idempotencyKeys.expiresAt, now)))
    .limit(1);
  return record;
}

export async function pruneIdempotencyKeys(db: Executor, now: Date): Promise<number> {
  const deleted = await db
    .delete(idempotencyKeys)
    .where(lt(idempotencyKeys.expiresAt, now))
    .returning({ key: idempotencyKeys.key });
  return deleted.length;
}

const RELEASE_SCRIPT = `if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("DEL", KEYS[1]) else return 0 end`;

/**
 * Stripe's idempotency semantics: a Redis lock for the request in flight and a Postgres record of
 * the first response for 24 hours, scoped to merchant and environment. The Postgres record is
 * claimed (`in_progress`) before the handler runs, so a Worker that dies after committing a charge
 * but before storing the response leaves a claim behind: retries then get `in_progress`, never a
 * second charge. Responses that aren't kept (validation, auth, 5xx) drop the claim.
 */
export const idempotency: MiddlewareHandler<AppEnv> = async (c, next) => {
  const key = c.req.header("idempotency-key");
  if (key === undefined || c.req.method === "GET") return next();
  if (!KEY_PATTERN.test(key)) throw new ApiError("idempotency_key_invalid", { param: "Idempotency-Key" });

  const { db, redis, clock, config } = c.get("services");
  const auth = c.get("auth");
  const scope: Scope = { merchantId: auth.merchantId, environment: auth.environment, key };
  const fingerprint = await requestFingerprint(c.req.method, c.req.path, await c.req.text());
  const lockKey = redisKey(config, `idem:${scope.merchantId}:${scope.environment}:${key}`);
  const lockToken = randomBase62(16);
  const scopeWhere = scopeCondition(scope);

  /** The earlier request's outcome: its response, or a refusal while it is still in progress. */
  const previousOutcome = async (): Promise<Response | undefined> => {
    const record = await findRecord(db, scope, clock.now());
    if (!record) return undefined;
    if (record.requestHash !== fingerprint)
      throw new ApiError("idempotency_key_reused", { param: "Idempotency-Key" });
    if (record.status === "in_progress")
      throw new ApiError("idempotency_key_in_progress", { param: "Idempotency-Key" });
    return new Response(record.responseBody, {
      status: record.statusCode,
      headers: { "Content-Type": "application/json", "Idempotent-Replayed": "true" },
    });
  };

  const locked = await redis.set(lockKey, lockToken, { nx: true, px: LOCK_TTL_MS });
  if (locked !== "OK") {
    const previous = await previousOutcome();
    if (previous) return previous;
    throw new ApiError("idempotency_key_in_progress", { param: "Idempotency-Key" });
  }
  try {
    const now = clock.now();
    const claim = {
      requestHash: fingerprint,
      status: "in_progress" as const,
      statusCode: 0,
      responseBody: "",
      createdAt: now,
      expiresAt: new Date(now.getTime() + IDEMPOTENCY_TTL_MS),
    };
    // Claim the key; an expired record of it is taken over.
    const [claimed] = await db
      .insert(idempotencyKeys)
      .values({ ...scope, ...claim })
      .onConflictDoUpdate({
        target: [idempotencyKeys.merchantId, idempotencyKeys.environment, idempotencyKeys.key],
        set: claim,
        setWhere: lt(idempotencyKeys.expiresAt, now),
      })
      .returning({ key: idempotencyKeys.key });
    if (!claimed) {
      const previous = await previousOutcome();
      if (previous) return previous;
      throw new ApiError("idempotency_key_in_progress", { param: "Idempotency-Key" });
    }
    // Hono turns a handler's exception into the error response, so next() settles with c.res set.
    await next();
    const body = await c.res.clone().text();
    if (isReplayable(c.res.status, body)) {
      await db
        .update(idempotencyKeys)
        .set({ status: "completed", statusCode: c.res.status, responseBody: body })
        .where(scopeWhere);
    } else {
      await db.delete(idempotencyKeys).where(and(scopeWhere, eq(idempotencyKeys.status, "in_progress")));
    }
  } finally {
    await redis.eval(RELEASE_SCRIPT, [lockKey], [lockToken]).catch(() => undefined);
  }
};
