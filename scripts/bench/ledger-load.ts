// The hot-balance postings of the ledger scenario, run in a worker thread (scripts/bench/ledger.ts
// starts it): the posting client gets its own event loop, as autocannon does, instead of sharing the
// bench process's with the local SQL-over-HTTP endpoint and WebSocket proxy it calls. In production
// the client (a Worker) and the database endpoint are different machines. Dev tooling only.
import { randomUUID } from "node:crypto";
import { Agent, request } from "node:http";
import { parentPort, workerData } from "node:worker_threads";
import { neonConfig } from "@neondatabase/serverless";
import { drizzle } from "drizzle-orm/node-postgres";
import pg from "pg";
import ws from "ws";
import type { Executor } from "../../src/core/db";
import { post } from "../../src/core/ledger";
import { createServices } from "../../src/core/services";
import { loop, summarize } from "./floors";
import type { Measurement } from "./options";

export interface LedgerLoadInput {
  workerEnv: Record<string, string>;
  merchantId: string;
  seconds: number;
  inFlight: number;
}

export interface LedgerResult extends Measurement {
  via: string;
  inFlight: number;
}

export interface LedgerLoadOutput {
  results: LedgerResult[];
  /** The sum of every amount posted, warm-up included. */
  posted: number;
}

/**
 * The driver's requests over node:http with keep-alive connections, in place of Node's fetch: undici's
 * fetch costs the posting client about a millisecond of CPU per request on this box, where the Worker
 * calls workerd's native fetch. The driver reads only ok, status, json() and text().
 */
function keepAliveFetch(maxSockets: number) {
  const agent = new Agent({ keepAlive: true, maxSockets });
  return (url: string, init: { method?: string; body?: string; headers?: Record<string, string> }) =>
    new Promise<Pick<Response, "ok" | "status" | "json" | "text">>((resolve, reject) => {
      const body = init.body ?? "";
      const outgoing = request(
        url,
        {
          agent,
          method: init.method ?? "GET",
          headers: {
            ...init.headers,
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("error", reject);
          response.on("end", () => {
            const text = Buffer.concat(chunks).toString("utf8");
            const status = response.statusCode ?? 0;
            resolve({
              ok: status >= 200 && status < 300,
              status,
              json: async () => JSON.parse(text),
              text: async () => text,
            });
          });
        },
      );
      outgoing.on("error", reject);
      outgoing.end(body);
    });
}

async function run({ workerEnv, merchantId, seconds, inFlight }: LedgerLoadInput): Promise<LedgerLoadOutput> {
  neonConfig.webSocketConstructor = ws;
  // No TRACE_ROUND_TRIPS request id: these calls count under the adapters' "none" bucket.
  const services = createServices(workerEnv, { poolMax: inFlight });
  neonConfig.fetchFunction = keepAliveFetch(inFlight);
  const floorPool = new pg.Pool({ connectionString: workerEnv.DATABASE_URL, max: inFlight });
  let posted = 0;
  const postOne = async (executor: Executor) => {
    const amount = 1 + Math.floor(Math.random() * 1_000);
    await post(
      {
        merchantId,
        environment: "sandbox",
        source: `bench_funding:${randomUUID()}:credited`,
        type: "funding",
        status: "posted",
        description: "bench funding",
        entries: [
          { account: { kind: "merchant_available", currency: "USD" }, amount },
          { account: { kind: "funding_in_transit", currency: "USD" }, amount: -amount },
        ],
        at: services.clock.now(),
      },
      executor,
    );
    posted += amount;
  };
  const measure = async (via: string, operation: () => Promise<void>): Promise<LedgerResult> => {
    const result = await loop(seconds, inFlight, operation);
    return {
      ...summarize(`ledger postings, one hot balance (${via}; ${inFlight} in flight)`, result),
      via,
      inFlight,
    };
  };
  try {
    // Warm-up: creates the two accounts and the endpoint's connections.
    for (let i = 0; i < 5; i++) await postOne(services.db);
    // The floor: the same ledger_post statement from a bare pg pool over TCP, no HTTP endpoint.
    const direct = drizzle({ client: floorPool }) as unknown as Executor;
    const results = [
      await measure("HTTP executor, one round trip each", () => postOne(services.db)),
      await measure("interactive transaction on the Pool", () =>
        services.transaction(async (tx) => postOne(tx)),
      ),
      await measure("floor: the same statement from a bare pg pool over TCP", () => postOne(direct)),
    ];
    return { results, posted };
  } finally {
    await Promise.all([services.close(), floorPool.end()]);
  }
}

parentPort?.postMessage(await run(workerData as LedgerLoadInput));
