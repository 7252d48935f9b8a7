// Starts the local stand-ins for Neon, Upstash Redis and QStash so the unchanged
// Worker code runs against local services; only configuration differs.
// Dev tooling only (Node); never bundled into the Worker.
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { type EnsuredPostgres, ensurePostgres } from "./embedded-postgres";
import { type NeonProxy, startNeonProxy } from "./neon-proxy";
import { type LocalQStash, startLocalQStash } from "./qstash-local";
import { startUpstashBridge, type UpstashBridge } from "./upstash-bridge";

export type { EnsuredPostgres, EnsurePostgresOptions } from "./embedded-postgres";
export { ensurePostgres, hydrateEmbeddedPostgresSymlinks, redactUrl } from "./embedded-postgres";
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
export type { UpstashBridge, UpstashBridgeOptions } from "./upstash-bridge";
export { redisAnswers, startUpstashBridge } from "./upstash-bridge";

export interface LocalStackOptions {
  /** Default postgres://postgres@127.0.0.1:5432/postgres; embedded PostgreSQL when it does not answer. */
  databaseUrl?: string;
  /** Default redis://127.0.0.1:6379; in-memory store when it does not answer. */
  redisUrl?: string;
  /** Default <repo>/.local (embedded PostgreSQL data goes to <dataDir>/postgres). */
  dataDir?: string;
  /** Fixed ports; 0 or absent picks a free one (embedded PostgreSQL defaults to 5433). */
  ports?: { neonProxy?: number; redisRest?: number; qstash?: number; embeddedPostgres?: number };
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
  redisRestUrl: string;
  redisRestToken: string;
  redisBackend: "redis" | "memory";
  qstash: LocalQStash;
  qstashUrl: string;
  qstashToken: string;
  qstashCurrentSigningKey: string;
  qstashNextSigningKey: string;
  /** The values above under their conventional variable names (DATABASE_URL, UPSTASH_REDIS_REST_URL, QSTASH_URL, ...). */
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

    const proxy: NeonProxy = await startNeonProxy({ port: opts.ports?.neonProxy ?? 0, log });
    started.push(proxy);

    const redisRestToken = randomToken();
    let bridge: UpstashBridge;
    try {
      bridge = await startUpstashBridge({
        port: opts.ports?.redisRest ?? 0,
        token: redisRestToken,
        ...(opts.redisUrl !== undefined ? { redisUrl: opts.redisUrl } : {}),
        requireRedis: opts.external ?? false,
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

    const env = {
      DATABASE_URL: postgres.databaseUrl,
      NEON_WS_PROXY: proxy.wsProxy,
      UPSTASH_REDIS_REST_URL: bridge.url,
      UPSTASH_REDIS_REST_TOKEN: redisRestToken,
      QSTASH_URL: qstash.url,
      QSTASH_TOKEN: qstashToken,
      QSTASH_CURRENT_SIGNING_KEY: qstashCurrentSigningKey,
      QSTASH_NEXT_SIGNING_KEY: qstashNextSigningKey,
    };
    let closing: Promise<void> | undefined;
    return {
      databaseUrl: postgres.databaseUrl,
      databaseEmbedded: postgres.embedded,
      neonWsProxy: proxy.wsProxy,
      neonProxy: proxy,
      redisRestUrl: bridge.url,
      redisRestToken,
      redisBackend: bridge.backend,
      qstash,
      qstashUrl: qstash.url,
      qstashToken,
      qstashCurrentSigningKey,
      qstashNextSigningKey,
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
