// Starts the local stand-ins for Neon, Upstash Redis and QStash so the unchanged
// Worker code runs against local services; only configuration differs.
// Dev tooling only (Node); never bundled into the Worker.
import { randomBytes, randomUUID } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type LocalDoh, startLocalDoh } from "./doh";
import { type EnsuredPostgres, ensurePostgres } from "./embedded-postgres";
import { type NeonHttpEndpoint, startNeonHttp } from "./neon-http";
import { type NeonProxy, startNeonProxy } from "./neon-proxy";
import { type LocalQStash, startLocalQStash } from "./qstash-local";
import { type InjectedLatency, latencyFromEnv, RoundTrips, startRoundTripStats } from "./roundtrips";
import { startUpstashBridge, type UpstashBridge } from "./upstash-bridge";
import { type LocalVeriff, startLocalVeriff } from "./veriff";

export type { LocalDoh, LocalDohOptions, LocalDohRecords } from "./doh";
export { startLocalDoh } from "./doh";
export type { EnsuredPostgres, EnsurePostgresOptions } from "./embedded-postgres";
export { ensurePostgres, hydrateEmbeddedPostgresSymlinks, redactUrl } from "./embedded-postgres";
export type { NeonHttpEndpoint, NeonHttpOptions } from "./neon-http";
export { startNeonHttp } from "./neon-http";
export type { NeonProxy, NeonProxyOptions } from "./neon-proxy";
export { isLoopbackHost, parseTargetAddress, startNeonProxy } from "./neon-proxy";
export type {
  LocalQStash,
  LocalQStashMessage,
  LocalQStashMessageStatus,
  LocalQStashOptions,
  LocalQStashSchedule,
} from "./qstash-local";
export {
  defaultRetryDelayMs,
  evalRetryDelay,
  parseDuration,
  qstashBodyHash,
  signQStashJwt,
  startLocalQStash,
} from "./qstash-local";
export type {
  InjectedLatency,
  RoundTripCounts,
  RoundTripKind,
  RoundTripStatsServer,
  RoundTripTotals,
  TraceRoundTrips,
} from "./roundtrips";
export {
  fetchRoundTrips,
  latencyFromEnv,
  NO_TRACE,
  RoundTrips,
  startRoundTripStats,
  TRACE_HEADER,
  TRACE_PARAM,
} from "./roundtrips";
export type { UpstashBridge, UpstashBridgeOptions } from "./upstash-bridge";
export { redisAnswers, startUpstashBridge } from "./upstash-bridge";
export type { LocalVeriff, LocalVeriffOptions, LocalVeriffSession } from "./veriff";
export { decisionPayload, scenarioOf, startLocalVeriff, veriffHmac } from "./veriff";

export interface LocalStackOptions {
  /** Default postgres://postgres@127.0.0.1:5432/postgres; embedded PostgreSQL when it does not answer. */
  databaseUrl?: string;
  /** Default redis://127.0.0.1:6379; in-memory store when it does not answer. */
  redisUrl?: string;
  /** Default <repo>/.local (embedded PostgreSQL data goes to <dataDir>/postgres). */
  dataDir?: string;
  /** Fixed ports; 0 or absent picks a free one (embedded PostgreSQL defaults to 5433). */
  ports?: {
    neonProxy?: number;
    neonHttp?: number;
    redisRest?: number;
    qstash?: number;
    stats?: number;
    embeddedPostgres?: number;
  };
  /** Delay added to each counted round trip (bench); default from BENCH_DB_RTT_MS / BENCH_REDIS_RTT_MS, else 0. */
  latency?: Partial<InjectedLatency>;
  /** true: databaseUrl and redisUrl must be reachable; no embedded/in-memory fallback. */
  external?: boolean;
  /** Options passed to the local QStash (e.g. pollIntervalMs: 0 for fully manual delivery in tests). */
  qstash?: { pollIntervalMs?: number; now?: () => number; deliveryTimeoutMs?: number };
  log?: (message: string) => void;
}

