// Local stand-in for Neon's SQL-over-HTTP endpoint: the one `neon()` from @neondatabase/serverless
// (and drizzle's neon-http driver) posts to. A query, or a whole non-interactive transaction, is one
// HTTP request, run here over a pooled node-postgres connection to the real PostgreSQL.
// The wire format follows what the driver (1.2.0, index.mjs) sends and parses:
//   request:  POST /sql, headers Neon-Connection-String, Neon-Raw-Text-Output: true,
//             Neon-Array-Mode: true, and for batches Neon-Batch-Isolation-Level / -Read-Only / -Deferrable;
//             body {query, params} or {queries: [{query, params}, ...]}
//   response: 200 {fields, command, rowCount, rows, rowAsArray} (values as PostgreSQL text; the driver
//             runs its own type parsers on them), or {results: [...]} for a batch;
//             400 {message, code, detail, constraint, ...}: the driver copies these onto NeonDbError.
// Dev tooling only (Node); never bundled into the Worker.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import pg from "pg";
import { listen, readBody } from "./http";
import { isLoopbackHost } from "./neon-proxy";
import { normalizeTrace, RoundTrips, TRACE_HEADER } from "./roundtrips";

export interface NeonHttpOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Connections per database (default 40). */
  poolSize?: number;
  /** Where round trips are counted and delayed; a private counter when absent. */
  roundTrips?: RoundTrips;
  log?: (message: string) => void;
}

export interface NeonHttpEndpoint {
  port: number;
  /** Value for `neonConfig.fetchEndpoint`, e.g. "http://127.0.0.1:54321/sql". */
  url: string;
  roundTrips: RoundTrips;
  /** Open connection pools, one per database and user (for tests and diagnostics). */
  poolCount(): number;
  close(): Promise<void>;
}

/** Request-level failure with the HTTP status it is answered with. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The PostgreSQL error fields the driver copies onto NeonDbError (its list, in its order). */
const ERROR_FIELDS = [
  "severity",
  "code",
  "detail",
  "hint",
  "position",
  "internalPosition",
  "internalQuery",
  "where",
  "schema",
  "table",
  "column",
  "dataType",
  "constraint",
  "file",
  "line",
  "routine",
] as const;

const ISOLATION_LEVELS: Readonly<Record<string, string>> = {
  ReadUncommitted: "READ UNCOMMITTED",
  ReadCommitted: "READ COMMITTED",
  RepeatableRead: "REPEATABLE READ",
  Serializable: "SERIALIZABLE",
};

// Neon caps a request at 64 MB as well.
const MAX_BODY_BYTES = 64 * 1024 * 1024;

// Every value stays the text PostgreSQL sent, so the driver's parsers see exactly what Neon sends.
const RAW_TEXT: pg.CustomTypesConfig = { getTypeParser: () => (value: string) => value };

/**
 * pg >= 8.11 honours `queryMode` (not yet in @types/pg). Extended protocol even without parameters,
 * as Neon runs every query: one statement per query, a multi-statement string is an error.
 */
interface WireQuery extends pg.QueryConfig<unknown[]> {
  queryMode: "extended";
  rowMode?: "array";
}

interface NeonQuery {
  query: string;
  params: unknown[];
}

interface NeonField {
  name: string;
  tableID: number;
  columnID: number;
  dataTypeID: number;
  dataTypeSize: number;
  dataTypeModifier: number;
  format: string;
}

