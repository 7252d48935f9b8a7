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

/** What POST /customers writes (row, event, audit), in one transaction from a bare client. */
async function customerStatements(client: pg.PoolClient, merchantId: string): Promise<void> {
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
}

/**
 * What POST /payments (card, confirm, automatic capture) writes, in one transaction from a bare
 * client: the saved method, the payment, its two events and audit rows, the status update, and the
 * captured posting (accounts created if missing and locked, transaction, three entries, balances).
 */
async function paymentStatements(client: pg.PoolClient, merchantId: string): Promise<void> {
  const id = newId("payment");
  const pm = newId("paymentMethod");
  const source = `payment:${id}:captured`;
  await client.query("begin");
  await client.query(
    "insert into payment_methods (id, merchant_id, environment, type, card, billing, created_at) values ($1, $2, 'sandbox', 'card', '{\"brand\":\"visa\",\"last4\":\"4242\"}', '{}', now())",
    [pm, merchantId],
  );
  await client.query(
    "insert into payments (id, merchant_id, environment, amount, currency, status, capture_method, payment_method_id, payment_method_type, created_at, updated_at) values ($1, $2, 'sandbox', 10000, 'USD', 'requires_confirmation', 'automatic', $3, 'card', now(), now())",
    [id, merchantId, pm],
  );
  const event = (type: string) =>
    client.query(
      "insert into events (id, merchant_id, environment, type, object_id, object_type, data, api_version, created_at) values ($1, $2, 'sandbox', $3, $4, 'payment', '{}', 'raw', now())",
      [newId("event"), merchantId, type, id],
    );
  const audit = (action: string) =>
    client.query(
      "insert into audit_logs (id, merchant_id, environment, actor_type, actor_id, action, object_id, created_at) values ($1, $2, 'sandbox', 'system', 'bench', $3, $4, now())",
      [newId("auditLog"), merchantId, action, id],
    );
  await event("payment.created");
  await audit("payment.created");
  await client.query(
    "update payments set status = 'succeeded', provider = 'sandbox_global', fee = 320, amount_received = 10000, available_on = now() + interval '2 days', updated_at = now() where id = $1",
    [id],
  );
  const kinds = ["fees", "merchant_pending", "provider_clearing:sandbox_global"];
  await client.query(
    `insert into ledger_accounts (id, merchant_id, environment, currency, kind, allow_negative, balance, created_at)
     select k.id, $1, 'sandbox', 'USD', k.kind, k.kind like 'provider_clearing:%', 0, now()
       from unnest($2::text[], $3::text[]) as k(id, kind) on conflict do nothing`,
    [merchantId, kinds.map(() => newId("ledgerAccount")), kinds],
  );
  const accounts = await client.query<{ id: string; kind: string; balance: string }>(
    "select id, kind, balance from ledger_accounts where merchant_id = $1 and environment = 'sandbox' and currency = 'USD' and kind = any($2) order by id for update",
    [merchantId, kinds],
  );
  const amounts: Record<string, number> = {
    fees: 320,
    merchant_pending: 9_680,
    "provider_clearing:sandbox_global": -10_000,
  };
  const transactionId = newId("ledgerTransaction");
  await client.query(
    "insert into ledger_transactions (id, merchant_id, environment, source, type, status, amount, currency, source_object_id, created_at) values ($1, $2, 'sandbox', $3, 'payment', 'pending', 10000, 'USD', $4, now())",
    [transactionId, merchantId, source, id],
  );
  const rows = accounts.rows.map((account, position) => {
    const amount = amounts[account.kind] ?? 0;
    return { account, position, amount, after: Number(account.balance) + amount };
  });
  await client.query(
    `insert into ledger_entries (id, transaction_id, account_id, merchant_id, environment, position, amount, currency, balance_after, created_at)
     select e.id, $1, e.account_id, $2, 'sandbox', e.position, e.amount, 'USD', e.balance_after, now()
       from unnest($3::text[], $4::text[], $5::int[], $6::bigint[], $7::bigint[]) as e(id, account_id, position, amount, balance_after)`,
    [
      transactionId,
      merchantId,
      rows.map(() => newId("ledgerEntry")),
      rows.map((row) => row.account.id),
      rows.map((row) => row.position),
      rows.map((row) => row.amount),
      rows.map((row) => row.after),
    ],
  );
  await client.query(
    "update ledger_accounts as a set balance = a.balance + v.delta from unnest($1::text[], $2::bigint[]) as v(id, delta) where a.id = v.id",
    [rows.map((row) => row.account.id), rows.map((row) => row.amount)],
  );
  await event("payment.succeeded");
  await audit("payment.succeeded");
  await client.query("commit");
}

