import { and, eq, type SQL, sql } from "drizzle-orm";
import type { Services } from "../../core/context";
import { type Executor, execute } from "../../core/db";
import { recordChange } from "../../core/events";
import { systemContext } from "../../core/http";
import { newId } from "../../core/ids";
import { type AccountRef, lockAccounts, post } from "../../core/ledger";
import type { Environment } from "../../core/tables";
import { customerOnClock, notOnClock } from "../customers/service";
import { retryWaitingRefunds } from "../refunds/service";
import { DEFAULT_SETTLEMENT_CRON, nextRunAt, periodAt, type SettlementPeriod } from "./periods";
import { toSettlement } from "./rows";
import { retrieveSettlementSchedule } from "./schedule";
import { type SettlementRow, settlementSchedules, settlements } from "./tables";

/** Merchant-currency groups per run; the next run (every five minutes) takes the rest. */
const RUN_LIMIT = 100;

interface DueGroup {
  merchantId: string;
  environment: Environment;
  currency: string;
  period: SettlementPeriod;
  /** The clock whose customers' payments this settles; null: the payments on real time. */
  testClockId: string | null;
}

interface ItemTotals extends Record<string, unknown> {
  claimed: number;
  charges: number;
  refund_count: number;
  gross: number;
  refunds: number;
  fees: number;
  due: number;
}

/** Captured payments (of the table or alias `payments`) whose funds have a maturity and are not settled yet. */
function unsettled(payments: "p" | "payments"): SQL {
  const p = sql.raw(payments);
  return sql`${p}.settled_at is null and ${p}.available_on is not null and ${p}.amount_received > 0`;
}

/**
 * Merchant, environment and currency groups whose last completed period holds matured funds
 * (captured payments whose available_on has passed by the period's end, not yet settled) and has
 * no settlement yet. One statement; each distinct schedule's period is computed here, not in SQL.
 */
async function findDue(services: Services, now: Date, merchantId: string | undefined): Promise<DueGroup[]> {
  const crons = await services.db
    .selectDistinct({ cron: settlementSchedules.cron })
    .from(settlementSchedules);
  const periods = new Map<string, SettlementPeriod>();
  for (const cron of [DEFAULT_SETTLEMENT_CRON, ...crons.map((row) => row.cron)]) {
    periods.set(cron, periodAt(cron, now));
  }
  const values = sql.join(
    [...periods].map(
      ([cron, period]) =>
        sql`(${cron}, ${period.start.toISOString()}::timestamptz, ${period.end.toISOString()}::timestamptz)`,
    ),
    sql`, `,
  );
  const result = await execute<{
    merchant_id: string;
    environment: Environment;
    currency: string;
    cron: string;
  }>(
    sql`with periods (cron, period_start, period_end) as (values ${values})
        select p.merchant_id, p.environment, p.currency, e.cron
          from payments p
          left join settlement_schedules s on s.merchant_id = p.merchant_id and s.environment = p.environment
          join periods e on e.cron = coalesce(s.cron, ${DEFAULT_SETTLEMENT_CRON})
         where ${unsettled("p")} and p.available_on <= e.period_end
           ${merchantId === undefined ? sql`` : sql`and p.merchant_id = ${merchantId}`}
           and ${notOnClock(sql.raw("p.customer_id"))}
           and not exists (
             select 1 from settlements b
              where b.merchant_id = p.merchant_id and b.environment = p.environment
                and b.currency = p.currency and b.period_end = e.period_end and b.test_clock_id is null)
         group by p.merchant_id, p.environment, p.currency, e.cron
         limit ${RUN_LIMIT}`,
    services.db,
  );
  return result.rows.flatMap((row) => {
    const period = periods.get(row.cron);
    return period
      ? [
          {
            merchantId: row.merchant_id,
            environment: row.environment,
            currency: row.currency,
            period,
            testClockId: null,
          },
        ]
      : [];
  });
}

/** The payments a group may claim: its clock's customers', or those on real time. */
function clockScope(testClockId: string | null) {
  const customer = sql.raw("payments.customer_id");
  return testClockId === null ? notOnClock(customer) : customerOnClock(customer, testClockId);
}

/**
 * Claims the group's matured payments (compare-and-set on settled_at) and records them, and the
 * refunds drawn from their pending funds, as the settlement's items, in one statement; answers the
 * totals of what it claimed.
 */
