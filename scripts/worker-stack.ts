import { createServer } from "node:net";
import pg from "pg";
import { unstable_startWorker } from "wrangler";
import { type LocalStack, redactUrl, startLocalStack } from "./local-stack";
import { applyMigrations } from "./migrate";
import { walletDevEnv } from "./wallet-dev-keys";

export interface WorkerStack {
  baseUrl: string;
  workerEnv: Record<string, string>;
  local: LocalStack;
  databaseDescription: string;
  redisDescription: string;
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export interface WorkerStackOptions {
  databaseUrl?: string;
  redisUrl?: string;
  external?: boolean;
  port?: number;
  extraVars?: Record<string, string>;
  /** Tests: run against a new database on the same server, dropped on close, so every run starts clean. */
  freshDatabase?: boolean;
  logLevel?: "none" | "error" | "warn" | "info" | "log" | "debug";
  /** The DevTools inspector on this port (scripts/profile-worker.ts); off when absent. */
  inspectorPort?: number;
}

async function adminQuery(databaseUrl: string, text: string): Promise<void> {
  const url = new URL(databaseUrl);
  url.pathname = "/postgres";
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function createFreshDatabase(serverUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const url = new URL(serverUrl);
  const name = `${url.pathname.slice(1) || "test"}_run_${Date.now().toString(36)}_${process.pid}`;
  await adminQuery(serverUrl, `create database "${name}"`);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => adminQuery(serverUrl, `drop database if exists "${name}" with (force)`),
  };
}

/** The local stack, the migrations, and the Worker in workerd with the stack's URLs as its env. */
export async function startWorkerStack(options: WorkerStackOptions = {}): Promise<WorkerStack> {
  const local = await startLocalStack({
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : {}),
    ...(options.redisUrl ? { redisUrl: options.redisUrl } : {}),
    external: options.external ?? false,
  });
  const fresh = options.freshDatabase ? await createFreshDatabase(local.databaseUrl) : undefined;
  const databaseUrl = fresh?.url ?? local.databaseUrl;
  await applyMigrations(databaseUrl);
  const port = options.port ?? (await freePort());
  const baseUrl = `http://127.0.0.1:${port}`;
  const workerEnv: Record<string, string> = {
    APP_ENV: "development",
    PUBLIC_URL: baseUrl,
    DATABASE_URL: databaseUrl,
    NEON_WS_PROXY: local.neonWsProxy,
    NEON_HTTP_ENDPOINT: local.neonHttpEndpoint,
    // Not read by the Worker: tests in other vitest workers read round-trip counts from it.
    LOCAL_STACK_STATS_URL: local.statsUrl,
    // The Worker tags its database and Redis calls with the request id, so the adapters count per request.
    TRACE_ROUND_TRIPS: "true",
    UPSTASH_REDIS_REST_URL: local.redisRestUrl,
    UPSTASH_REDIS_REST_TOKEN: local.redisRestToken,
    QSTASH_URL: local.qstashUrl,
    QSTASH_TOKEN: local.qstashToken,
    QSTASH_CURRENT_SIGNING_KEY: local.qstashCurrentSigningKey,
    QSTASH_NEXT_SIGNING_KEY: local.qstashNextSigningKey,
    WEBHOOKS_DOH_URL: local.doh.url,
    // Both environments' identity checks go to the local Veriff double; production's registry
    // checks to the sandbox registry (production's default, manual review, would leave nothing to try).
    VERIFF_SANDBOX_BASE_URL: local.env.VERIFF_SANDBOX_BASE_URL ?? "",
    VERIFF_SANDBOX_API_KEY: local.env.VERIFF_SANDBOX_API_KEY ?? "",
    VERIFF_SANDBOX_SHARED_SECRET: local.env.VERIFF_SANDBOX_SHARED_SECRET ?? "",
    VERIFF_BASE_URL: local.env.VERIFF_BASE_URL ?? "",
    VERIFF_API_KEY: local.env.VERIFF_API_KEY ?? "",
    VERIFF_SHARED_SECRET: local.env.VERIFF_SHARED_SECRET ?? "",
    KYB_PRODUCTION_PROVIDER: "sandbox",
    DOCUMENT_URL_KEY: "dev-only-document-url-signing-key-0123456789",
    OPERATOR_TOKEN: "dev-only-operator-token-0123456789abcdef",
    // Development-only keys; production sets its own as Worker secrets (README "Deploy").
    CARD_FINGERPRINT_KEY: "dev-only-card-fingerprint-key-0123456789abcdef",
    PROVIDER_CREDENTIALS_KEY: "ZGV2LW9ubHktcHJvdmlkZXItY3JlZGVudGlhbHMtayE=",
    PROVIDERS_ALLOW_LOCALHOST: "true",
    WEBHOOK_SECRETS_KEY: "ZGV2LW9ubHktd2ViaG9vay1zaWduaW5nLXNlY3JldHM=",
    BANK_ACCOUNT_NUMBERS_KEY: "ZGV2LW9ubHktYmFuay1hY2NvdW50LW51bWJlcnMtayE=",
    BANK_ACCOUNT_FINGERPRINT_KEY: "dev-only-bank-account-fingerprint-key-0123456789",
    ISSUING_CARD_DATA_KEY: "ZGV2LW9ubHktaXNzdWluZy1jYXJkLWRhdGEta2V5ISE=",
    // Local production keys quote from the sandbox rate source: no Open Exchange Rates key here.
    FX_PRODUCTION_SOURCE: "sandbox",
    // Sandbox webhook endpoints may point at loopback receivers (tests, a developer machine).
    WEBHOOKS_ALLOW_LOCALHOST: "true",
    // Development-only wallet keys: tests build tokens with their other halves.
    ...walletDevEnv(),
    ...options.extraVars,
  };
  local.veriff.setWebhookUrl(`${baseUrl}/webhooks/veriff`);
  const worker = await unstable_startWorker({
    config: "wrangler.toml",
    bindings: Object.fromEntries(
      Object.entries(workerEnv).map(([name, value]) => [name, { type: "plain_text", value }]),
    ),
    dev: {
      server: { hostname: "127.0.0.1", port },
      inspector: options.inspectorPort === undefined ? false : { port: options.inspectorPort },
      persist: false,
      watch: false,
      liveReload: false,
      logLevel: options.logLevel ?? "warn",
      testScheduled: true,
    },
  });
  await worker.ready;
  return {
    baseUrl,
    workerEnv,
    local,
    databaseDescription: `${local.databaseEmbedded ? "embedded PostgreSQL" : "PostgreSQL"} ${redactUrl(databaseUrl)}`,
    redisDescription:
      local.redisBackend === "redis"
        ? `Redis via the Upstash REST bridge ${local.redisRestUrl}`
        : "in-memory (no Redis reachable)",
    async close() {
      await worker.dispose();
      await fresh?.drop();
      await local.close();
    },
  };
}