interface NeonResult {
  fields: NeonField[];
  command: string;
  rowCount: number | null;
  rows: unknown[];
  rowAsArray: boolean;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function parseQuery(value: unknown, where: string): NeonQuery {
  if (!isRecord(value) || typeof value.query !== "string")
    throw new HttpError(400, `${where}: expected {"query": string, "params": array}`);
  const params = value.params ?? [];
  if (!Array.isArray(params)) throw new HttpError(400, `${where}: "params" must be an array`);
  return { query: value.query, params };
}

/** `{query, params}` is one statement; `{queries: [...]}` is a batch run as one transaction. */
function parseBody(body: Buffer): NeonQuery | NeonQuery[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    throw new HttpError(400, "request body is not valid JSON");
  }
  if (isRecord(parsed) && Array.isArray(parsed.queries))
    return parsed.queries.map((q, i) => parseQuery(q, `queries[${i}]`));
  return parseQuery(parsed, "body");
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function booleanHeader(req: IncomingMessage, name: string): boolean | undefined {
  const value = header(req, name);
  if (value === undefined) return undefined;
  if (value === "true") return true;
  if (value === "false") return false;
  throw new HttpError(400, `${name} must be "true" or "false", got ${JSON.stringify(value)}`);
}

/** BEGIN with the batch options; an absent header leaves PostgreSQL's default in place. */
function beginStatement(req: IncomingMessage): string {
  const parts = ["BEGIN"];
  const isolation = header(req, "neon-batch-isolation-level");
  if (isolation !== undefined) {
    const level = ISOLATION_LEVELS[isolation];
    if (level === undefined)
      throw new HttpError(
        400,
        `Neon-Batch-Isolation-Level must be one of ${Object.keys(ISOLATION_LEVELS).join(", ")}, got ${JSON.stringify(isolation)}`,
      );
    parts.push(`ISOLATION LEVEL ${level}`);
  }
  const readOnly = booleanHeader(req, "neon-batch-read-only");
  if (readOnly !== undefined) parts.push(readOnly ? "READ ONLY" : "READ WRITE");
  const deferrable = booleanHeader(req, "neon-batch-deferrable");
  if (deferrable !== undefined) parts.push(deferrable ? "DEFERRABLE" : "NOT DEFERRABLE");
  return parts.join(" ");
}

/** The pool config for a Neon-Connection-String, refusing anything but a loopback server. */
function poolConfig(connectionString: string): pg.PoolConfig {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    throw new HttpError(400, "Neon-Connection-String is not a valid URL");
  }
  if (url.protocol !== "postgres:" && url.protocol !== "postgresql:")
    throw new HttpError(400, "Neon-Connection-String must be a postgres:// or postgresql:// URL");
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  // Same rule as the WebSocket proxy: a dev endpoint must not become a way to reach other hosts.
  if (!isLoopbackHost(host)) throw new HttpError(403, `only loopback databases are allowed, got ${host}`);
  const database = decodeURIComponent(url.pathname.slice(1));
  if (database === "" || url.username === "")
    throw new HttpError(400, "Neon-Connection-String must name a user and a database");
  // Only the fields that matter locally: sslmode/channel_binding from a Neon URL would make pg try TLS
  // against a local server that has none.
  return {
    host,
    port: url.port === "" ? 5432 : Number(url.port),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    database,
    application_name: url.searchParams.get("application_name") ?? "neon-http-local",
  };
}

function toNeonResult(result: pg.QueryResultBase & { rows: unknown[] }, arrayMode: boolean): NeonResult {
  return {
    fields: result.fields.map((f) => ({
      name: f.name,
      tableID: f.tableID,
      columnID: f.columnID,
      dataTypeID: f.dataTypeID,
      dataTypeSize: f.dataTypeSize,
      dataTypeModifier: f.dataTypeModifier,
      format: f.format,
    })),
    command: result.command,
    rowCount: result.rowCount,
    rows: result.rows,
    rowAsArray: arrayMode,
  };
}

