import { randomBytes } from "node:crypto";
import { Client, neonConfig, Pool } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { WebSocket } from "ws";
import { isLoopbackHost, type NeonProxy, parseTargetAddress, startNeonProxy } from "./neon-proxy";

// 127.0.0.1:5432 when it answers, otherwise the suite's embedded PostgreSQL.
const DATABASE_URL = inject("localStackDatabaseUrl");
const DATABASE_ADDRESS = new URL(DATABASE_URL).host;

let proxy: NeonProxy;

function newPool(connectionString = DATABASE_URL): Pool {
  const pool = new Pool({ connectionString, max: 10 });
  pool.on("error", () => {});
  return pool;
}

beforeAll(async () => {
  proxy = await startNeonProxy({ port: 0 });
  // Exactly the configuration the Worker uses in local dev.
  neonConfig.webSocketConstructor = WebSocket;
  neonConfig.wsProxy = (host, port) => `${proxy.wsProxy}?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineConnect = false;
  neonConfig.pipelineTLS = false;
});

afterAll(async () => {
  await proxy.close();
});

describe("address parsing", () => {
  it("parses host:port forms", () => {
    expect(parseTargetAddress("127.0.0.1:5432")).toEqual({ host: "127.0.0.1", port: 5432 });
    expect(parseTargetAddress("localhost:5433")).toEqual({ host: "localhost", port: 5433 });
    expect(parseTargetAddress("[::1]:5432")).toEqual({ host: "::1", port: 5432 });
    expect(parseTargetAddress("::1:5432")).toEqual({ host: "::1", port: 5432 });
    expect(parseTargetAddress("127.0.0.1")).toBeUndefined();
    expect(parseTargetAddress("127.0.0.1:0")).toBeUndefined();
    expect(parseTargetAddress("127.0.0.1:70000")).toBeUndefined();
  });

  it("only allows loopback targets", () => {
    for (const h of [
      "127.0.0.1",
      "127.1.2.3",
      "localhost",
      "LOCALHOST",
      "db.localhost",
      "::1",
      "::ffff:127.0.0.1",
    ]) {
      expect(isLoopbackHost(h), h).toBe(true);
    }
    for (const h of [
      "10.0.0.1",
      "192.168.1.1",
      "0.0.0.0",
      "example.com",
      "::",
      "::ffff:10.0.0.1",
      "128.0.0.1",
    ]) {
      expect(isLoopbackHost(h), h).toBe(false);
    }
  });
});

describe("Neon serverless Pool through the proxy", () => {
  it("runs a query", async () => {
    const pool = newPool();
    try {
      const { rows } = await pool.query<{ n: number; db: string }>(
        "SELECT $1::int + 1 AS n, current_database() AS db",
        [41],
      );
      expect(rows).toEqual([{ n: 42, db: "test" }]);
    } finally {
      await pool.end();
    }
  });

  it("runs interactive transactions: COMMIT keeps, ROLLBACK discards", async () => {
    const table = `lsx_proxy_${randomBytes(4).toString("hex")}`;
    const pool = newPool();
    try {
      await pool.query(`CREATE TABLE ${table} (id int PRIMARY KEY, note text NOT NULL)`);

      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        await client.query(`INSERT INTO ${table} VALUES (1, 'committed')`);
        // Read-your-writes inside the transaction, on the same connection.
        const inside = await client.query(`SELECT count(*)::int AS c FROM ${table}`);
        expect(inside.rows[0]).toEqual({ c: 1 });
        await client.query("COMMIT");

        await client.query("BEGIN");
        await client.query(`INSERT INTO ${table} VALUES (2, 'rolled back')`);
        await client.query("ROLLBACK");

        // An error inside a transaction aborts it; ROLLBACK recovers the connection.
        await client.query("BEGIN");
        await expect(client.query(`INSERT INTO ${table} VALUES (1, 'duplicate')`)).rejects.toThrow(
          /duplicate key/,
        );
        await expect(client.query("SELECT 1")).rejects.toThrow(/current transaction is aborted/);
        await client.query("ROLLBACK");
      } finally {
        client.release();
      }

      const { rows } = await pool.query(`SELECT id, note FROM ${table} ORDER BY id`);
      expect(rows).toEqual([{ id: 1, note: "committed" }]);
    } finally {
      await pool.query(`DROP TABLE IF EXISTS ${table}`).catch(() => {});
      await pool.end();
    }
  });

  it("handles many concurrent connections", async () => {
    const pools = Array.from({ length: 5 }, () => newPool());
    try {
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          (pools[i % pools.length] as Pool).query<{ v: number }>("SELECT $1::int AS v, pg_sleep(0.01)", [i]),
        ),
      );
      expect(results.map((r) => r.rows[0]?.v)).toEqual(Array.from({ length: 40 }, (_, i) => i));
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
    // Every proxied connection is torn down once the pools are closed.
    await expect.poll(() => proxy.activeConnections(), { timeout: 5000 }).toBe(0);
  });

  it("streams large results (backpressure) intact", async () => {
    const pool = newPool();
    try {
      const { rows } = await pool.query<{ n: number; s: string }>(
        "SELECT count(*)::int AS n, md5(string_agg(repeat(md5(g::text), 20), '' ORDER BY g)) AS s FROM generate_series(1, 20000) g",
      );
      const big = await pool.query<{ g: number; payload: string }>(
        "SELECT g, repeat(md5(g::text), 20) AS payload FROM generate_series(1, 20000) g ORDER BY g",
      );
      expect(rows[0]?.n).toBe(20000);
      expect(big.rows).toHaveLength(20000);
      expect(big.rows[19999]?.payload).toHaveLength(640);
    } finally {
      await pool.end();
    }
  });

  it("reports an unreachable database as an error instead of hanging", async () => {
    const pool = newPool("postgres://postgres@127.0.0.1:1/test");
    try {
      await expect(pool.query("SELECT 1")).rejects.toThrow();
    } finally {
      await pool.end().catch(() => {});
    }
  });
});

describe("upgrade checks", () => {
  function upgradeStatus(query: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://${proxy.wsProxy}${query}`);
      ws.on("unexpected-response", (_req, res) => {
        resolve(res.statusCode ?? 0);
        ws.terminate();
      });
      ws.on("open", () => {
        resolve(101);
        ws.close();
      });
      ws.on("error", (err) => {
        if (!/Unexpected server response/.test(err.message)) reject(err);
      });
    });
  }

  it("rejects non-loopback targets, bad addresses, and unreachable ports", async () => {
    expect(await upgradeStatus("?address=10.1.2.3:5432")).toBe(403);
    expect(await upgradeStatus("?address=example.com:5432")).toBe(403);
    expect(await upgradeStatus("?address=nonsense")).toBe(400);
    expect(await upgradeStatus("")).toBe(400);
    expect(await upgradeStatus("?address=127.0.0.1:1")).toBe(502);
    expect(await upgradeStatus(`?address=${DATABASE_ADDRESS}`)).toBe(101);
  });

  it("survives clients that vanish mid-connection", async () => {
    const ws = new WebSocket(`ws://${proxy.wsProxy}?address=${DATABASE_ADDRESS}`);
    await new Promise<void>((resolve, reject) => {
      ws.on("open", () => resolve());
      ws.on("error", reject);
    });
    // Half a startup packet, then a hard drop: the proxy must clean up, not crash.
    ws.send(Buffer.from([0, 0, 0, 40, 0, 3]));
    ws.terminate();
    await expect.poll(() => proxy.activeConnections(), { timeout: 5000 }).toBe(0);

    const pool = newPool();
    try {
      const { rows } = await pool.query("SELECT 1 AS ok");
      expect(rows).toEqual([{ ok: 1 }]);
    } finally {
      await pool.end();
    }
  });
});

