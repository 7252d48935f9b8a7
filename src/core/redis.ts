import { Redis } from "@upstash/redis/cloudflare";
import type { Config } from "./config";

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
