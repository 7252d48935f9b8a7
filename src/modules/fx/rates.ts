import { and, desc, eq, lt } from "drizzle-orm";
import type { Config } from "../../core/config";
import type { Services } from "../../core/context";
import { newId } from "../../core/ids";
import { redisKey } from "../../core/redis";
import type { Environment } from "../../core/tables";
import type { RateTable } from "./conversion";
import { parseDecimal } from "./decimal";
import { openExchangeRatesSource, type RateSnapshot, type RateSource, sandboxRateSource } from "./sources";
import { fxRateSnapshots } from "./tables";

export interface StoredSnapshot {
  id: string;
  source: string;
  base: string;
  observedAt: Date;
  rates: Record<string, string>;
}

const latestKey = (config: Config, source: string) => redisKey(config, `fx:latest:${source}`);
const latestTimeKey = (config: Config, source: string) => redisKey(config, `fx:latest-at:${source}`);

/** Replaces the cached snapshot only with a newer one, so a late or replayed refresh never moves rates back. */
const CACHE_IF_NEWER = `local current = tonumber(redis.call("GET", KEYS[2]) or "0")
if tonumber(ARGV[2]) > current then
  redis.call("SET", KEYS[1], ARGV[1])
  redis.call("SET", KEYS[2], ARGV[2])
  return 1
end
return 0`;

/** Sandbox merchants always see the sandbox source; production sees the configured one. */
export function sourceNameFor(services: Services, environment: Environment): string {
  return environment === "sandbox" ? "sandbox" : services.config.FX_PRODUCTION_SOURCE;
}

/** The source itself, or undefined when production's source has no key configured. */
export function sourceFor(services: Services, environment: Environment): RateSource | undefined {
  if (sourceNameFor(services, environment) === "sandbox") return sandboxRateSource;
  const { config } = services;
  if (!config.FX_RATE_SOURCE_KEY) return undefined;
  return openExchangeRatesSource({
    url: config.FX_RATE_SOURCE_URL,
    appId: config.FX_RATE_SOURCE_KEY,
    timeoutMs: config.OUTBOUND_TIMEOUT_MS,
  });
}

async function storeSnapshot(services: Services, snapshot: RateSnapshot): Promise<StoredSnapshot> {
  const [inserted] = await services.db
    .insert(fxRateSnapshots)
    .values({
      id: newId("fxRateSnapshot"),
      source: snapshot.source,
      base: snapshot.base,
      observedAt: snapshot.timestamp,
      fetchedAt: services.clock.now(),
      rates: snapshot.rates,
    })
    .onConflictDoNothing()
    .returning();
  const [row] = inserted
    ? [inserted]
    : await services.db
        .select()
        .from(fxRateSnapshots)
        .where(
          and(
            eq(fxRateSnapshots.source, snapshot.source),
            eq(fxRateSnapshots.observedAt, snapshot.timestamp),
          ),
        )
        .limit(1);
  if (!row) throw new Error("snapshot was neither inserted nor found");
  const stored = {
    id: row.id,
    source: row.source,
    base: row.base,
    observedAt: row.observedAt,
    rates: row.rates,
  };
  await services.redis.eval(
    CACHE_IF_NEWER,
    [latestKey(services.config, stored.source), latestTimeKey(services.config, stored.source)],
    [JSON.stringify(stored), String(stored.observedAt.getTime())],
  );
  return stored;
}

/**
 * One refresh: every source in use is fetched and stored (Postgres for history, Redis for reads).
 * A source that fails leaves its last good snapshot in place; the run fails so it is recorded.
 */
export async function refreshRates(services: Services): Promise<Record<string, unknown>> {
  const sources = new Map<string, RateSource>();
  for (const environment of ["sandbox", "production"] as const) {
    const source = sourceFor(services, environment);
    if (source) sources.set(source.name, source);
  }
  const now = services.clock.now();
  const refreshed: Record<string, string> = {};
  const failures: string[] = [];
  for (const source of sources.values()) {
    try {
      const stored = await storeSnapshot(services, await source.fetchLatest(now));
      refreshed[source.name] = stored.observedAt.toISOString();
    } catch (error) {
      failures.push(`${source.name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (!sources.has(services.config.FX_PRODUCTION_SOURCE)) {
    failures.push(`${services.config.FX_PRODUCTION_SOURCE}: not configured (set FX_RATE_SOURCE_KEY)`);
  }
  const cutoff = new Date(now.getTime() - services.config.FX_HISTORY_DAYS * 86_400_000);
  const pruned = await services.db
    .delete(fxRateSnapshots)
    .where(lt(fxRateSnapshots.fetchedAt, cutoff))
    .returning({ id: fxRateSnapshots.id });
  if (failures.length > 0) throw new Error(`rate refresh failed for ${failures.join("; ")}`);
  return { refreshed, pruned: pruned.length };
}

function isStoredSnapshot(
  value: unknown,
): value is Omit<StoredSnapshot, "observedAt"> & { observedAt: string } {
  return (
    typeof value === "object" &&
    value !== null &&
    "id" in value &&
    "rates" in value &&
    "observedAt" in value &&
    typeof value.observedAt === "string"
  );
}

/** The newest snapshot of a source: Redis first, Postgres when the cache is cold. */
export async function latestSnapshot(
  services: Services,
  source: string,
): Promise<StoredSnapshot | undefined> {
  const cached: unknown = await services.redis.get(latestKey(services.config, source));
  if (isStoredSnapshot(cached)) return { ...cached, observedAt: new Date(cached.observedAt) };
  const [row] = await services.db
    .select()
    .from(fxRateSnapshots)
    .where(eq(fxRateSnapshots.source, source))
    .orderBy(desc(fxRateSnapshots.observedAt))
    .limit(1);
  return row
    ? { id: row.id, source: row.source, base: row.base, observedAt: row.observedAt, rates: row.rates }
    : undefined;
}

export function isStale(services: Services, snapshot: StoredSnapshot): boolean {
  return (
    services.clock.now().getTime() - snapshot.observedAt.getTime() >
    services.config.FX_STALE_AFTER_SECONDS * 1000
  );
}

export function toRateTable(snapshot: StoredSnapshot): RateTable {
  return {
    base: snapshot.base,
    rates: Object.fromEntries(
      Object.entries(snapshot.rates).map(([code, rate]) => [code, parseDecimal(rate)]),
    ),
  };
}
