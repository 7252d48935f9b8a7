/**
 * `npm run bench`: throughput, latency percentiles and database round trips per request of the
 * local Worker (workerd + real PostgreSQL and Redis), next to the raw-SQL floor: the same writes
 * issued by a bare Postgres client on the same machine. Numbers, not assertions.
 */
import autocannon from "autocannon";
import pg from "pg";
import { newId } from "../src/core/ids";
import { startWorkerStack, type WorkerStack } from "./worker-stack";

const DURATION_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 10);

interface Row {
  scenario: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  roundTrips: number | string;
  errors: number;
}

async function signUp(baseUrl: string): Promise<Record<string, string>> {
  const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${baseUrl}/api/v1${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(body),
    });
    return (await response.json()) as Record<string, string>;
  };
  const session = await post("/auth/signup", {
    business_name: "Bench",
    email: `bench-${Date.now()}@example.com`,
    password: "bench password 123",
  });
  const key = await post(
    "/api-keys",
    { environment: "sandbox", name: "bench" },
    { authorization: `Bearer ${session.token}` },
  );
  return { "x-api-key": key.key_id ?? "", "x-api-secret": key.secret ?? "" };
}

/** Client-to-server WebSocket messages through the Neon proxy: one per database round trip. */
async function roundTripsPerRequest(
  stack: WorkerStack,
  request: () => Promise<unknown>,
  samples = 20,
): Promise<number> {
  await request();
  const before = stack.local.neonProxy.clientMessages();
  for (let i = 0; i < samples; i++) await request();
  return Math.round(((stack.local.neonProxy.clientMessages() - before) / samples) * 10) / 10;
}

async function cannon(
  scenario: string,
  options: { url: string; method?: "GET" | "POST"; headers?: Record<string, string>; body?: string },
  roundTrips: number,
): Promise<Row> {
  const result = await autocannon({
    url: options.url,
    method: options.method ?? "GET",
    headers: options.headers ?? {},
    ...(options.body ? { body: options.body } : {}),
    connections: CONNECTIONS,
    duration: DURATION_SECONDS,
  });
  return {
    scenario,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    roundTrips,
    errors: result.errors + result.non2xx,
  };
}

/** The writes of POST /customers (row, event, audit) in one transaction, from a pool of bare clients. */
async function rawFloor(databaseUrl: string, merchantId: string): Promise<Row> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: CONNECTIONS });
  const latencies: number[] = [];
  const deadline = Date.now() + DURATION_SECONDS * 1000;
  const worker = async () => {
    while (Date.now() < deadline) {
      const started = performance.now();
      const client = await pool.connect();
      try {
        const id = newId("customer");
        await client.query("begin");
        await client.query(
          "insert into customers (id, merchant_id, environment, email, created_at, updated_at) values ($1, $2, 'sandbox', 'raw@example.com', now(), now())",
          [id, merchantId],
        );
        await client.query(
          "insert into events (id, merchant_id, environment, type, object_id, object_type, data, api_version, created_at) values ($1, $2, 'sandbox', 'customer.created', $3, 'customer', '{}', 'raw', now())",
          [newId("event"), merchantId, id],
        );
        await client.query(
          "insert into audit_logs (id, merchant_id, environment, actor_type, actor_id, action, object_id, created_at) values ($1, $2, 'sandbox', 'system', 'bench', 'customer.created', $3, now())",
          [newId("auditLog"), merchantId, id],
        );
        await client.query("commit");
      } finally {
        client.release();
      }
      latencies.push(performance.now() - started);
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  await pool.end();
  latencies.sort((a, b) => a - b);
  const pick = (q: number) => Math.round((latencies[Math.floor(q * (latencies.length - 1))] ?? 0) * 10) / 10;
  return {
    scenario: "raw SQL floor: customer + event + audit (pg, pooled)",
    requestsPerSecond: Math.round(latencies.length / DURATION_SECONDS),
    p50: pick(0.5),
    p99: pick(0.99),
    roundTrips: 5,
    errors: 0,
  };
}

async function main(): Promise<void> {
  const stack = await startWorkerStack({
    databaseUrl: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
    ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
    freshDatabase: true,
    logLevel: "none",
    extraVars: { RATE_LIMIT_SANDBOX_PER_SECOND: "1000000" },
  });
  try {
    const auth = await signUp(stack.baseUrl);
    const customerBody = JSON.stringify({ email: "bench@example.com", metadata: { source: "bench" } });
    const jsonHeaders = { ...auth, "content-type": "application/json" };
    const health = () => fetch(`${stack.baseUrl}/api/v1/health`).then((r) => r.text());
    const createCustomer = () =>
      fetch(`${stack.baseUrl}/api/v1/customers`, {
        method: "POST",
        headers: jsonHeaders,
        body: customerBody,
      }).then((r) => r.text());
    const merchant = await fetch(`${stack.baseUrl}/api/v1/customers`, {
      method: "POST",
      headers: jsonHeaders,
      body: customerBody,
    });
    const created = (await merchant.json()) as { id: string };
    const rows: Row[] = [];
    rows.push(
      await cannon(
        "GET /api/v1/health",
        { url: `${stack.baseUrl}/api/v1/health` },
        await roundTripsPerRequest(stack, health),
      ),
    );
    rows.push(
      await cannon(
        "POST /api/v1/customers",
        {
          url: `${stack.baseUrl}/api/v1/customers`,
          method: "POST",
          headers: jsonHeaders,
          body: customerBody,
        },
        await roundTripsPerRequest(stack, createCustomer),
      ),
    );
    const owner = new pg.Client({ connectionString: stack.workerEnv.DATABASE_URL });
    await owner.connect();
    const merchantRow = await owner.query<{ merchant_id: string }>(
      "select merchant_id from customers where id = $1",
      [created.id],
    );
    await owner.end();
    rows.push(await rawFloor(stack.workerEnv.DATABASE_URL ?? "", merchantRow.rows[0]?.merchant_id ?? ""));
    const floor = rows[2]?.requestsPerSecond ?? 1;
    console.log(
      `\nMagnetPay bench: ${CONNECTIONS} connections, ${DURATION_SECONDS} s each, ${stack.databaseDescription}\n`,
    );
    console.table(
      rows.map((row) => ({
        scenario: row.scenario,
        "req/s": row.requestsPerSecond,
        "p50 ms": row.p50,
        "p99 ms": row.p99,
        "db round trips/req": row.roundTrips,
        "vs raw floor": `${Math.round((row.requestsPerSecond / floor) * 100)}%`,
        errors: row.errors,
      })),
    );
  } finally {
    await stack.close();
  }
}

await main();
