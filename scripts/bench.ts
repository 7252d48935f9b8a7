/**
 * `npm run bench`: throughput, latency percentiles and round trips per request (DB over HTTP and
 * WebSocket, Redis, counted at the local adapters by X-Request-Id) of the Worker in workerd against
 * local PostgreSQL and Redis, each next to a raw floor measured in the same run; then the same write
 * scenarios with an injected delay per round trip; then ledger postings per second on one hot
 * balance. Prints a markdown report and writes it to bench-results/latest.md. Numbers, not
 * assertions. Knobs: BENCH_SECONDS, BENCH_CONNECTIONS, BENCH_ONLY, BENCH_DB_RTT_MS,
 * BENCH_REDIS_RTT_MS, BENCH_LEDGER_IN_FLIGHT, BENCH_SAMPLES (docs/performance.md).
 */
import { execFileSync } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { cpus } from "node:os";
import path from "node:path";
import { benchChain } from "./bench/chain";
import { customerWrites, neonBatchFloor, paymentWrites, pgFloor, startHelloWorker } from "./bench/floors";
import { authorizationBody, benchCard } from "./bench/issuing";
import { benchLedger, type LedgerBench } from "./bench/ledger";
import {
  BENCH_PAYMENT,
  type BenchMerchant,
  cannon,
  type HttpCall,
  sampleRoundTrips,
  signUpMerchant,
} from "./bench/load";
import {
  type BenchOptions,
  type FloorResult,
  type Measurement,
  readOptions,
  type ScenarioName,
  type ScenarioResult,
} from "./bench/options";
import { benchPayoutBody } from "./bench/payouts";
import { renderReport } from "./bench/report";
import { benchSettlement, type SettlementBench } from "./bench/settlement";
import { benchUsage, type UsageBench } from "./bench/usage";
import { REPO_ROOT } from "./local-stack";
import { freePort, startWorkerStack, type WorkerStack } from "./worker-stack";

const PAYMENT_BODY = JSON.stringify(BENCH_PAYMENT);
const CUSTOMER_BODY = JSON.stringify({ email: "bench@example.com", metadata: { source: "bench" } });

interface Context {
  stack: WorkerStack;
  options: BenchOptions;
  merchants: BenchMerchant[];
  customerId: string;
  scenarios: ScenarioResult[];
  floors: FloorResult[];
}

