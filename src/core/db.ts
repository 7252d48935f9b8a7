import { neonConfig, Pool } from "@neondatabase/serverless";
import type { NeonDatabase } from "drizzle-orm/neon-serverless";
import { drizzle } from "drizzle-orm/neon-serverless";
import type { Config } from "./config";

export type Database = NeonDatabase<Record<string, never>>;
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];
/** A query runner: the pool-backed database or an open transaction. */
export type Executor = Database | Transaction;

/**
 * Points the Neon driver at the local WebSocket-to-TCP proxy when configured. The same driver
 * then reaches a plain PostgreSQL: no TLS inside the WebSocket, no pipelined startup.
 */
function configureNeon(wsProxy: string | undefined): void {
  if (!wsProxy) return;
  neonConfig.wsProxy = (host, port) => `${wsProxy}?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineConnect = false;
  neonConfig.pipelineTLS = false;
}

/** A pool per request: Workers can't keep sockets across requests. Creating it does no I/O. */
export function createDatabase(config: Pick<Config, "DATABASE_URL" | "NEON_WS_PROXY">): {
  db: Database;
  pool: Pool;
} {
  configureNeon(config.NEON_WS_PROXY);
  const pool = new Pool({ connectionString: config.DATABASE_URL, max: 5 });
  return { db: drizzle({ client: pool }), pool };
}
