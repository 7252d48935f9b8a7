import { sql } from "drizzle-orm";
import type { Services } from "../../core/context";
import { databaseErrorCode, execute } from "../../core/db";
import { ApiError } from "../../core/errors";
import { systemContext } from "../../core/http";
import { errorText, log } from "../../core/log";
import { type Environment, weekdays } from "../../core/tables";
import { createPayout, payoutCurrencies, payoutFee, payoutRail, scheduledPayoutMethod } from "./create";
import { latestFireAt, type PayoutCadence } from "./schedule-periods";
import type { PayoutMethod } from "./tables";

/** Merchant-currency groups per run; the next run (every five minutes) takes the rest. */
const RUN_LIMIT = 100;

interface DueGroup extends Record<string, unknown> {
  merchant_id: string;
  environment: Environment;
  currency: string;
  /** What the group may pay out: the available balance less what reached it within `delay_days`. */
  payable: string;
  method: PayoutMethod;
  period_end: string;
  destination: string | null;
}

/** Every cadence a schedule can have: daily, each weekday, each day of the month (39 in all). */
function cadences(): Array<PayoutCadence & { anchor: string }> {
  return [
    { interval: "daily", anchor: "" },
    ...weekdays.map((day) => ({ interval: "weekly" as const, weeklyAnchor: day, anchor: day })),
    ...Array.from({ length: 31 }, (_, index) => ({
      interval: "monthly" as const,
      monthlyAnchor: index + 1,
      anchor: String(index + 1),
    })),
  ];
}

/**
 * Merchant, environment and currency groups whose schedule fired (its latest fire time at or
 * before now, and at or after the schedule was last set) with a payable balance (available, less what
 * arrived within the schedule's delay) of at least the currency's minimum, and no automatic payout yet
 * for that period. The destination is the named
 * account for its currency, else the merchant's most recently verified own account in the currency.
 * One statement; each cadence's period end is computed here, not in SQL.
 */
async function findDue(
  services: Services,
  now: Date,
  { merchantId, limit }: { merchantId: string | undefined; limit: number },
): Promise<DueGroup[]> {
  const periods = sql.join(
    cadences().map(
      (cadence) =>
        sql`(${cadence.interval}, ${cadence.anchor}, ${latestFireAt(cadence, now).toISOString()}::timestamptz)`,
    ),
    sql`, `,
  );
  // What each currency's balance must exceed for each method: the fee of a one-minor-unit payout.
  const floors = sql.join(
    payoutCurrencies.map(
      (currency) =>
        sql`(${currency}, ${payoutFee(currency, "standard", 1)}::bigint, ${payoutFee(currency, scheduledPayoutMethod(currency, "instant"), 1)}::bigint)`,
    ),
    sql`, `,
  );
  const result = await execute<DueGroup>(
    sql`with periods (interval, anchor, period_end) as (values ${periods}),
               floors (currency, standard_floor, instant_floor) as (values ${floors})
        select s.merchant_id, s.environment, a.currency, f.payable::text as payable, s.method,
               e.period_end, d.id as destination
          from payout_schedules s
          join periods e on e.interval = s.interval
                        and e.anchor = coalesce(s.weekly_anchor, s.monthly_anchor::text, '')
          join ledger_accounts a on a.merchant_id = s.merchant_id and a.environment = s.environment
                                and a.kind = 'merchant_available' and a.balance > 0
          join floors x on x.currency = a.currency
          -- Debits spend the oldest funds first, so what reached available within the delay is
          -- the newest part of the balance: the rest became available at least delay_days ago.
          cross join lateral (
            select greatest(a.balance - coalesce(sum(n.amount), 0), 0) as payable
              from ledger_entries n
             where s.delay_days > 0 and n.account_id = a.id and n.amount > 0
               and n.created_at > ${now.toISOString()}::timestamptz - make_interval(days => s.delay_days)) f
          left join lateral (
            select b.id from bank_accounts b
             where b.merchant_id = s.merchant_id and b.environment = s.environment
               and b.customer_id is null and b.deleted_at is null and b.status = 'verified'
               and b.currency = a.currency
             order by (b.id = s.bank_account_id) desc, b.verified_at desc nulls last, b.id desc
             limit 1) d on true
         where s.interval <> 'manual' and e.period_end >= s.updated_at
           -- The fee comes out of the same balance: a balance it eats whole pays nothing.
           and f.payable > case s.method when 'instant' then x.instant_floor else x.standard_floor end
           and f.payable >= coalesce((s.minimum_amounts ->> a.currency)::bigint, s.minimum_amount)
           ${merchantId === undefined ? sql`` : sql`and s.merchant_id = ${merchantId}`}
           and not exists (
             select 1 from payouts p
              where p.merchant_id = s.merchant_id and p.environment = s.environment
                and p.currency = a.currency and p.schedule_period_end = e.period_end)
         -- Groups with no destination last: they are only logged, and must never fill the page
         -- ahead of groups that can be paid (they stay due until their period ends).
         order by (d.id is null), e.period_end, s.merchant_id, a.currency
         limit ${limit}`,
    services.db,
  );
  return result.rows;
}