/**
 * The raw-SQL floor: `statements` back to back from a pool of bare clients for the bench's duration.
 * A failed transaction is rolled back and counted.
 */
async function rawFloor(
  scenario: string,
  roundTrips: number,
  databaseUrl: string,
  statements: (client: pg.PoolClient) => Promise<void>,
): Promise<Row> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: CONNECTIONS });
  const latencies: number[] = [];
  let errors = 0;
  const deadline = Date.now() + DURATION_SECONDS * 1000;
  const worker = async () => {
    while (Date.now() < deadline) {
      const started = performance.now();
      const client = await pool.connect();
      try {
        await statements(client);
        latencies.push(performance.now() - started);
      } catch {
        errors += 1;
        await client.query("rollback");
      } finally {
        client.release();
      }
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  await pool.end();
  latencies.sort((a, b) => a - b);
  const pick = (q: number) => Math.round((latencies[Math.floor(q * (latencies.length - 1))] ?? 0) * 10) / 10;
  return {
    scenario,
    requestsPerSecond: Math.round(latencies.length / DURATION_SECONDS),
    p50: pick(0.5),
    p99: pick(0.99),
    roundTrips,
    errors,
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
    const databaseUrl = stack.workerEnv.DATABASE_URL ?? "";
    const merchantId = merchantRow.rows[0]?.merchant_id ?? "";
    rows.push(
      await rawFloor("raw SQL floor: customer + event + audit (pg, pooled)", 5, databaseUrl, (client) =>
        customerStatements(client, merchantId),
      ),
    );
    const paymentBody = JSON.stringify({
      amount: 10_000,
      currency: "USD",
      confirm: true,
      payment_method_data: {
        type: "card",
        card: { number: "4242424242424242", exp_month: 12, exp_year: 2040, cvc: "123" },
      },
    });
    const createPayment = () =>
      fetch(`${stack.baseUrl}/api/v1/payments`, {
        method: "POST",
        headers: jsonHeaders,
        body: paymentBody,
      }).then((r) => r.text());
    rows.push(
      await cannon(
        "POST /api/v1/payments (card 4242, confirm, automatic capture)",
        { url: `${stack.baseUrl}/api/v1/payments`, method: "POST", headers: jsonHeaders, body: paymentBody },
        await roundTripsPerRequest(stack, createPayment),
      ),
    );
    rows.push(
      await rawFloor(
        "raw SQL floor: payment + events + audit + ledger (pg, pooled)",
        14,
        databaseUrl,
        (client) => paymentStatements(client, merchantId),
      ),
    );
    // Each API scenario against the raw floor of the same writes.
    const floors: Record<string, number> = {
      "POST /api/v1/customers": rows[2]?.requestsPerSecond ?? 1,
      "POST /api/v1/payments (card 4242, confirm, automatic capture)": rows[4]?.requestsPerSecond ?? 1,
    };
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
        "vs raw floor": floors[row.scenario]
          ? `${Math.round((row.requestsPerSecond / (floors[row.scenario] ?? 1)) * 100)}%`
          : "",
        errors: row.errors,
      })),
    );
  } finally {
    await stack.close();
  }
}

await main();
