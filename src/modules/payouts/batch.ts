import { and, asc, eq, gte, inArray, isNotNull, lte } from "drizzle-orm";
import { applyChanges } from "../../core/batch";
import type { ServiceContext, Services } from "../../core/context";
import { systemContext } from "../../core/http";
import { newId } from "../../core/ids";
import {
  arrivalFailure,
  dueReturn,
  hasArrived,
  nextAfter,
  RAIL_RUN_LIMIT,
  type RailId,
  type RailRun,
  railDayStart,
  railOf,
  railRunScope,
  simulatedReturn,
  submissionIds,
  utcDayBound,
} from "../../core/rails";
import type { Environment } from "../../core/tables";
import { tenantScope } from "../../core/tenancy";
import { followCryptoPayouts } from "./crypto-progress";
import { moveOnProvider } from "./provider-rails";
import { type PayoutRow, payouts } from "./tables";
import { type PayoutChange, payoutChangeStatement } from "./transitions";

const contextOf = (services: Services, row: PayoutRow) =>
  systemContext(services, row, row.testClockId ? "test-clock" : "payout-batch");

type RailPayout = PayoutRow & { rail: RailId };

/** The payouts that travel on a bank rail (the queries below also select only those): wallets' have none. */
const onRails = (rows: PayoutRow[]): RailPayout[] =>
  rows.filter((row): row is RailPayout => row.rail !== null);

/**
 * Pending sandbox payouts whose cut-off has come, grouped per environment, rail and cut-off: each
 * group is one submission to the simulated rail (`batch`), and its payouts go `in_transit`.
 * Production payouts go through the rail adapter (provider-rails.ts).
 */
async function submitDue(services: Services, run: RailRun): Promise<number> {
  const { now } = run;
  const due = await services.db
    .select()
    .from(payouts)
    .where(
      and(
        railRunScope(payouts, run),
        eq(payouts.status, "pending"),
        isNotNull(payouts.rail),
        eq(payouts.environment, "sandbox"),
        lte(payouts.windowAt, now),
      ),
    )
    .orderBy(asc(payouts.windowAt))
    .limit(RAIL_RUN_LIMIT)
    .then(onRails);
  const batchIds = submissionIds(due, () => newId("payoutBatch"));
  const changes = due.map((row, index) =>
    payoutChangeStatement(contextOf(services, row), row, {
      to: "in_transit",
      from: ["pending"],
      values: { batchId: batchIds[index] ?? null, submittedAt: now },
      event: "payout.in_transit",
      release: false,
    }),
  );
  return applyChanges(services, changes);
}

/** In-transit sandbox payouts whose arrival day has come on their rail: paid, or failed by the simulated bank. */
async function settleArrived(services: Services, run: RailRun): Promise<{ paid: number; failed: number }> {
  const { now } = run;
  const arriving = await services.db
    .select()
    .from(payouts)
    .where(
      and(
        railRunScope(payouts, run),
        eq(payouts.status, "in_transit"),
        eq(payouts.environment, "sandbox"),
        isNotNull(payouts.rail),
        lte(payouts.arrivalDate, utcDayBound(now, 1)),
      ),
    )
    .limit(RAIL_RUN_LIMIT)
    .then(onRails);
  const paid: PayoutChange[] = [];
  const failed: PayoutChange[] = [];
  for (const row of arriving) {
    if (!hasArrived(railOf(row), row.arrivalDate, now)) continue;
    const failure = arrivalFailure(row);
    const ctx = contextOf(services, row);
    if (failure) {
      failed.push(
        payoutChangeStatement(ctx, row, {
          to: "failed",
          from: ["in_transit"],
          values: { failureCode: failure.code, failureMessage: failure.message, failedAt: now },
          event: "payout.failed",
          release: true,
        }),
      );
    } else {
      paid.push(
        payoutChangeStatement(ctx, row, {
          to: "paid",
          from: ["in_transit"],
          values: { paidAt: now },
          event: "payout.paid",
          release: false,
        }),
      );
    }
  }
  return { paid: await applyChanges(services, paid), failed: await applyChanges(services, failed) };
}

