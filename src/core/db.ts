import { type NeonQueryFunction, neon, neonConfig, Pool, type PoolClient } from "@neondatabase/serverless";
import type { SQL } from "drizzle-orm";
import { drizzle as drizzleHttp, type NeonHttpDatabase } from "drizzle-orm/neon-http";
import { drizzle as drizzleWs, type NeonDatabase } from "drizzle-orm/neon-serverless";
import type { PgDatabase, PgQueryResultHKT, PgTransactionConfig } from "drizzle-orm/pg-core";
import type { Config } from "./config";

/** Queries over Neon's SQL-over-HTTP: one HTTP request per query or per `batch`, no connection start-up. */
export type Database = NeonHttpDatabase<Record<string, never>>;
type InteractiveDatabase = NeonDatabase<Record<string, never>>;
/** An interactive transaction on the WebSocket Pool. */
export type Transaction = Parameters<Parameters<InteractiveDatabase["transaction"]>[0]>[0];
/** A query runner: the HTTP database or an open interactive transaction (both drizzle PgDatabases). */
export type Executor = PgDatabase<PgQueryResultHKT, Record<string, never>>;

export interface DatabaseHandles {
  db: Database;
  /**
   * An interactive transaction over the WebSocket Pool, opened on first use. Each caller is a place
   * where a step could not be one HTTP batch; docs/data-path.md lists them with their round trips.
   */
  transaction<T>(work: (tx: Transaction) => Promise<T>, config?: PgTransactionConfig): Promise<T>;
  /** A dedicated pooled connection (server-side cursors for streamed exports); release it when done. */
  connect(): Promise<PoolClient>;
  /** Closes the Pool if this request opened one. */
  close(): Promise<void>;
}

type DatabaseConfig = Pick<
  Config,
  "DATABASE_URL" | "NEON_WS_PROXY" | "NEON_HTTP_ENDPOINT" | "TRACE_ROUND_TRIPS"
>;

/**
 * Points the Neon driver at the local stand-ins when configured: the SQL-over-HTTP endpoint and
 * the WebSocket-to-TCP proxy in scripts/local-stack. The same driver then reaches a plain PostgreSQL.
 */
function configureNeon(config: DatabaseConfig): void {
  if (config.NEON_HTTP_ENDPOINT) {
    neonConfig.fetchEndpoint = config.NEON_HTTP_ENDPOINT;
    if (config.TRACE_ROUND_TRIPS) neonConfig.fetchFunction = tracingFetch;
  }
  if (config.NEON_WS_PROXY) {
    const wsProxy = config.NEON_WS_PROXY;
    neonConfig.wsProxy = (host, port) => `${wsProxy}?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineConnect = false;
    neonConfig.pipelineTLS = false;
  }
}

/** The request a query belongs to, for the local adapters' round-trip counters (X-MagnetPay-Trace). */
interface TracedInit extends RequestInit {
  magnetpayTrace?: string;
}

/**
 * The driver spreads `fetchOptions` over its own request options (a `headers` there would replace
 * its headers), so the trace travels as an extra option and becomes a header here.
 */
function tracingFetch(url: string, init: TracedInit): Promise<Response> {
  const { magnetpayTrace, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (magnetpayTrace !== undefined) headers.set("X-MagnetPay-Trace", magnetpayTrace);
  return fetch(url, { ...rest, headers });
}

/**
 * Tags WebSocket connections with the request id (`options=-c magnetpay.trace=…`, a setting the
 * local proxy reads from the startup message), so round trips are counted per request; only where
 * configured.
 */
function tracedConnectionString(config: DatabaseConfig, requestId: string | undefined): string {
  if (!config.TRACE_ROUND_TRIPS || !requestId) return config.DATABASE_URL;
  const url = new URL(config.DATABASE_URL);
  url.searchParams.set("options", `-c magnetpay.trace=${requestId}`);
  return url.toString();
}

/** Handles per request: Workers can't keep sockets across requests. Creating them does no I/O. */
export function createDatabase(
  config: DatabaseConfig,
  options: { requestId?: string | undefined; poolMax?: number | undefined } = {},
): DatabaseHandles {
  configureNeon(config);
  const connectionString = tracedConnectionString(config, options.requestId);
  const traced = config.TRACE_ROUND_TRIPS && options.requestId !== undefined;
  const client: NeonQueryFunction<false, false> = neon(
    config.DATABASE_URL,
    traced ? { fetchOptions: { magnetpayTrace: options.requestId } } : {},
  );
  let pool: Pool | undefined;
  let interactive: InteractiveDatabase | undefined;
  const openPool = (): Pool => {
    pool ??= new Pool({ connectionString, max: options.poolMax ?? 5 });
    return pool;
  };
  return {
    db: drizzleHttp({ client }),
    transaction(work, transactionConfig) {
      interactive ??= drizzleWs({ client: openPool() });
      return interactive.transaction(work, transactionConfig);
    },
    connect: () => openPool().connect(),
    async close() {
      await pool?.end();
    },
  };
}

export interface StatementResult<T> {
  rows: T[];
  rowCount: number | null;
}

/** Raw SQL on either runner; both drivers answer with `rows` and `rowCount`. */
export async function execute<T extends Record<string, unknown> = Record<string, unknown>>(
  query: SQL,
  db: Executor,
): Promise<StatementResult<T>> {
  return (await db.execute(query)) as StatementResult<T>;
}

/** The SQLSTATE of a database error, through drizzle's wrapper (its `cause`) when there is one. */
export function databaseErrorCode(error: unknown): string | undefined {
  for (let current = error; typeof current === "object" && current !== null; ) {
    if ("code" in current && typeof current.code === "string" && /^[0-9A-Z]{5}$/.test(current.code)) {
      return current.code;
    }
    current = "cause" in current ? current.cause : undefined;
  }
  return undefined;
}

/** SQLSTATE raised by idempotency_claim (migrations/0011) when the key is already held. */
export const IDEMPOTENCY_HELD = "MP010";

export function isIdempotencyHeld(error: unknown): boolean {
  return databaseErrorCode(error) === IDEMPOTENCY_HELD;
}
