import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Client as NeonClient, neon, neonConfig, Pool } from "@neondatabase/serverless";
import { Client, Receiver } from "@upstash/qstash";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { WebSocket } from "ws";
import { fetchRoundTrips, type LocalStack, redisAnswers, startLocalStack } from "./index";

// 127.0.0.1:5432 when it answers, otherwise the suite's embedded PostgreSQL.
const DATABASE_URL = inject("localStackDatabaseUrl");
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
// The stack falls back to its in-memory store without a Redis server; the test says which it expects.
const EXPECTED_REDIS_BACKEND = (await redisAnswers(REDIS_URL)) ? "redis" : "memory";

describe("startLocalStack", () => {
  let stack: LocalStack;

  beforeAll(async () => {
    stack = await startLocalStack({
      databaseUrl: DATABASE_URL,
      redisUrl: REDIS_URL,
      qstash: { pollIntervalMs: 0 },
    });
  });

  afterAll(async () => {
    await stack.close();
  });

  it(`wires the three clients to local services with fresh credentials (Redis backend: ${EXPECTED_REDIS_BACKEND})`, async () => {
    expect(stack.databaseUrl).toBe(DATABASE_URL);
    expect(stack.databaseEmbedded).toBe(false);
    expect(stack.redisBackend).toBe(EXPECTED_REDIS_BACKEND);
    expect(stack.qstashCurrentSigningKey).toMatch(/^sig_\w{20,}$/);
    expect(stack.qstashNextSigningKey).toMatch(/^sig_\w{20,}$/);
    expect(stack.qstashCurrentSigningKey).not.toBe(stack.qstashNextSigningKey);
    expect(stack.env).toMatchObject({
      DATABASE_URL,
      NEON_WS_PROXY: stack.neonWsProxy,
      NEON_HTTP_ENDPOINT: stack.neonHttpEndpoint,
      LOCAL_STACK_STATS_URL: stack.statsUrl,
      UPSTASH_REDIS_REST_URL: stack.redisRestUrl,
      UPSTASH_REDIS_REST_TOKEN: stack.redisRestToken,
      QSTASH_URL: stack.qstashUrl,
      QSTASH_TOKEN: stack.qstashToken,
    });

    // Neon driver, configured as the Worker configures it locally.
    neonConfig.webSocketConstructor = WebSocket;
    neonConfig.wsProxy = (host, port) => `${stack.neonWsProxy}?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineConnect = false;
    neonConfig.pipelineTLS = false;
    const pool = new Pool({ connectionString: stack.databaseUrl });
    expect((await pool.query("SELECT 1 + 1 AS two")).rows).toEqual([{ two: 2 }]);
    await pool.end();

    const redis = new Redis({ url: stack.redisRestUrl, token: stack.redisRestToken });
    const key = `lsx:index:${Date.now()}`;
    expect(await redis.set(key, "v", { ex: 30 })).toBe("OK");
    expect(await redis.get(key)).toBe("v");
    await redis.del(key);

    // QStash: publish to a local endpoint that verifies with the stack's signing keys.
    const bodies: string[] = [];
    const receiver = new Receiver({
      currentSigningKey: stack.qstashCurrentSigningKey,
      nextSigningKey: stack.qstashNextSigningKey,
    });
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      let body = "";
      req.on("data", (c: Buffer) => {
        body += c.toString("utf8");
      });
      req.on("end", async () => {
        const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${req.url ?? "/"}`;
        const ok = await receiver
          .verify({ signature: String(req.headers["upstash-signature"]), body, url })
          .catch(() => false);
        if (ok) bodies.push(body);
        res.writeHead(ok ? 200 : 401).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const port = (server.address() as AddressInfo).port;
      const qstash = new Client({ baseUrl: stack.qstashUrl, token: stack.qstashToken });
      await qstash.publishJSON({ url: `http://127.0.0.1:${port}/jobs/x`, body: { ok: true }, delay: "1m" });
      await stack.qstash.fastForward(60_000);
      expect(bodies).toEqual(['{"ok":true}']);
    } finally {
      server.close();
    }
  });

  it("counts one request's round trips at all three adapters, readable over HTTP", async () => {
    const trace = `req_${Date.now().toString(36)}`;
    neonConfig.webSocketConstructor = WebSocket;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineConnect = false;
    neonConfig.pipelineTLS = false;
    neonConfig.fetchEndpoint = stack.neonHttpEndpoint;
    // Adds the trace header from a per-query fetchOptions property (README "Client configuration").
    neonConfig.fetchFunction = (input: string, init: RequestInit & { magnetpayTrace?: string }) => {
      const { magnetpayTrace, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (magnetpayTrace !== undefined) headers.set("X-MagnetPay-Trace", magnetpayTrace);
      return fetch(input, { ...rest, headers });
    };

    const sql = neon(stack.databaseUrl, { fetchOptions: { magnetpayTrace: trace } });
    expect(await sql`SELECT ${1}::int AS one`).toEqual([{ one: 1 }]);
    await sql.transaction([sql`SELECT 1`, sql`SELECT 2`]);

    const client = new NeonClient(stack.databaseUrl);
    client.neonConfig.wsProxy = (host, port) => `${stack.neonWsProxy}?address=${host}:${port}&trace=${trace}`;
    await client.connect();
    const afterConnect = (await fetchRoundTrips(stack.statsUrl, trace)).db_ws;
    await client.query("SELECT 1");
    await client.end();

    const redis = new Redis({ url: `${stack.redisRestUrl}/trace/${trace}`, token: stack.redisRestToken });
    await redis.pipeline().get("lsx:none").get("lsx:none").exec();

    expect(await fetchRoundTrips(stack.statsUrl, trace)).toEqual({
      trace,
      db_http: 2,
      db_ws: afterConnect + 1,
      redis: 1,
    });
    expect(afterConnect).toBeGreaterThanOrEqual(2);
  });

  it("refuses unreachable services in external mode", async () => {
    await expect(
      startLocalStack({
        databaseUrl: "postgres://postgres@127.0.0.1:1/x",
        redisUrl: REDIS_URL,
        external: true,
      }),
    ).rejects.toThrow(/PostgreSQL at .* is not reachable/);
    await expect(
      startLocalStack({ databaseUrl: DATABASE_URL, redisUrl: "redis://127.0.0.1:1", external: true }),
    ).rejects.toThrow(/Redis is required with --external but is not reachable/);
  });

  it("falls back to the in-memory store when Redis is unreachable", async () => {
    const fallback = await startLocalStack({ databaseUrl: DATABASE_URL, redisUrl: "redis://127.0.0.1:1" });
    try {
      expect(fallback.redisBackend).toBe("memory");
      const redis = new Redis({ url: fallback.redisRestUrl, token: fallback.redisRestToken });
      expect(await redis.incr("counter")).toBe(1);
    } finally {
      await fallback.close();
    }
  });
});
