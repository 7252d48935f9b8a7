import { and, eq, isNull } from "drizzle-orm";
import type { MiddlewareHandler } from "hono";
import type { AppEnv, AuthContext } from "../context";
import { ApiError } from "../errors";
import { apiKeys, type Environment, sessions } from "../tables";
import { apiKeyCacheKey, cacheCredential, cachedCredential, sessionCacheKey } from "./cache";
import { environmentOfKey, KEY_ID_PATTERN, SECRET_PATTERN, SESSION_TOKEN_PATTERN } from "./credentials";
import { constantTimeEqual, sha256Hex } from "./crypto";

interface KeyPair {
  keyId: string;
  secret: string;
}

function readKeyPair(headers: Headers): KeyPair | "malformed" | undefined {
  const keyId = headers.get("x-api-key");
  const secret = headers.get("x-api-secret");
  if (keyId !== null || secret !== null) {
    if (!keyId || !secret) return "malformed";
    return { keyId, secret };
  }
  const authorization = headers.get("authorization");
  if (!authorization?.toLowerCase().startsWith("basic ")) return undefined;
  let decoded: string;
  try {
    decoded = atob(authorization.slice(6).trim());
  } catch {
    return "malformed";
  }
  const colon = decoded.indexOf(":");
  if (colon < 0) return "malformed";
  return { keyId: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
}

async function authenticateKey(
  c: Parameters<MiddlewareHandler<AppEnv>>[0],
  pair: KeyPair,
): Promise<AuthContext> {
  const environment = environmentOfKey(pair.keyId);
  if (
    !KEY_ID_PATTERN.test(pair.keyId) ||
    !SECRET_PATTERN.test(pair.secret) ||
    environment !== environmentOfKey(pair.secret)
  ) {
    throw new ApiError("credentials_malformed");
  }
  const services = c.get("services");
  const cacheKey = apiKeyCacheKey(pair.keyId);
  let key = await cachedCredential(services, cacheKey);
  if (!key) {
    const [row] = await services.db.select().from(apiKeys).where(eq(apiKeys.keyId, pair.keyId)).limit(1);
    if (!row) throw new ApiError("credentials_invalid");
    key = {
      id: row.id,
      merchantId: row.merchantId,
      environment: row.environment,
      userId: null,
      rateLimitPerSecond: row.rateLimitPerSecond,
      secretHash: row.secretHash,
      revokedAt: row.revokedAt?.getTime() ?? null,
      expiresAt: row.expiresAt?.getTime() ?? null,
    };
    cacheCredential(services, cacheKey, key, (promise) => c.executionCtx.waitUntil(promise));
  }
  if (
    !key.secretHash ||
    !key.environment ||
    !constantTimeEqual(await sha256Hex(pair.secret), key.secretHash)
  ) {
    throw new ApiError("credentials_invalid");
  }
  const now = services.clock.now().getTime();
  if ((key.revokedAt !== null && key.revokedAt <= now) || (key.expiresAt !== null && key.expiresAt <= now)) {
    throw new ApiError("api_key_revoked");
  }
  return {
    merchantId: key.merchantId,
    environment: key.environment,
    actor: { type: "api_key", id: key.id },
    method: "api_key",
    rateLimitPerSecond: key.rateLimitPerSecond,
    sessionId: null,
  };
}

function sessionEnvironment(headers: Headers): Environment {
  const value = headers.get("x-environment") ?? "sandbox";
  if (value !== "sandbox" && value !== "production")
    throw new ApiError("environment_invalid", { param: "X-Environment" });
  return value;
}

async function authenticateSession(
  c: Parameters<MiddlewareHandler<AppEnv>>[0],
  token: string,
): Promise<AuthContext> {
  if (!SESSION_TOKEN_PATTERN.test(token)) throw new ApiError("credentials_malformed");
  const environment = sessionEnvironment(c.req.raw.headers);
  const services = c.get("services");
  const tokenHash = await sha256Hex(token);
  const cacheKey = sessionCacheKey(tokenHash);
  let session = await cachedCredential(services, cacheKey);
  if (!session) {
    const [row] = await services.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt)))
      .limit(1);
    if (!row) throw new ApiError("credentials_invalid");
    session = {
      id: row.id,
      merchantId: row.merchantId,
      environment: null,
      userId: row.userId,
      rateLimitPerSecond: null,
      secretHash: null,
      revokedAt: null,
      expiresAt: row.expiresAt.getTime(),
    };
    cacheCredential(services, cacheKey, session, (promise) => c.executionCtx.waitUntil(promise));
  }
  if (!session.userId) throw new ApiError("credentials_invalid");
  if (session.expiresAt !== null && session.expiresAt <= services.clock.now().getTime()) {
    throw new ApiError("session_expired");
  }
  return {
    merchantId: session.merchantId,
    environment,
    actor: { type: "user", id: session.userId },
    method: "session",
    rateLimitPerSecond: null,
    sessionId: session.id,
  };
}

/**
 * Accepts an API key pair (headers or HTTP Basic) or a dashboard Bearer token. Credentials are
 * cached (core/auth/cache.ts): a revocation takes effect at once in Redis and in the isolate that
 * revoked, and within AUTH_CACHE_SECONDS everywhere else.
 */
export const authenticate: MiddlewareHandler<AppEnv> = async (c, next) => {
  const headers = c.req.raw.headers;
  const pair = readKeyPair(headers);
  if (pair === "malformed") throw new ApiError("credentials_malformed");
  if (pair) {
    c.set("auth", await authenticateKey(c, pair));
    return next();
  }
  const authorization = headers.get("authorization");
  if (authorization?.toLowerCase().startsWith("bearer ")) {
    c.set("auth", await authenticateSession(c, authorization.slice(7).trim()));
    return next();
  }
  if (authorization) throw new ApiError("credentials_malformed");
  throw new ApiError("authentication_required");
};

/** For dashboard-only endpoints such as API key management. */
export const requireSession: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (c.get("auth").method !== "session") throw new ApiError("session_required");
  return next();
};