async function claimItems(
  group: DueGroup,
  settlementId: string,
  now: Date,
  tx: Executor,
): Promise<ItemTotals> {
  const { merchantId, environment, currency } = group;
  const at = now.toISOString();
  const result = await execute<ItemTotals>(
    sql`with claimed as (
          update payments set settled_at = ${at}::timestamptz, updated_at = ${at}::timestamptz
           where merchant_id = ${merchantId} and environment = ${environment} and currency = ${currency}
             and ${unsettled("payments")} and available_on <= ${group.period.end.toISOString()}::timestamptz
             and ${clockScope(group.testClockId)}
          returning id, amount_received, fee, available_on
        ), items as (
          insert into settlement_items (id, settlement_id, merchant_id, environment, currency,
                                        reporting_category, source_id, gross, fee, net, available_on, created_at)
          select lt.id, ${settlementId}, ${merchantId}, ${environment}, ${currency}, 'charge', c.id,
                 c.amount_received, c.fee, c.amount_received - c.fee, c.available_on, lt.created_at
            from claimed c
            join ledger_transactions lt on lt.environment = ${environment} and lt.source = 'payment:' || c.id || ':captured'
          union all
          select lt.id, ${settlementId}, ${merchantId}, ${environment}, ${currency}, 'refund', r.id,
                 -((r.funding->>'pending')::bigint), 0, -((r.funding->>'pending')::bigint), c.available_on, lt.created_at
            from claimed c
            join refunds r on r.merchant_id = ${merchantId} and r.environment = ${environment} and r.payment_id = c.id
            join ledger_transactions lt on lt.environment = ${environment} and lt.source = 'refund:' || r.id || ':funded'
           where r.status <> 'failed' and (r.funding->>'pending')::bigint > 0
          returning reporting_category, gross, fee, net
        )
        select (select count(*) from claimed)::int as claimed,
               (count(*) filter (where reporting_category = 'charge'))::int as charges,
               (count(*) filter (where reporting_category = 'refund'))::int as refund_count,
               coalesce(sum(gross) filter (where reporting_category = 'charge'), 0)::bigint as gross,
               coalesce(-sum(gross) filter (where reporting_category = 'refund'), 0)::bigint as refunds,
               coalesce(sum(fee), 0)::bigint as fees,
               coalesce(sum(net), 0)::bigint as due
          from items`,
    tx,
  );
  const [row] = result.rows;
  if (!row) throw new Error("settlement items returned no totals");
  const totals = Object.fromEntries(Object.entries(row).map(([key, value]) => [key, Number(value)]));
  return totals as ItemTotals;
}

/**
 * One settlement: the batch row first (its unique key makes a second or concurrent run wait, then
 * do nothing), the items, one pending → available posting of the net, the totals and
 * settlement.created, in one interactive transaction (the posting's amount depends on the claimed
 * rows and on pending under its lock).
 */
