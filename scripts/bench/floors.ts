// The raw floors the API scenarios are compared with, measured in the same run: the same writes
// from a bare `pg` pool over TCP (one round trip per statement, BEGIN and COMMIT included), the same
// writes as one `neon()` batch through the local SQL-over-HTTP endpoint, and a bare "hello" Worker
// in workerd. Dev tooling only.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { neon, neonConfig } from "@neondatabase/serverless";
import pg from "pg";
import { unstable_startWorker } from "wrangler";
import { newId } from "../../src/core/ids";
import { type CpuTicks, cpuMsPerRequest, cpuTicks } from "./cpu";
import type { Measurement } from "./options";

export interface Statement {
  text: string;
  params: unknown[];
}

/** The event and its audit row in one statement, as the API writes them. */
function eventAndAudit(merchantId: string, type: string, objectId: string, objectType: string): Statement {
  return {
    text: `with e as (
             insert into events (id, merchant_id, environment, type, object_id, object_type, data, api_version, created_at)
             values ($1, $2, 'sandbox', $3, $4, $5, '{"bench":true}', 'bench', now()))
           insert into audit_logs (id, merchant_id, environment, actor_type, actor_id, action, object_id, created_at)
           values ($6, $2, 'sandbox', 'system', 'bench', $3, $4, now())`,
    params: [newId("event"), merchantId, type, objectId, objectType, newId("auditLog")],
  };
}

/** POST /customers' writes: the row, then its event and audit row. */
export function customerWrites(merchantId: string): Statement[] {
  const id = newId("customer");
  return [
    {
      text: `insert into customers (id, merchant_id, environment, email, metadata, created_at, updated_at)
             values ($1, $2, 'sandbox', 'floor@example.com', '{"source":"bench"}', now(), now())`,
      params: [id, merchantId],
    },
    eventAndAudit(merchantId, "customer.created", id, "customer"),
  ];
}

/**
 * POST /payments' writes (card, confirm, automatic capture): the method, the payment, its created
 * event + audit, the captured posting through ledger_post (migrations/0010; the JSON shape of
 * src/core/ledger/post.ts postingArgument), the status update, its succeeded event + audit.
 */
export function paymentWrites(merchantId: string): Statement[] {
  const id = newId("payment");
  const method = newId("paymentMethod");
  const amount = 10_000;
  const fee = 320;
  const posting = {
    id: newId("ledgerTransaction"),
    merchant_id: merchantId,
    environment: "sandbox",
    source: `payment:${id}:captured`,
    type: "payment",
    status: "pending",
    amount,
    currency: "USD",
    source_object_id: id,
    description: `Payment ${id}`,
    created_at: new Date().toISOString(),
    entries: [
      ["provider_clearing:sandbox_global", -amount, true],
      ["merchant_pending", amount - fee, true],
      ["fees", fee, true],
    ].map(([kind, entryAmount, allowNegative]) => ({
      id: newId("ledgerEntry"),
      account_id: newId("ledgerAccount"),
      kind,
      currency: "USD",
      allow_negative: allowNegative,
      amount: entryAmount,
    })),
  };
  return [
    {
      text: `insert into payment_methods (id, merchant_id, environment, type, card, billing, created_at)
             values ($1, $2, 'sandbox', 'card', '{"brand":"visa","last4":"4242","exp_month":12,"exp_year":2030}', '{}', now())`,
      params: [method, merchantId],
    },
    {
      text: `insert into payments (id, merchant_id, environment, amount, currency, status, capture_method,
               payment_method_id, payment_method_type, created_at, updated_at)
             values ($1, $2, 'sandbox', $3, 'USD', 'processing', 'automatic', $4, 'card', now(), now())`,
      params: [id, merchantId, amount, method],
    },
    eventAndAudit(merchantId, "payment.created", id, "payment"),
    { text: "select ledger_post($1::jsonb, true)", params: [JSON.stringify(posting)] },
    {
      text: `update payments set status = 'succeeded', provider = 'sandbox_global', fee = $2,
               amount_received = $3, available_on = now() + interval '2 days', updated_at = now()
             where id = $1`,
      params: [id, fee, amount],
    },
    eventAndAudit(merchantId, "payment.succeeded", id, "payment"),
  ];
}

