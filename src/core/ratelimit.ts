import { Ratelimit } from "@upstash/ratelimit";
import type { MiddlewareHandler } from "hono";
import type { Config } from "./config";
import type { AppEnv, Services } from "./context";
import { ApiError } from "./errors";
import { redisKey } from "./redis";
import type { Environment } from "./tables";

export interface LimitResult {
  allowed: boolean;
  limit: number;
  remaining: number;
  resetSeconds: number;
}

/** One sliding-window check in Redis: `requests` per `windowSeconds` (times RATE_LIMIT_WINDOW_SCALE). */
export async function checkLimit(
  { redis, config, clock }: Pick<Services, "redis" | "config" | "clock">,
  options: { prefix: string; identifier: string; requests: number; windowSeconds: number },
  waitUntil: (promise: Promise<unknown>) => void,
): Promise<LimitResult> {
  const limiter = new Ratelimit({
    redis,
    limiter: Ratelimit.slidingWindow(
      options.requests,
      `${options.windowSeconds * config.RATE_LIMIT_WINDOW_SCALE} s`,
    ),
    prefix: redisKey(config, options.prefix),
    ephemeralCache: false,
    analytics: false,
  });
  const result = await limiter.limit(options.identifier);
  waitUntil(result.pending);
  return {
    allowed: result.success,
    limit: result.limit,
    remaining: Math.max(0, result.remaining),
    resetSeconds: Math.max(0, Math.ceil((result.reset - clock.now().getTime()) / 1000)),
  };
}

export function rateLimitHeaders(result: LimitResult): Record<string, string> {
  return {
    "RateLimit-Limit": String(result.limit),
    "RateLimit-Remaining": String(result.remaining),
    "RateLimit-Reset": String(result.resetSeconds),
  };
}

export function tooManyRequests(result: LimitResult): ApiError {
  return new ApiError("rate_limited", {
    headers: { ...rateLimitHeaders(result), "Retry-After": String(Math.max(1, result.resetSeconds)) },
  });
}

/** Status polling counts in a bucket of its own, so heavy polling never throttles writes, nor they it. */
export function bucketFor(bucket: string, method: string, path: string): string {
  return method === "GET" && path.startsWith("/api/v1/status/") ? "status" : bucket;
}

/**
 * The highest per-second limit a merchant's keys may have in an environment: the environment's
 * default, unless the operator granted the merchant more in RATE_LIMIT_MERCHANT_CEILINGS.
 */
export function rateLimitCeiling(
  config: Pick<
    Config,
    "RATE_LIMIT_SANDBOX_PER_SECOND" | "RATE_LIMIT_PRODUCTION_PER_SECOND" | "RATE_LIMIT_MERCHANT_CEILINGS"
  >,
  merchantId: string,
  environment: Environment,
): number {
  const fallback =
    environment === "production"
      ? config.RATE_LIMIT_PRODUCTION_PER_SECOND
      : config.RATE_LIMIT_SANDBOX_PER_SECOND;
  for (const entry of config.RATE_LIMIT_MERCHANT_CEILINGS.split(",")) {
    const [id, limit] = entry.split("=");
    if (id === merchantId && limit) return Math.max(fallback, Number(limit));
  }
  return fallback;
}

/**
 * Per-key (or per-session) limits, higher in production than in sandbox. `bucket` separates
 * limits that must not eat into each other, such as status polling and writes.
 */
export function rateLimit(bucket: string): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const services = c.get("services");
    const { config } = services;
    const auth = c.get("auth");
    // A key's own limit never exceeds the ceiling, so keys stored with a higher one are capped too.
    const ceiling = rateLimitCeiling(config, auth.merchantId, auth.environment);
    const requests = Math.min(auth.rateLimitPerSecond ?? ceiling, ceiling);
    const result = await checkLimit(
      services,
      {
        prefix: `rl:${bucketFor(bucket, c.req.method, c.req.path)}`,
        identifier: `${auth.actor.id}:${auth.environment}`,
        requests,
        windowSeconds: 1,
      },
      (promise) => c.executionCtx.waitUntil(promise),
    );
    if (!result.allowed) throw tooManyRequests(result);
    await next();
    for (const [name, value] of Object.entries(rateLimitHeaders(result))) c.res.headers.set(name, value);
  };
}
