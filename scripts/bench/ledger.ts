// Ledger postings per second on ONE hot merchant balance, through the real posting path
// (src/core/ledger post → ledger_post) in Node, without HTTP in front: over the SQL-over-HTTP
// executor (services.db, one round trip per posting) and inside interactive transactions on the
// WebSocket Pool (BEGIN, post, COMMIT). Invariants are checked afterwards. Dev tooling only.
import { randomUUID } from "node:crypto";
import { neonConfig } from "@neondatabase/serverless";
import { sql } from "drizzle-orm";
import ws from "ws";
import { type Executor, execute } from "../../src/core/db";
import { checkLedgerInvariants, type InvariantReport, post } from "../../src/core/ledger";
import { createServices } from "../../src/core/services";
import { loop, summarize } from "./floors";
import type { Measurement } from "./options";

export interface LedgerResult extends Measurement {
  via: string;
  inFlight: number;
}

export interface LedgerBench {
  results: LedgerResult[];
  invariants: InvariantReport;
  /** merchant_available after the run, against the sum of what was posted. */
  balance: { expected: number; actual: number };
}

export async function benchLedger(
  workerEnv: Record<string, string>,
  merchantId: string,
  options: { seconds: number; inFlight: number },
): Promise<LedgerBench> {
  neonConfig.webSocketConstructor = ws;
  // No TRACE_ROUND_TRIPS request id: these calls count under the adapters' "none" bucket.
  const services = createServices(workerEnv, { poolMax: options.inFlight });
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
  const run = async (via: string, operation: () => Promise<void>): Promise<LedgerResult> => {
    const result = await loop(options.seconds, options.inFlight, operation);
    const measured = summarize(`ledger postings, one hot balance (${via})`, result);
    return { ...measured, via, inFlight: options.inFlight };
  };
  try {
    // Warm-up: creates the two accounts and the endpoint's connections.
    for (let i = 0; i < 5; i++) await postOne(services.db);
    const results = [
      await run("HTTP executor, one round trip each", () => postOne(services.db)),
      await run("interactive transaction on the Pool", () => services.transaction(async (tx) => postOne(tx))),
    ];
    const invariants = await checkLedgerInvariants({ merchantId, environment: "sandbox" }, services.db);
    const rows = await execute<{ balance: string }>(
      sql`select balance::text as balance from ledger_accounts
           where merchant_id = ${merchantId} and environment = 'sandbox' and currency = 'USD'
             and kind = 'merchant_available'`,
      services.db,
    );
    return {
      results,
      invariants,
      balance: { expected: posted, actual: Number(rows.rows[0]?.balance ?? Number.NaN) },
    };
  } finally {
    await services.close();
  }
}