export interface LoopResult {
  latencies: number[];
  errors: number;
  elapsedMs: number;
  cpuBefore: CpuTicks | undefined;
  cpuAfter: CpuTicks | undefined;
}

/** `workers` loops of `operation` until the deadline; latencies of the successful ones. */
export async function loop(
  seconds: number,
  workers: number,
  operation: () => Promise<void>,
): Promise<LoopResult> {
  const latencies: number[] = [];
  let errors = 0;
  const cpuBefore = cpuTicks();
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const at = performance.now();
      try {
        await operation();
        latencies.push(performance.now() - at);
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, worker));
  const elapsedMs = performance.now() - started;
  return { latencies, errors, elapsedMs, cpuBefore, cpuAfter: cpuTicks() };
}

export function summarize(name: string, result: LoopResult): Measurement {
  const sorted = [...result.latencies].sort((a, b) => a - b);
  const pick = (q: number) => Math.round((sorted[Math.floor(q * (sorted.length - 1))] ?? 0) * 10) / 10;
  const cpu = cpuMsPerRequest(result.cpuBefore, result.cpuAfter, sorted.length);
  return {
    name,
    requestsPerSecond: Math.round(sorted.length / (result.elapsedMs / 1000)),
    p50: pick(0.5),
    p99: pick(0.99),
    requests: sorted.length,
    errors: result.errors,
    ...(cpu ? { cpu } : {}),
  };
}

/**
 * The statements in one transaction from a bare pg pool (`connections` clients), one round trip
 * each plus BEGIN and COMMIT; `rttMs` is slept before every round trip, as the adapters add it.
 */
export async function pgFloor(
  name: string,
  databaseUrl: string,
  writes: () => Statement[],
  options: { seconds: number; connections: number; rttMs: number },
): Promise<Measurement> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: options.connections });
  const roundTrip = async (client: pg.PoolClient, text: string, params: unknown[] = []) => {
    if (options.rttMs > 0) await sleep(options.rttMs);
    await client.query(text, params);
  };
  try {
    const result = await loop(options.seconds, options.connections, async () => {
      const client = await pool.connect();
      try {
        await roundTrip(client, "begin");
        for (const statement of writes()) await roundTrip(client, statement.text, statement.params);
        await roundTrip(client, "commit");
      } catch (error) {
        await client.query("rollback").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    });
    return summarize(name, result);
  } finally {
    await pool.end();
  }
}

/**
 * The statements as one non-interactive `neon()` transaction through the local SQL-over-HTTP
 * endpoint: one round trip, which the endpoint delays by the injected latency itself.
 */
export async function neonBatchFloor(
  name: string,
  databaseUrl: string,
  endpoint: string,
  writes: () => Statement[],
  options: { seconds: number; connections: number },
): Promise<Measurement> {
  neonConfig.fetchEndpoint = endpoint;
  const sql = neon(databaseUrl);
  const result = await loop(options.seconds, options.connections, async () => {
    await sql.transaction(writes().map((statement) => sql.query(statement.text, statement.params)));
  });
  return summarize(name, result);
}

export interface HelloWorker {
  url: string;
  close(): Promise<void>;
}

/** A bare workerd Worker that answers "hello", started like the API's (unstable_startWorker). */
export async function startHelloWorker(port: number): Promise<HelloWorker> {
  const dir = await mkdtemp(path.join(tmpdir(), "magnetpay-bench-hello-"));
  await writeFile(
    path.join(dir, "hello.mjs"),
    'export default { fetch() { return new Response("hello", { headers: { "content-type": "text/plain" } }); } };\n',
  );
  await writeFile(
    path.join(dir, "wrangler.toml"),
    'name = "bench-hello"\nmain = "hello.mjs"\ncompatibility_date = "2025-01-01"\n',
  );
  const worker = await unstable_startWorker({
    config: path.join(dir, "wrangler.toml"),
    dev: {
      server: { hostname: "127.0.0.1", port },
      inspector: false,
      persist: false,
      watch: false,
      liveReload: false,
      logLevel: "none",
    },
  });
  await worker.ready;
  return {
    url: `http://127.0.0.1:${port}/`,
    async close() {
      await worker.dispose();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