export interface LocalStack {
  /** postgres:// URL reachable from Node; the Worker uses the same URL through neonWsProxy. */
  databaseUrl: string;
  databaseEmbedded: boolean;
  /** For `neonConfig.wsProxy = (host, port) => \`${neonWsProxy}?address=${host}:${port}\``. */
  neonWsProxy: string;
  neonProxy: NeonProxy;
  /** For `neonConfig.fetchEndpoint`: "http://127.0.0.1:PORT/sql". */
  neonHttpEndpoint: string;
  neonHttp: NeonHttpEndpoint;
  /** Round trips per Worker request (trace) at all three adapters, and the injected latency. */
  roundTrips: RoundTrips;
  /** GET /roundtrips?trace=…, GET /roundtrips/totals, POST /roundtrips/reset. */
  statsUrl: string;
  redisRestUrl: string;
  redisRestToken: string;
  redisBackend: "redis" | "memory";
  qstash: LocalQStash;
  qstashUrl: string;
  qstashToken: string;
  qstashCurrentSigningKey: string;
  qstashNextSigningKey: string;
  /** DNS over HTTPS (JSON) for webhook host names: nip.io/sslip.io/localtest.me patterns and set records. */
  doh: LocalDoh;
  /**
   * The Veriff double, with one integration for sandbox merchants and one standing in for
   * production's (local production keys never reach the real Veriff). Point it at the Worker's
   * /webhooks/veriff with setWebhookUrl once the Worker's port is known.
   */
  veriff: LocalVeriff;
  /** The values above under their conventional variable names (DATABASE_URL, NEON_HTTP_ENDPOINT, UPSTASH_REDIS_REST_URL, ...). */
  env: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** Looks like a QStash signing key ("sig_" + alphanumerics). */
function randomSigningKey(): string {
  return `sig_${randomBytes(24).toString("base64").replace(/[+/=]/g, "").slice(0, 28)}`;
}

export async function startLocalStack(opts: LocalStackOptions = {}): Promise<LocalStack> {
  const log = opts.log ?? (() => {});
  const dataDir = opts.dataDir ?? path.join(REPO_ROOT, ".local");
  const started: { close(): Promise<void> }[] = [];
  const closeAll = async () => {
    // Reverse start order; one failing close must not keep the others running.
    const results = await Promise.allSettled(started.reverse().map((s) => s.close()));
    started.length = 0;
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  };

  try {
    const postgres: EnsuredPostgres = await ensurePostgres({
      ...(opts.databaseUrl !== undefined ? { databaseUrl: opts.databaseUrl } : {}),
      dataDir: path.join(dataDir, "postgres"),
      ...(opts.ports?.embeddedPostgres !== undefined ? { port: opts.ports.embeddedPostgres } : {}),
      external: opts.external ?? false,
      log,
    });
    started.push({ close: () => postgres.stop() });

    // One counter shared by every adapter, so a request's round trips add up in one place.
    const roundTrips = new RoundTrips({ ...latencyFromEnv(), ...opts.latency });
    const stats = await startRoundTripStats(roundTrips, { port: opts.ports?.stats ?? 0 });
    started.push(stats);

    const proxy: NeonProxy = await startNeonProxy({ port: opts.ports?.neonProxy ?? 0, roundTrips, log });
    started.push(proxy);

    const neonHttp = await startNeonHttp({ port: opts.ports?.neonHttp ?? 0, roundTrips, log });
    started.push(neonHttp);

    const redisRestToken = randomToken();
    let bridge: UpstashBridge;
    try {
      bridge = await startUpstashBridge({
        port: opts.ports?.redisRest ?? 0,
        token: redisRestToken,
        ...(opts.redisUrl !== undefined ? { redisUrl: opts.redisUrl } : {}),
        requireRedis: opts.external ?? false,
        roundTrips,
        log,
      });
    } catch (err) {
      if (!opts.external) throw err;
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(`Redis is required with --external but is not reachable: ${message}`);
    }
    started.push(bridge);

    const qstashToken = randomToken();
    const qstashCurrentSigningKey = randomSigningKey();
    const qstashNextSigningKey = randomSigningKey();
    const qstash = await startLocalQStash({
      port: opts.ports?.qstash ?? 0,
      token: qstashToken,
      currentSigningKey: qstashCurrentSigningKey,
      nextSigningKey: qstashNextSigningKey,
      ...opts.qstash,
      log,
    });
    started.push(qstash);

    const doh = await startLocalDoh({ log });
    started.push(doh);

    const veriffKeys = {
      sandbox: { apiKey: randomUUID(), sharedSecret: randomToken() },
      production: { apiKey: randomUUID(), sharedSecret: randomToken() },
    };
    const veriff = await startLocalVeriff({ integrations: [veriffKeys.sandbox, veriffKeys.production], log });
    started.push(veriff);

    const env = {
      DATABASE_URL: postgres.databaseUrl,
      NEON_WS_PROXY: proxy.wsProxy,
      NEON_HTTP_ENDPOINT: neonHttp.url,
      LOCAL_STACK_STATS_URL: stats.url,
      UPSTASH_REDIS_REST_URL: bridge.url,
      UPSTASH_REDIS_REST_TOKEN: redisRestToken,
      QSTASH_URL: qstash.url,
      QSTASH_TOKEN: qstashToken,
      QSTASH_CURRENT_SIGNING_KEY: qstashCurrentSigningKey,
      QSTASH_NEXT_SIGNING_KEY: qstashNextSigningKey,
      WEBHOOKS_DOH_URL: doh.url,
      VERIFF_SANDBOX_BASE_URL: veriff.url,
      VERIFF_SANDBOX_API_KEY: veriffKeys.sandbox.apiKey,
      VERIFF_SANDBOX_SHARED_SECRET: veriffKeys.sandbox.sharedSecret,
      VERIFF_BASE_URL: veriff.url,
      VERIFF_API_KEY: veriffKeys.production.apiKey,
      VERIFF_SHARED_SECRET: veriffKeys.production.sharedSecret,
    };
    let closing: Promise<void> | undefined;
    return {
      databaseUrl: postgres.databaseUrl,
      databaseEmbedded: postgres.embedded,
      neonWsProxy: proxy.wsProxy,
      neonProxy: proxy,
      neonHttpEndpoint: neonHttp.url,
      neonHttp,
      roundTrips,
      statsUrl: stats.url,
      redisRestUrl: bridge.url,
      redisRestToken,
      redisBackend: bridge.backend,
      qstash,
      qstashUrl: qstash.url,
      qstashToken,
      qstashCurrentSigningKey,
      qstashNextSigningKey,
      doh,
      veriff,
      env,
      close() {
        closing ??= closeAll();
        return closing;
      },
    };
  } catch (err) {
    await closeAll().catch(() => {});
    throw err;
  }
}