export interface AutomaticPayoutResult extends Record<string, unknown> {
  /** Payouts created. */
  payouts: number;
  /** Groups with a balance due but no verified bank account in the currency (logged). */
  skipped_no_destination: number;
  /** Groups a concurrent run paid out first (the unique key refused the second payout). */
  already_paid_out: number;
  /** Groups the payouts module refused (KYB in production, the balance moved meanwhile; logged). */
  refused: number;
}

/**
 * The largest payout in `currency` by `method` that `balance` covers with its fee (instant: 1 %, at
 * least one minor unit; SWIFT: flat), within the rail's per-payment maximum: one payout per period,
 * the rest waits for the next.
 */
export function largestPayout(balance: number, currency: string, method: PayoutMethod): number {
  const { maxAmount } = payoutRail(currency, method);
  const fee = (amount: number) => payoutFee(currency, method, amount);
  // A flat fee comes straight off; a 1 % fee from just above balance × 100/101 takes at most two steps down.
  const start = method === "instant" ? Math.floor((balance * 100) / 101) + 1 : balance - fee(0);
  let amount = Math.max(0, Math.min(maxAmount, start));
  while (amount > 0 && amount + fee(amount) > balance) amount -= 1;
  return amount;
}

type Outcome = "created" | "already" | "refused";

/** One group's payout through the payouts module's own create verb, so funds are reserved as for any payout. */
async function payOut(services: Services, group: DueGroup & { destination: string }): Promise<Outcome> {
  const ctx = systemContext(
    services,
    { merchantId: group.merchant_id, environment: group.environment },
    "payout-automatic",
  );
  const method = scheduledPayoutMethod(group.currency, group.method);
  const amount = largestPayout(Number(group.payable), group.currency, method);
  try {
    await createPayout({
      ctx,
      input: { amount, currency: group.currency, destination: group.destination, method },
      schedulePeriodEnd: new Date(group.period_end),
    });
    return "created";
  } catch (error) {
    if (databaseErrorCode(error) === "23505") return "already";
    log(error instanceof ApiError ? "warn" : "error", "payout_automatic_refused", {
      merchant: group.merchant_id,
      environment: group.environment,
      currency: group.currency,
      code: error instanceof ApiError ? error.code : undefined,
      reason: errorText(error),
    });
    return "refused";
  }
}

/**
 * The payout-automatic function: for every merchant whose payout schedule fired, one payout per
 * currency of the payable balance (when at least the currency's minimum), by the schedule's method, to
 * the schedule's destination.
 * Exactly once per merchant, environment, currency and period, however often or concurrently it runs.
 */
export async function runAutomaticPayouts(
  services: Services,
  options: { merchantId?: string; limit?: number } = {},
): Promise<AutomaticPayoutResult> {
  const now = services.clock.now();
  const due = await findDue(services, now, {
    merchantId: options.merchantId,
    limit: options.limit ?? RUN_LIMIT,
  });
  const result: AutomaticPayoutResult = {
    payouts: 0,
    skipped_no_destination: 0,
    already_paid_out: 0,
    refused: 0,
  };
  for (const group of due) {
    const { destination } = group;
    if (destination === null) {
      log("warn", "payout_automatic_skipped", {
        merchant: group.merchant_id,
        environment: group.environment,
        currency: group.currency,
        reason: "no_destination",
        message: `No verified bank account of the merchant receives ${group.currency}; nothing was paid out.`,
      });
      result.skipped_no_destination += 1;
      continue;
    }
    const outcome = await payOut(services, { ...group, destination });
    if (outcome === "created") result.payouts += 1;
    else if (outcome === "already") result.already_paid_out += 1;
    else result.refused += 1;
  }
  return result;
}