async function settleGroup(services: Services, group: DueGroup, now: Date): Promise<SettlementRow | null> {
  const owner = { merchantId: group.merchantId, environment: group.environment };
  const pending: AccountRef = { kind: "merchant_pending", currency: group.currency };
  const available: AccountRef = { kind: "merchant_available", currency: group.currency };
  return services.transaction(async (tx) => {
    const id = newId("settlement");
    const [claim] = await tx
      .insert(settlements)
      .values({
        id,
        ...owner,
        currency: group.currency,
        periodStart: group.period.start,
        periodEnd: group.period.end,
        testClockId: group.testClockId,
        gross: 0,
        refunds: 0,
        fees: 0,
        adjustments: 0,
        net: 0,
        chargeCount: 0,
        refundCount: 0,
        createdAt: now,
      })
      .onConflictDoNothing()
      .returning({ id: settlements.id });
    if (!claim) return null;
    const totals = await claimItems(group, id, now, tx);
    if (totals.claimed !== totals.charges) {
      throw new Error(
        `settlement ${id}: ${totals.claimed} payments claimed, ${totals.charges} capture postings`,
      );
    }
    if (totals.claimed === 0) {
      await tx.delete(settlements).where(eq(settlements.id, id));
      return null;
    }
    // Payments first, then the accounts: the order refunds and the sandbox settle helper lock in.
    const accounts = await lockAccounts(owner, [pending, available], now, tx);
    const held = accounts.get(`${group.currency}|merchant_pending`)?.balance ?? 0;
    // Never more than pending holds: refunds that took pending below zero are repaid first.
    const net = Math.min(totals.due, Math.max(0, held));
    const posting =
      net > 0
        ? await post(
            {
              ...owner,
              source: `settlement:${id}`,
              type: "settlement",
              status: "posted",
              sourceObjectId: id,
              description: `Settlement ${id}`,
              entries: [
                { account: pending, amount: -net },
                { account: available, amount: net },
              ],
              at: now,
            },
            tx,
          )
        : null;
    const [row] = await tx
      .update(settlements)
      .set({
        gross: totals.gross,
        refunds: totals.refunds,
        fees: totals.fees,
        adjustments: net - totals.due,
        net,
        chargeCount: totals.charges,
        refundCount: totals.refund_count,
        ledgerTransactionId: posting?.transaction.id ?? null,
      })
      .where(and(eq(settlements.id, id), eq(settlements.merchantId, group.merchantId)))
      .returning();
    if (!row) throw new Error(`settlement ${id} vanished`);
    const ctx = systemContext(services, owner, group.testClockId ? "test-clock" : "settlement-run");
    await recordChange(ctx, { type: "settlement.created", object: toSettlement(row) }, tx);
    return row;
  });
}

export type SettlementRunResult = { settlements: number; refunds_funded: number };

/**
 * The settlement-run function: every merchant whose schedule's period has ended gets one settlement
 * per currency with matured funds. Exactly once per merchant, currency and period, however often
 * or concurrently it runs.
 */
export async function runSettlements(
  services: Services,
  options: { merchantId?: string } = {},
): Promise<SettlementRunResult> {
  const now = services.clock.now();
  const due = await findDue(services, now, options.merchantId);
  const settled: SettlementRow[] = [];
  for (const group of due) {
    const row = await settleGroup(services, group, now);
    if (row) settled.push(row);
  }
  // Refunds waiting for funds are retried as soon as settlements bring money in.
  const refunds = settled.length > 0 ? await retryWaitingRefunds(services, { merchants: settled }) : 0;
  return { settlements: settled.length, refunds_funded: refunds };
}

/**
 * Settlement as a test clock passes `at`: the payments of the clock's customers settle on the
 * merchant's schedule in the clock's time, as settlement-run settles the others on real time
 * (which leaves them alone): one settlement per currency and period, marked with the clock.
 * Answers when the clock's next unsettled payment matures into a period, for the advance.
 */
export async function runClockSettlements(
  services: Services,
  clock: { id: string; merchantId: string; environment: Environment },
  at: Date,
): Promise<{ settlements: number; nextDueAt: Date | null }> {
  const owner = { merchantId: clock.merchantId, environment: clock.environment };
  const { cron } = await retrieveSettlementSchedule({ ctx: systemContext(services, owner, "test-clock") });
  const period = periodAt(cron, at);
  const clockPayments = sql`p.merchant_id = ${clock.merchantId} and p.environment = ${clock.environment}
    and ${unsettled("p")} and ${customerOnClock(sql.raw("p.customer_id"), clock.id)}`;
  const periodEnd = period.end.toISOString();
  const due = await execute<{ currency: string }>(
    sql`select distinct p.currency from payments p where ${clockPayments} and p.available_on <= ${periodEnd}::timestamptz`,
    services.db,
  );
  const settled: SettlementRow[] = [];
  for (const { currency } of due.rows) {
    const row = await settleGroup(services, { ...owner, currency, period, testClockId: clock.id }, at);
    if (row) settled.push(row);
  }
  if (settled.length > 0) await retryWaitingRefunds(services, { merchants: settled });
  const next = await execute<{ at: string | null }>(
    sql`select min(p.available_on) as at from payments p where ${clockPayments} and p.available_on > ${periodEnd}::timestamptz`,
    services.db,
  );
  const matures = next.rows[0]?.at ? new Date(next.rows[0].at) : null;
  // The schedule's first fire at or after the payment matures.
  return {
    settlements: settled.length,
    nextDueAt: matures ? nextRunAt(cron, new Date(matures.getTime() - 1)) : null,
  };
}
