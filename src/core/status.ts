import type { Config } from "./config";
import type { Services } from "./context";
import { errorText, log } from "./log";
import { redisKey } from "./redis";
import type { Environment } from "./tables";

/** The polling document of any money object, as GET /api/v1/status/{id} serves it. */
export interface StatusDocument {
  id: string;
  object: string;
  status: string;
  amount: number;
  currency: string;
  updated_at: string;
  timeline: Array<{ status: string; at: string }>;
}

/** Long enough to absorb a polling storm, short enough that a missed invalidation heals quickly. */
export const STATUS_CACHE_TTL_SECONDS = 5;

export function statusCacheKey(
  config: Pick<Config, "REDIS_KEY_PREFIX">,
  owner: { merchantId: string; environment: Environment },
  id: string,
): string {
  return redisKey(config, `status:${owner.merchantId}:${owner.environment}:${id}`);
}

/**
 * Drops an object's cached status document. Call it after the change committed, so a reader
 * can't cache the old state again; a failure only leaves the document stale until the TTL.
 */
export async function invalidateStatus(
  services: Pick<Services, "redis" | "config">,
  owner: { merchantId: string; environment: Environment },
  id: string,
): Promise<void> {
  try {
    await services.redis.del(statusCacheKey(services.config, owner, id));
  } catch (error) {
    log("warn", "status_cache_invalidation_failed", { id, error: errorText(error) });
  }
}
