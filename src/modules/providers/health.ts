import type { ServiceContext, Services } from "../../core/context";
import { redisKey } from "../../core/redis";
import { afterResponse } from "../../core/services";

const BUCKET_SECONDS = 60;
const WINDOW_BUCKETS = 5;
/** How long an isolate trusts its copy of the counters before refreshing them (after a response). */
export const HEALTH_CACHE_MS = 5_000;
const MAX_ENTRIES = 10_000;

/**
 * Recent error rate per provider, in one-minute Redis hashes kept for the last five minutes.
 * Sandbox counts per merchant, so one merchant's test cards never make a processor look unhealthy
 * to another; production counts across merchants, as a real outage affects everyone.
 *
 * Off the payment's round trips: the counters are read once per isolate and scope, then served
 * from the isolate (stale-while-revalidate: an entry older than HEALTH_CACHE_MS is still used and
 * refreshed after the response); calls are counted after the response too, and into this
 * isolate's copy at once. Another isolate sees a change within HEALTH_CACHE_MS plus one request.
 */
function scopeKey(ctx: Pick<ServiceContext, "environment" | "merchantId" | "services">): string {
  const scope = ctx.environment === "sandbox" ? ctx.merchantId : "all";
  return redisKey(ctx.services.config, `phealth:${ctx.environment}:${scope}`);
}

function bucket(services: Services): number {
  return Math.floor(services.clock.now().getTime() / 1000 / BUCKET_SECONDS);
}

interface Counts {
  total: number;
  errors: number;
}

interface Snapshot {
  readAt: number;
  counts: Map<string, Counts>;
}

const snapshots = new Map<string, Snapshot>();

function cacheKey(ctx: ServiceContext, providers: readonly string[]): string {
  return `${scopeKey(ctx)}|${[...providers].sort().join(",")}`;
}

async function readCounts(
  services: Services,
  scope: string,
  providers: readonly string[],
): Promise<Map<string, Counts>> {
  const now = bucket(services);
  const pipeline = services.redis.pipeline();
  for (const provider of providers) {
    for (let i = 0; i < WINDOW_BUCKETS; i++)
      pipeline.hmget(`${scope}:${provider}:${now - i}`, "total", "errors");
  }
  const results = (await pipeline.exec()) as Array<Record<string, unknown> | null>;
  const counts = new Map<string, Counts>();
  providers.forEach((provider, index) => {
    let total = 0;
    let errors = 0;
    for (const result of results.slice(index * WINDOW_BUCKETS, (index + 1) * WINDOW_BUCKETS)) {
      total += Number(result?.total ?? 0);
      errors += Number(result?.errors ?? 0);
    }
    counts.set(provider, { total, errors });
  });
  return counts;
}

function remember(key: string, counts: Map<string, Counts>): void {
  if (!snapshots.has(key) && snapshots.size >= MAX_ENTRIES) {
    const oldest = snapshots.keys().next();
    if (!oldest.done) snapshots.delete(oldest.value);
  }
  snapshots.set(key, { readAt: Date.now(), counts });
}

export async function providerErrorRates(
  ctx: ServiceContext,
  providers: readonly string[],
): Promise<Map<string, number>> {
  const rates = new Map<string, number>();
  if (providers.length === 0) return rates;
  const key = cacheKey(ctx, providers);
  const scope = scopeKey(ctx);
  let snapshot = snapshots.get(key);
  if (!snapshot) {
    remember(key, await readCounts(ctx.services, scope, providers));
    snapshot = snapshots.get(key);
  } else if (Date.now() - snapshot.readAt > HEALTH_CACHE_MS) {
    snapshot.readAt = Date.now();
    await afterResponse(ctx.services, async (services) =>
      remember(key, await readCounts(services, scope, providers)),
    );
  }
  for (const provider of providers) {
    const counts = snapshot?.counts.get(provider);
    rates.set(provider, !counts || counts.total === 0 ? 0 : counts.errors / counts.total);
  }
  return rates;
}

/**
 * Only retryable failures (outages, timeouts, processing errors) count; a decline is a healthy
 * answer. Counted into this isolate's copies now, and into Redis after the response.
 */
export async function recordProviderCalls(
  ctx: ServiceContext,
  calls: ReadonlyArray<{ provider: string; retryableFailure: boolean }>,
): Promise<void> {
  if (calls.length === 0) return;
  const scope = scopeKey(ctx);
  for (const [key, snapshot] of snapshots) {
    if (!key.startsWith(`${scope}|`)) continue;
    for (const call of calls) {
      const counts = snapshot.counts.get(call.provider);
      if (!counts) continue;
      counts.total += 1;
      if (call.retryableFailure) counts.errors += 1;
    }
  }
  const now = bucket(ctx.services);
  await afterResponse(ctx.services, async (services) => {
    const pipeline = services.redis.pipeline();
    for (const call of calls) {
      const key = `${scope}:${call.provider}:${now}`;
      pipeline.hincrby(key, "total", 1);
      if (call.retryableFailure) pipeline.hincrby(key, "errors", 1);
      pipeline.expire(key, BUCKET_SECONDS * (WINDOW_BUCKETS + 1));
    }
    await pipeline.exec();
  });
}
