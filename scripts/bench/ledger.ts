// Ledger postings per second on ONE hot merchant balance, through the real posting path
// (src/core/ledger post → ledger_post) without HTTP in front: over the SQL-over-HTTP executor
// (services.db, one round trip per posting) and inside interactive transactions on the WebSocket
// Pool (BEGIN, post, COMMIT), from a worker thread (ledger-load.ts). Invariants are checked
// afterwards. Dev tooling only.
import { Worker } from "node:worker_threads";
import { sql } from "drizzle-orm";
import { execute } from "../../src/core/db";
import { checkLedgerInvariants, type InvariantReport } from "../../src/core/ledger";
import { createServices } from "../../src/core/services";
import type { LedgerLoadInput, LedgerLoadOutput, LedgerResult } from "./ledger-load";

export type { LedgerResult } from "./ledger-load";

export interface LedgerBench {
  results: LedgerResult[];
  invariants: InvariantReport;
  /** merchant_available after the run, against the sum of what was posted. */
  balance: { expected: number; actual: number };
}

/** Runs ledger-load.ts in a worker thread with tsx's loader registered there (execArgv does not carry it). */
function runLoad(input: LedgerLoadInput): Promise<LedgerLoadOutput> {
  const file = new URL("./ledger-load.ts", import.meta.url).href;
  const bootstrap = `import("tsx/esm/api").then(({ register }) => { register(); return import(${JSON.stringify(file)}); });`;
  return new Promise((resolve, reject) => {
    const worker = new Worker(bootstrap, { eval: true, workerData: input });
    worker.once("message", (output: LedgerLoadOutput) => {
      resolve(output);
      void worker.terminate();
    });
    worker.once("error", reject);
    worker.once("exit", (code) => reject(new Error(`ledger load exited with ${code} before answering`)));
  });
}

export async function benchLedger(
  workerEnv: Record<string, string>,
  merchantId: string,
  options: { seconds: number; inFlight: number[] },
): Promise<LedgerBench> {
  const results: LedgerResult[] = [];
  let posted = 0;
  // One worker thread per level, one after the other, on the same two accounts.
  for (const inFlight of options.inFlight) {
    const run = await runLoad({ workerEnv, merchantId, seconds: options.seconds, inFlight });
    results.push(...run.results);
    posted += run.posted;
  }
  const services = createServices(workerEnv);
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
}