function log(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

const post = (merchant: BenchMerchant, path: string, body: string): HttpCall => ({
  method: "POST",
  path,
  headers: { ...merchant.headers, "content-type": "application/json" },
  body,
});
const get = (merchant: BenchMerchant, path: string): HttpCall => ({
  method: "GET",
  path,
  headers: merchant.headers,
});

function first<T>(items: T[]): T {
  const item = items[0];
  if (item === undefined) throw new Error("bench: nothing to run with");
  return item;
}

/** Round trips (sampled sequentially, exact), then load, for one API scenario. */
async function scenario(
  ctx: Context,
  pass: string,
  name: string,
  calls: HttpCall[],
  floors: () => Promise<FloorResult[]>,
  connections = ctx.options.connections,
): Promise<void> {
  const { stack, options } = ctx;
  log(`${pass}: ${name}`);
  const roundTrips = await sampleRoundTrips(stack.baseUrl, stack.local.statsUrl, calls, options.samples);
  const measured = await cannon(name, `${stack.baseUrl}${first(calls).path}`, calls, {
    ...options,
    connections,
  });
  const measuredFloors = await floors();
  ctx.floors.push(...measuredFloors);
  ctx.scenarios.push({ ...measured, pass, roundTrips, floors: measuredFloors });
}

function floor(pass: string, measured: Measurement, dbRoundTrips: number, description: string): FloorResult {
  return { ...measured, pass, dbRoundTrips, description };
}

async function helloFloor(ctx: Context, pass: string, connections: number): Promise<FloorResult[]> {
  log(`${pass}: floor, bare workerd hello Worker, ${connections} connection(s)`);
  const hello = await startHelloWorker(await freePort());
  try {
    await fetch(hello.url).then((response) => response.arrayBuffer());
    const measured = await cannon(
      `bare workerd hello Worker, ${connections} connection(s)`,
      hello.url,
      [{ method: "GET", path: "/", headers: {} }],
      { ...ctx.options, connections },
    );
    return [floor(pass, measured, 0, "a Worker that returns `hello`, unstable_startWorker, autocannon")];
  } finally {
    await hello.close();
  }
}

async function customerFloors(ctx: Context, pass: string, rttMs: number): Promise<FloorResult[]> {
  const databaseUrl = ctx.stack.workerEnv.DATABASE_URL ?? "";
  const merchantId = first(ctx.merchants).merchantId;
  const loadOptions = { seconds: ctx.options.seconds, connections: ctx.options.connections };
  log(`${pass}: floors, customer writes (pg, neon batch)`);
  const pgResult = await pgFloor(
    "pg: customer + event/audit",
    databaseUrl,
    () => customerWrites(merchantId),
    {
      ...loadOptions,
      rttMs,
    },
  );
  const neonResult = await neonBatchFloor(
    "neon() batch: customer + event/audit",
    databaseUrl,
    ctx.stack.local.neonHttpEndpoint,
    () => customerWrites(merchantId),
    loadOptions,
  );
  return [
    floor(
      pass,
      pgResult,
      4,
      "bare `pg` pool over TCP: BEGIN, insert customer, insert event+audit (one statement), COMMIT",
    ),
    floor(
      pass,
      neonResult,
      1,
      "`neon()` `sql.transaction([...])` of the same two statements via the local SQL-over-HTTP endpoint",
    ),
  ];
}

async function paymentFloor(ctx: Context, pass: string, merchants: BenchMerchant[], rttMs: number) {
  const databaseUrl = ctx.stack.workerEnv.DATABASE_URL ?? "";
  let next = 0;
  const writes = () => {
    const merchant = merchants[next++ % merchants.length] ?? first(merchants);
    return paymentWrites(merchant.merchantId);
  };
  log(`${pass}: floor, payment writes (pg, ${merchants.length} merchant(s))`);
  const measured = await pgFloor(`pg: payment writes, ${merchants.length} merchant(s)`, databaseUrl, writes, {
    seconds: ctx.options.seconds,
    connections: ctx.options.connections,
    rttMs,
  });
  return [
    floor(
      pass,
      measured,
      8,
      "bare `pg` pool: BEGIN, insert method, insert payment, event+audit, `select ledger_post($1::jsonb)`, status update, event+audit, COMMIT",
    ),
  ];
}

async function writePass(
  ctx: Context,
  pass: string,
  rttMs: number,
  selected: (name: ScenarioName) => boolean,
) {
  const lead = first(ctx.merchants);
  if (selected("customers-create")) {
    await scenario(
      ctx,
      pass,
      "POST /api/v1/customers",
      [post(lead, "/api/v1/customers", CUSTOMER_BODY)],
      () => customerFloors(ctx, pass, rttMs),
    );
  }
  if (selected("payments")) {
    await scenario(
      ctx,
      pass,
      "POST /api/v1/payments (card, confirm, automatic capture), 1 merchant",
      [post(lead, "/api/v1/payments", PAYMENT_BODY)],
      () => paymentFloor(ctx, pass, [lead], rttMs),
    );
  }
  if (selected("payments-10")) {
    const ten = ctx.merchants.slice(0, 10);
    await scenario(
      ctx,
      pass,
      `POST /api/v1/payments, ${ten.length} merchants in parallel`,
      ten.map((merchant) => post(merchant, "/api/v1/payments", PAYMENT_BODY)),
      () => paymentFloor(ctx, pass, ten, rttMs),
    );
  }
}

function gitCommit(): string {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: REPO_ROOT }).toString().trim();
  } catch {
    return "unknown";
  }
}

