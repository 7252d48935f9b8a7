import type { ServiceContext } from "../../core/context";
import { redisKey } from "../../core/redis";

const BUCKET_SECONDS = 60;
const WINDOW_BUCKETS = 5;

/**
 * Recent error rate per provider, in one-minute Redis hashes kept for the last five minutes.
 * Sandbox counts per merchant, so one merchant's test cards never make a processor look unhealthy
 * to another; production counts across merchants, as a real outage affects everyone.
 */
function keyPrefix(ctx: ServiceContext, provider: string): string {
  const scope = ctx.environment === "sandbox" ? ctx.merchantId : "all";
  return redisKey(ctx.services.config, `phealth:${ctx.environment}:${scope}:${provider}`);
}

function bucket(ctx: ServiceContext): number {
  return Math.floor(ctx.services.clock.now().getTime() / 1000 / BUCKET_SECONDS);
}

export async function providerErrorRates(
  ctx: ServiceContext,
  providers: readonly string[],
): Promise<Map<string, number>> {
  const rates = new Map<string, number>();
  if (providers.length === 0) return rates;
  const now = bucket(ctx);
  const pipeline = ctx.services.redis.pipeline();
  for (const provider of providers) {
    for (let i = 0; i < WINDOW_BUCKETS; i++)
      pipeline.hmget(`${keyPrefix(ctx, provider)}:${now - i}`, "total", "errors");
  }
  const results = (await pipeline.exec()) as Array<Record<string, unknown> | null>;
  providers.forEach((provider, index) => {
    let total = 0;
    let errors = 0;
    for (const result of results.slice(index * WINDOW_BUCKETS, (index + 1) * WINDOW_BUCKETS)) {
      total += Number(result?.total ?? 0);
      errors += Number(result?.errors ?? 0);
    }
    rates.set(provider, total === 0 ? 0 : errors / total);
  });
  return rates;
}

/** Only retryable failures (outages, timeouts, processing errors) count; a decline is a healthy answer. */
export async function recordProviderCalls(
  ctx: ServiceContext,
  calls: ReadonlyArray<{ provider: string; retryableFailure: boolean }>,
): Promise<void> {
  if (calls.length === 0) return;
  const now = bucket(ctx);
  const pipeline = ctx.services.redis.pipeline();
  for (const call of calls) {
    const key = `${keyPrefix(ctx, call.provider)}:${now}`;
    pipeline.hincrby(key, "total", 1);
    if (call.retryableFailure) pipeline.hincrby(key, "errors", 1);
    pipeline.expire(key, BUCKET_SECONDS * (WINDOW_BUCKETS + 1));
  }
  await pipeline.exec();
}
