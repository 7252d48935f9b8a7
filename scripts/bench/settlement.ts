// A settlement run over many matured pending entries (issue 13: 100,000 by default), through the
// real settlement-run code in Node (runSettlements over the SQL-over-HTTP executor), then the CSV
// export of the resulting settlement through the Worker. The entries are copies of one real card
// payment made through the API, written in SQL with their capture postings and account balances,
// so the ledger invariants hold before the run and are checked again after it. Dev tooling only.
import { neonConfig } from "@neondatabase/serverless";
import { sql } from "drizzle-orm";
import ws from "ws";
import { type Executor, execute } from "../../src/core/db";
import { checkLedgerInvariants } from "../../src/core/ledger";
import { createServices } from "../../src/core/services";
import { reconcileSettlements, runSettlements } from "../../src/modules/settlements/service";
import { BENCH_PAYMENT, type BenchMerchant } from "./load";

export interface SettlementBench {
  entries: number;
  seedSeconds: number;
  runSeconds: number;
  /** Peak resident set size of the Node process during the run, and its growth over the run. */
  peakRssMb: number;
  rssGrowthMb: number;
  /** Bytes PostgreSQL wrote to temporary files during the run (0: every sort and join fit in work_mem). */
  postgresTempMb: number;
  settlement: { id: string; charges: number; net: number; expectedNet: number };
  reconciled: boolean;
  invariantsOk: boolean;
  csv: { seconds: number; megabytes: number; lines: number; status: number };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * `count` copies of the template payment, each with its own capture posting (the template's
 * entries, new ids) and every touched account's balance moved by the copies' sum in one
 * statement, so the cached balances still equal their entries. Matured two days before `now`.
 */
async function seedCopies(db: Executor, templateId: string, count: number, now: Date): Promise<void> {
  const availableOn = new Date(now.getTime() - 2 * DAY_MS).toISOString();
  const columns = await execute<{ column_name: string }>(
    sql`select column_name from information_schema.columns
         where table_name = 'payments' and table_schema = current_schema() order by ordinal_position`,
    db,
  );
  const copied = columns.rows.map((row) => row.column_name);
  const target = sql.raw(copied.map((name) => `"${name}"`).join(", "));
  const values = sql.raw(
    copied
      .map((name) => {
        if (name === "id") return `'${templateId}_' || k`;
        if (name === "available_on") return `'${availableOn}'::timestamptz`;
        return `p."${name}"`;
      })
      .join(", "),
  );
  await execute(
    sql`with copies as (
          insert into payments (${target})
          select ${values} from payments p, generate_series(1, ${count}) k where p.id = ${templateId}
          returning id
        ), template as (
          select t.* from ledger_transactions t where t.source = 'payment:' || ${templateId} || ':captured'
        ), transactions as (
          insert into ledger_transactions (id, merchant_id, environment, source, type, status, amount, currency,
                                           source_object_id, description, created_at)
          select t.id || '_' || k, t.merchant_id, t.environment, 'payment:' || ${templateId} || '_' || k || ':captured',
                 t.type, t.status, t.amount, t.currency, ${templateId} || '_' || k, t.description, t.created_at
            from template t, generate_series(1, ${count}) k
          returning id
        ), entries as (
          insert into ledger_entries (id, transaction_id, account_id, merchant_id, environment, position, amount,
                                      currency, balance_after, created_at)
          select e.id || '_' || k, e.transaction_id || '_' || k, e.account_id, e.merchant_id, e.environment,
                 e.position, e.amount, e.currency, a.balance + e.amount * k, e.created_at
            from ledger_entries e join template t on t.id = e.transaction_id
            join ledger_accounts a on a.id = e.account_id, generate_series(1, ${count}) k
          returning id
        ), balances as (
          update ledger_accounts a set balance = a.balance + e.amount * ${count}
            from ledger_entries e join template t on t.id = e.transaction_id
           where a.id = e.account_id
          returning a.id
        )
        select (select count(*) from copies) + (select count(*) from transactions)
             + (select count(*) from entries) + (select count(*) from balances) as written`,
    db,
  );
  // The template itself is settled too; its maturity moves with the copies'.
  await execute(
    sql`update payments set available_on = ${availableOn}::timestamptz where id = ${templateId}`,
    db,
  );
}

async function tempBytes(db: Executor): Promise<number> {
  const result = await execute<{ bytes: string }>(
    sql`select temp_bytes::text as bytes from pg_stat_database where datname = current_database()`,
    db,
  );
  return Number(result.rows[0]?.bytes ?? 0);
}

/** Samples the process's resident set size until stopped; answers the peak in bytes. */
function sampleRss(): () => number {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  return () => {
    clearInterval(timer);
    return Math.max(peak, process.memoryUsage().rss);
  };
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const seconds = (ms: number) => Math.round(ms / 10) / 100;

export async function benchSettlement(
  baseUrl: string,
  workerEnv: Record<string, string>,
  merchant: BenchMerchant,
  entries: number,
): Promise<SettlementBench> {
  const headers = { ...merchant.headers, "content-type": "application/json" };
  const created = await fetch(`${baseUrl}/api/v1/payments`, {
    method: "POST",
    headers,
    body: JSON.stringify(BENCH_PAYMENT),
  });
  const payment = (await created.json()) as { id?: string; status?: string };
  if (created.status !== 200 || payment.status !== "succeeded" || !payment.id) {
    throw new Error(`settlement bench: template payment answered ${created.status} ${payment.status}`);
  }
  neonConfig.webSocketConstructor = ws;
  const services = createServices(workerEnv, { poolMax: 2 });
  try {
    const now = services.clock.now();
    const seedStarted = Date.now();
    await seedCopies(services.db, payment.id, entries - 1, now);
    const seedSeconds = seconds(Date.now() - seedStarted);
    const scope = { merchantId: merchant.merchantId, environment: "sandbox" as const };
    const before = await checkLedgerInvariants(scope, services.db);
    if (!before.ok) throw new Error(`settlement bench: seeded ledger broken ${JSON.stringify(before)}`);
    const expected = await execute<{ net: string }>(
      sql`select coalesce(sum(amount_received - fee), 0)::text as net from payments
           where merchant_id = ${merchant.merchantId} and settled_at is null and available_on is not null`,
      services.db,
    );

    const tempBefore = await tempBytes(services.db);
    const rssBefore = process.memoryUsage().rss;
    const stopSampling = sampleRss();
    const runStarted = Date.now();
    const result = await runSettlements(services, { merchantId: merchant.merchantId });
    const runSeconds = seconds(Date.now() - runStarted);
    const peakRss = stopSampling();
    const tempAfter = await tempBytes(services.db);
    if (result.settlements !== 1) throw new Error(`settlement bench: ${result.settlements} settlements`);

    const [settled] = (
      await execute<{ id: string; charge_count: number; net: string }>(
        sql`select id, charge_count, net::text as net from settlements where merchant_id = ${merchant.merchantId}`,
        services.db,
      )
    ).rows;
    if (!settled) throw new Error("settlement bench: no settlement row");
    const reconciliation = await reconcileSettlements(scope, services.db);
    const after = await checkLedgerInvariants(scope, services.db);

    const csvStarted = Date.now();
    const csv = await fetch(`${baseUrl}/api/v1/settlements/${settled.id}/export.csv`, {
      headers: merchant.headers,
    });
    const body = await csv.text();
    const csvSeconds = seconds(Date.now() - csvStarted);
    return {
      entries,
      seedSeconds,
      runSeconds,
      peakRssMb: mb(peakRss),
      rssGrowthMb: mb(peakRss - rssBefore),
      postgresTempMb: mb(tempAfter - tempBefore),
      settlement: {
        id: settled.id,
        charges: settled.charge_count,
        net: Number(settled.net),
        expectedNet: Number(expected.rows[0]?.net ?? Number.NaN),
      },
      reconciled: reconciliation.violations.length === 0,
      invariantsOk: after.ok,
      csv: {
        seconds: csvSeconds,
        megabytes: mb(Buffer.byteLength(body)),
        lines: body.split("\r\n").filter((line) => line !== "").length,
        status: csv.status,
      },
    };
  } finally {
    await services.close();
  }
}