async function main(): Promise<void> {
  const options = readOptions();
  const selected = (name: ScenarioName) => options.only.has(name);
  const startedAt = Date.now();
  const stack = await startWorkerStack({
    databaseUrl: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
    ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
    freshDatabase: true,
    logLevel: "none",
    extraVars: {
      // No rate limit in the way (the schema has no upper bound on these).
      RATE_LIMIT_SANDBOX_PER_SECOND: "1000000",
      RATE_LIMIT_PRODUCTION_PER_SECOND: "1000000",
      // The bench signs up a dozen merchants from loopback.
      SIGNUP_LIMIT_PER_IP_PER_HOUR: "1000",
      SIGNUP_LIMIT_EXEMPT_IPS: "127.0.0.1,::1,::ffff:127.0.0.1,unknown",
    },
  });
  // The first pass is on loopback whatever BENCH_*_RTT_MS say: those are the second pass's.
  stack.local.roundTrips.setLatency({ dbRttMs: 0, redisRttMs: 0 });
  let ledger: LedgerBench | undefined;
  let usage: UsageBench | undefined;
  let settlement: SettlementBench | undefined;
  let chain = "";
  const ctx: Context = { stack, options, merchants: [], customerId: "", scenarios: [], floors: [] };
  try {
    const count = selected("payments-10") ? 10 : 1;
    log(`signing up ${count} merchant(s)${selected("ledger") ? " + 1 for the ledger" : ""}`);
    for (let i = 0; i < count; i++) ctx.merchants.push(await signUpMerchant(stack.baseUrl, i));
    const lead = first(ctx.merchants);
    const created = await fetch(`${stack.baseUrl}/api/v1/customers`, {
      method: "POST",
      headers: { ...lead.headers, "content-type": "application/json" },
      body: CUSTOMER_BODY,
    });
    ctx.customerId = ((await created.json()) as { id?: string }).id ?? "";

    const loopback = "loopback";
    if (selected("health")) {
      const health: HttpCall[] = [{ method: "GET", path: "/api/v1/health", headers: {} }];
      await scenario(ctx, loopback, "GET /api/v1/health", health, () =>
        helloFloor(ctx, loopback, ctx.options.connections),
      );
      // One connection: the latency of a health check itself, without queueing behind nine others
      // on a box whose 2 cores the Worker shares with the adapters, PostgreSQL and Redis.
      await scenario(
        ctx,
        loopback,
        "GET /api/v1/health, 1 connection",
        health,
        () => helloFloor(ctx, loopback, 1),
        1,
      );
    }
    if (selected("customers-get")) {
      await scenario(
        ctx,
        loopback,
        "GET /api/v1/customers/{id}",
        [get(lead, `/api/v1/customers/${ctx.customerId}`)],
        async () => [],
      );
    }
    if (selected("balances")) {
      await scenario(ctx, loopback, "GET /api/v1/balances", [get(lead, "/api/v1/balances")], async () => []);
    }
    if (selected("issuing-authorizations")) {
      // Every authorization on ONE card: they serialize on its (and its cardholder's) row lock,
      // so this is the per-card ceiling; the p99 is the decision time the network's 2 s window allows.
      const card = await benchCard(stack.baseUrl, lead);
      await scenario(
        ctx,
        loopback,
        "POST /api/v1/issuing/authorizations (one card)",
        [post(lead, "/api/v1/issuing/authorizations", authorizationBody(card))],
        async () => [],
      );
    }
    if (selected("payouts")) {
      // Every payout reserves from ONE merchant's available balance: they serialize on its account
      // lock (ledger_post), so this is the per-merchant ceiling of payouts created per second.
      const body = await benchPayoutBody(stack.baseUrl, lead);
      await scenario(
        ctx,
        loopback,
        "POST /api/v1/payouts (standard, ACH), 1 merchant",
        [post(lead, "/api/v1/payouts", body)],
        async () => [],
      );
    }
    await writePass(ctx, loopback, 0, selected);

    const { dbRttMs, redisRttMs } = options.rtt;
    const writesSelected = selected("customers-create") || selected("payments") || selected("payments-10");
    if ((dbRttMs > 0 || redisRttMs > 0) && writesSelected) {
      stack.local.roundTrips.setLatency({ dbRttMs, redisRttMs });
      await writePass(ctx, `+${dbRttMs} ms DB / +${redisRttMs} ms Redis per round trip`, dbRttMs, selected);
      stack.local.roundTrips.setLatency({ dbRttMs: 0, redisRttMs: 0 });
    }

    if (selected("ledger")) {
      log("ledger postings on one hot balance");
      const ledgerMerchant = await signUpMerchant(stack.baseUrl, 99);
      ledger = await benchLedger(stack.workerEnv, ledgerMerchant.merchantId, {
        seconds: options.seconds,
        inFlight: options.ledgerInFlight,
      });
    }
    if (selected("usage-records")) {
      log("usage records in batches of 1,000");
      usage = await benchUsage(stack.baseUrl, lead, { seconds: options.seconds, inFlight: 4 });
    }
    if (selected("settlement")) {
      log(`a settlement run over ${options.settlementEntries} matured pending entries`);
      const settlementMerchant = await signUpMerchant(stack.baseUrl, 98);
      settlement = await benchSettlement(
        stack.baseUrl,
        stack.workerEnv,
        settlementMerchant,
        options.settlementEntries,
      );
    }
    if (selected("chain")) {
      log("deposit scanning against hardhat's node");
      chain = await benchChain();
    }
  } finally {
    await stack.close();
  }

  const { dbRttMs, redisRttMs } = options.rtt;
  const report = renderReport({
    header: [
      `## MagnetPay bench, ${new Date(startedAt).toISOString()}`,
      "",
      `commit ${gitCommit()}; ${options.connections} connections, ${options.seconds} s per load; ${cpus().length} CPU(s), Node ${process.version}; ${stack.databaseDescription}; ${stack.redisDescription}; whole run ${Math.round((Date.now() - startedAt) / 1000)} s.`,
    ],
    scenarios: ctx.scenarios,
    floors: ctx.floors,
    ...(ledger ? { ledger } : {}),
    ...(usage ? { usage } : {}),
    ...(settlement ? { settlement } : {}),
    notes: [
      `Round trips per request are read from the local adapters' counters by X-Request-Id over ${options.samples} sequential requests after a warm-up (exact, deterministic, not timed). "after response" is the work traced as \`<request id>.after\` (event dispatch in waitUntil).`,
      "vs floor: the scenario's req/s as a share of the floor's req/s; for health, the p50 difference to the bare Worker.",
      "pg floor: the same writes from a bare `pg` pool (BENCH_CONNECTIONS clients) over TCP, one round trip per statement including BEGIN and COMMIT; no HTTP, auth, validation, idempotency or Redis. The payment floor spreads over the same merchants as its scenario.",
      "neon() batch floor: the same statements as one `sql.transaction([...])` through the local SQL-over-HTTP endpoint the Worker uses: the cost of the HTTP hop and the adapter without the Worker.",
      `Injected-delay pass: the adapters add ${dbRttMs} ms to every DB round trip (SQL-over-HTTP request, WebSocket turn) and ${redisRttMs} ms to every Upstash REST call (roundTrips.setLatency, no restart). The pg floor sleeps ${dbRttMs} ms before each of its round trips and the neon() floor goes through the delayed endpoint, so the floors pay the same per round trip; Redis does not appear in the floors.`,
      "CPU per request: /proc utime + stime of each process family over the load, divided by the requests it completed. workerd: every workerd process (the API's, or the hello Worker's for its floor). adapters: the bench's main thread, which runs the local SQL-over-HTTP endpoint, WebSocket proxy, Upstash bridge and QStash, and for the pg and neon() floors also the floor's own client. autocannon: the bench's other threads (autocannon's worker thread, Node's helpers; in the ledger rows, the posting client's worker thread, and a request is a posting). postgres: every backend, and those that ended during the load. redis: redis-server.",
      "One box: autocannon, the adapters, PostgreSQL, Redis and workerd share its CPUs, so absolute numbers are noisy; compare within a run.",
    ],
  });
  const fullReport = chain ? `${report}\n\n${chain}\n` : report;
  process.stdout.write(`${fullReport}\n`);
  const outDir = path.join(REPO_ROOT, "bench-results");
  await mkdir(outDir, { recursive: true });
  await writeFile(path.join(outDir, "latest.md"), fullReport);
  log(`written to ${path.join(outDir, "latest.md")}`);
}

await main();