/** Paid sandbox payouts the simulated bank returns within the rail's window: failed, funds back. */
async function applyReturns(services: Services, run: RailRun): Promise<number> {
  const { now } = run;
  const returnable = await services.db
    .select()
    .from(payouts)
    .where(
      and(
        railRunScope(payouts, run),
        eq(payouts.status, "paid"),
        eq(payouts.environment, "sandbox"),
        isNotNull(payouts.rail),
        gte(payouts.returnDeadline, utcDayBound(now, -1)),
      ),
    )
    .limit(RAIL_RUN_LIMIT)
    .then(onRails);
  const changes = returnable.flatMap((row) => {
    const returned = dueReturn(row, now);
    if (!returned) return [];
    return [
      payoutChangeStatement(contextOf(services, row), row, {
        to: "failed",
        from: ["paid"],
        values: {
          failureCode: returned.code,
          failureMessage: returned.message,
          failedAt: now,
          returnedAt: now,
        },
        event: "payout.returned",
        release: true,
      }),
    ];
  });
  return applyChanges(services, changes);
}

/**
 * Submit the due windows, settle what arrived, apply returns (sandbox: the simulator; production:
 * the rail adapter, when one is configured); then move payouts to crypto wallets after their
 * transfers. Each step's writes are one batch of compare-and-set statements, so concurrent runs and
 * a merchant's cancel apply each change once.
 */
async function moveOnRails(services: Services, run: RailRun) {
  const submitted = await submitDue(services, run);
  const { paid, failed } = await settleArrived(services, run);
  const returned = await applyReturns(services, run);
  const provider = await moveOnProvider(services, run);
  const crypto = await followCryptoPayouts(services, run);
  return { submitted, paid, failed, returned, provider, crypto };
}

/** The payout-batch background function's work, on the services clock, for the payouts on no test clock. */
export async function runPayoutBatch(services: Services, merchantId?: string) {
  return moveOnRails(services, { now: services.clock.now(), merchantId });
}

/** When the run's payouts next move: a pending one's cut-off, an arrival day, a simulated return's day. */
async function nextMove(services: Services, run: RailRun): Promise<Date | null> {
  const open = await services.db
    .select()
    .from(payouts)
    .where(
      and(
        railRunScope(payouts, run),
        inArray(payouts.status, ["pending", "in_transit", "paid"]),
        isNotNull(payouts.rail),
        gte(payouts.returnDeadline, utcDayBound(run.now, -1)),
      ),
    );
  return nextAfter(
    run.now,
    onRails(open).map((row) => {
      const rail = railOf(row);
      if (row.status === "pending") return row.windowAt;
      if (row.status === "in_transit") return railDayStart(rail, row.arrivalDate);
      const returned = simulatedReturn(row);
      return returned ? railDayStart(rail, returned.on) : null;
    }),
  );
}

/**
 * The payouts of a test clock as it passes `at` (its hook): the same steps as payout-batch, on the
 * clock's payouts only (payout-batch leaves them alone). Answers when they next move, for the advance.
 */
export async function runClockPayouts(
  services: Services,
  testClock: { id: string; merchantId: string; environment: Environment },
  at: Date,
) {
  const run: RailRun = { now: at, testClock };
  const moved = await moveOnRails(services, run);
  return { ...moved, nextDueAt: await nextMove(services, run) };
}

/**
 * A deleted clock's payouts still on their way (pending, in transit, paid but returnable) go back
 * to real time: payout-batch moves them from then on, on the dates the clock gave them.
 */
export async function releaseClockPayouts(ctx: ServiceContext, clockId: string): Promise<number> {
  const released = await ctx.services.db
    .update(payouts)
    .set({ testClockId: null })
    .where(
      and(
        ...tenantScope(payouts, ctx),
        eq(payouts.testClockId, clockId),
        inArray(payouts.status, ["pending", "in_transit", "paid"]),
      ),
    )
    .returning({ id: payouts.id });
  return released.length;
}