describe("round trips", () => {
  /** A Client whose proxy URL carries a trace: per connection, as the Worker sets it per request. */
  function tracedClient(trace: string): Client {
    const client = new Client(DATABASE_URL);
    client.neonConfig.wsProxy = (host, port) => `${proxy.wsProxy}?address=${host}:${port}&trace=${trace}`;
    return client;
  }

  it("counts the upgrade, the startup and one per query under the connection's trace", async () => {
    const trace = `req_ws_${randomBytes(4).toString("hex")}`;
    const client = tracedClient(trace);
    await client.connect();
    // Upgrade + StartupMessage; password authentication would add its own exchanges.
    const connected = proxy.roundTrips.forTrace(trace).db_ws;
    expect(connected).toBeGreaterThanOrEqual(2);
    await client.query("BEGIN");
    await client.query("SELECT $1::int AS n", [1]);
    await client.query("COMMIT");
    // Queries queued together still wait for each other: pg sends the next after ReadyForQuery.
    await Promise.all([client.query("SELECT 1"), client.query("SELECT 2")]);
    expect(proxy.roundTrips.forTrace(trace)).toMatchObject({ db_ws: connected + 5, db_http: 0 });
    await client.end();
    await expect.poll(() => proxy.activeConnections(), { timeout: 5000 }).toBe(0);
    // Terminate expects no reply: not a round trip.
    expect(proxy.roundTrips.forTrace(trace).db_ws).toBe(connected + 5);
  });

  it("counts connections without a trace under none", async () => {
    const before = proxy.roundTrips.forTrace("none").db_ws;
    const pool = newPool();
    try {
      await pool.query("SELECT 1");
    } finally {
      await pool.end();
    }
    expect(proxy.roundTrips.forTrace("none").db_ws).toBeGreaterThanOrEqual(before + 3);
  });

  it("delays every round trip by the injected latency", async () => {
    proxy.roundTrips.setLatency({ dbRttMs: 100 });
    try {
      const client = tracedClient("req_ws_delay");
      const started = performance.now();
      await client.connect();
      await client.query("SELECT 1");
      // Upgrade, startup, query: three delays at least (a sleep can never be shorter).
      expect(performance.now() - started).toBeGreaterThanOrEqual(3 * 100);
      await client.end();
    } finally {
      proxy.roundTrips.setLatency({ dbRttMs: 0 });
    }
  });
});
