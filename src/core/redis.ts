import { Redis } from "@upstash/redis/cloudflare";
import type { Config } from "./config";

/** Every Redis key the Worker builds goes through here, so REDIS_KEY_PREFIX covers them all. */
export function redisKey(config: Pick<Config, "REDIS_KEY_PREFIX">, key: string): string {
  return `${config.REDIS_KEY_PREFIX}${key}`;
}

export function createRedis(
  config: Pick<Config, "UPSTASH_REDIS_REST_URL" | "UPSTASH_REDIS_REST_TOKEN" | "TRACE_ROUND_TRIPS">,
  requestId?: string,
): Redis {
  // The local bridge counts round trips per request when the trace rides in the base URL.
  const traced = config.TRACE_ROUND_TRIPS && requestId !== undefined;
  return new Redis({
    url: traced ? `${config.UPSTASH_REDIS_REST_URL}/trace/${requestId}` : config.UPSTASH_REDIS_REST_URL,
    token: config.UPSTASH_REDIS_REST_TOKEN,
    enableTelemetry: false,
    retry: { retries: 2, backoff: (attempt) => 50 * 2 ** attempt },
  });
}