function errorBody(err: pg.DatabaseError): Record<string, string> {
  const body: Record<string, string> = { message: err.message };
  for (const field of ERROR_FIELDS) {
    const value = err[field];
    if (value !== undefined) body[field] = value;
  }
  return body;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

export async function startNeonHttp(opts: NeonHttpOptions = {}): Promise<NeonHttpEndpoint> {
  const log = opts.log ?? (() => {});
  const roundTrips = opts.roundTrips ?? new RoundTrips();
  const pools = new Map<string, pg.Pool>();

  function poolFor(connectionString: string): pg.Pool {
    const config = poolConfig(connectionString);
    const key = JSON.stringify(config);
    let pool = pools.get(key);
    if (!pool) {
      // Neon's endpoint takes every request at once; a small pool here would make batches queue behind
      // others that wait on row locks, which a busy parallel suite can turn into a wait with no end. A
      // batch that still finds no connection within the timeout fails loudly instead of hanging.
      pool = new pg.Pool({
        ...config,
        max: opts.poolSize ?? 40,
        idleTimeoutMillis: 30_000,
        connectionTimeoutMillis: 30_000,
      });
      // An idle connection that dies (server restart, terminated backend) must not crash the stack.
      pool.on("error", (err) => log(`[neon-http] idle connection to ${config.database}: ${err.message}`));
      pools.set(key, pool);
    }
    return pool;
  }

  async function run(db: pg.Pool | pg.PoolClient, q: NeonQuery, arrayMode: boolean): Promise<NeonResult> {
    const wire: WireQuery = {
      text: q.query,
      values: q.params,
      types: RAW_TEXT,
      queryMode: "extended",
      ...(arrayMode ? { rowMode: "array" } : {}),
    };
    const result: pg.QueryResultBase & { rows: unknown[] } = await db.query(wire);
    return toNeonResult(result, arrayMode);
  }

  /** BEGIN, every query, COMMIT on one connection; any failure rolls the whole batch back. */
  async function runBatch(pool: pg.Pool, begin: string, queries: NeonQuery[], arrayMode: boolean) {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query(begin);
      const results: NeonResult[] = [];
      try {
        for (const q of queries) results.push(await run(client, q, arrayMode));
        await client.query("COMMIT");
      } catch (err) {
        await client.query("ROLLBACK").catch((rollbackError: unknown) => {
          // A connection that cannot even roll back is not given to the next request.
          broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
        });
        throw err;
      }
      return { results };
    } finally {
      client.release(broken);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://neon-http.local");
    if (req.method !== "POST" || url.pathname !== "/sql") {
      sendJson(res, 404, { message: "MagnetPay local Neon SQL-over-HTTP endpoint: POST /sql" });
      return;
    }
    // One HTTP request is one round trip, whatever it carries; counted before anything can fail.
    await roundTrips.roundTrip("db_http", normalizeTrace(req.headers[TRACE_HEADER]));

    const body = await readBody(req, MAX_BODY_BYTES, () => new HttpError(413, "request body too large"));
    const connectionString = header(req, "neon-connection-string");
    if (connectionString === undefined) throw new HttpError(400, "missing Neon-Connection-String header");
    // The driver always asks for raw text; JSON-typed output is a different format we do not fake.
    if (header(req, "neon-raw-text-output") !== "true")
      throw new HttpError(400, "only Neon-Raw-Text-Output: true is supported");
    const arrayMode = booleanHeader(req, "neon-array-mode") ?? false;
    const pool = poolFor(connectionString);
    const request = parseBody(body);

    if (Array.isArray(request)) {
      const begin = beginStatement(req);
      sendJson(
        res,
        200,
        request.length === 0 ? { results: [] } : await runBatch(pool, begin, request, arrayMode),
      );
    } else {
      sendJson(res, 200, await run(pool, request, arrayMode));
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (res.headersSent) {
        res.destroy();
      } else if (err instanceof pg.DatabaseError) {
        sendJson(res, 400, errorBody(err));
      } else if (err instanceof HttpError) {
        sendJson(res, err.status, { message: err.message });
      } else {
        // The database is unreachable, a connection died: the driver reports "Server error (HTTP status 502)".
        const message = err instanceof Error ? err.message : String(err);
        log(`[neon-http] ${message}`);
        sendJson(res, 502, { message: `cannot run the query: ${message}` });
      }
    });
  });
  // Workers reuse the HTTP connection between requests, as they do with Neon's HTTPS endpoint.
  server.keepAliveTimeout = 30_000;

  const port = await listen(server, opts.port, opts.host);

  let closing: Promise<void> | undefined;
  return {
    port,
    url: `http://127.0.0.1:${port}/sql`,
    roundTrips,
    poolCount: () => pools.size,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await Promise.allSettled([...pools.values()].map((p) => p.end()));
        pools.clear();
      })();
      return closing;
    },
  };
}
