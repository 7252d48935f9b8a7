import type { Config } from "./config";
import type { Services, StatusChange } from "./context";
import { type IdKind, idPrefixes } from "./ids";
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

/** The money objects that have a polling document; the status module resolves each kind. */
export const statusObjectKinds = [
  "payment",
  "refund",
  "fundingDeposit",
  "ledgerTransaction",
  "payout",
  "bankTransfer",
] as const satisfies readonly IdKind[];

const statusIdPrefixes = statusObjectKinds.map((kind) => `${idPrefixes[kind]}_`);

/**
 * Notes that an object's status document changed. Recording an event does it for the event's
 * object and the payment it belongs to (core/events.ts); a change without an event calls it itself.
 */
export function markStatusChanged(services: Pick<Services, "changedStatuses">, change: StatusChange): void {
  if (statusIdPrefixes.some((prefix) => change.id.startsWith(prefix))) services.changedStatuses.push(change);
}

/**
 * Drops the cached documents of every object changed so far, in one Redis call. The services
 * middleware runs it once the handler's transactions committed and before the response leaves,
 * and runFunction after each background function, so no reader can cache the old state again; a
 * failure only leaves a document stale until its TTL.
 */
export async function invalidateChangedStatuses(
  services: Pick<Services, "redis" | "config" | "changedStatuses">,
) {
  const changed = services.changedStatuses.splice(0);
  const created = new Set(changed.filter((change) => change.created).map((change) => change.id));
  const stale = changed.filter((change) => !created.has(change.id));
  if (stale.length === 0) return;
  const keys = [...new Set(stale.map((change) => statusCacheKey(services.config, change, change.id)))];
  try {
    await services.redis.del(...keys);
  } catch (error) {
    log("warn", "status_cache_invalidation_failed", { ids: keys.length, error: errorText(error) });
  }
}
