import { and, asc, eq, gte, isNotNull, lte } from "drizzle-orm";
import { applyChanges } from "../../core/batch";
import type { Services } from "../../core/context";
import { systemContext } from "../../core/http";
import { newId } from "../../core/ids";
import {
  arrivalFailure,
  dueReturn,
  hasArrived,
  RAIL_RUN_LIMIT,
  type RailId,
  type RailRun,
  rails,
  submissionIds,
  utcDayBound,
} from "../../core/rails";
import { onlyMerchant } from "../../core/tenancy";
import { followCryptoPayouts } from "./crypto-progress";
import { type PayoutRow, payouts } from "./tables";
import { type PayoutChange, payoutChangeStatement } from "./transitions";

const contextOf = (services: Services, row: PayoutRow) => systemContext(services, row, "payout-batch");

type RailPayout = PayoutRow & { rail: RailId };

/** The payouts that travel on a bank rail (the queries below also select only those): wallets' have none. */
const onRails = (rows: PayoutRow[]): RailPayout[] =>
  rows.filter((row): row is RailPayout => row.rail !== null);

/**
 * Pending payouts whose cut-off has come, grouped per environment, rail and cut-off: each group is
 * one submission to the rail (`batch`), and its payouts go `in_transit`. Only the sandbox rail
 * simulator is connected: production payouts wait here until a rail adapter is.
 */
async function submitDue(services: Services, { now, merchantId }: RailRun): Promise<number> {
  const due = await services.db
    .select()
    .from(payouts)
    .where(
      and(
        onlyMerchant(payouts, merchantId),
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

/** In-transit payouts whose arrival day has come on their rail: paid, or failed by the receiving bank. */
async function settleArrived(
  services: Services,
  { now, merchantId }: RailRun,
): Promise<{ paid: number; failed: number }> {
  const arriving = await services.db
    .select()
    .from(payouts)
    .where(
      and(
        onlyMerchant(payouts, merchantId),
        eq(payouts.status, "in_transit"),
        isNotNull(payouts.rail),
        lte(payouts.arrivalDate, utcDayBound(now, 1)),
      ),
    )
    .limit(RAIL_RUN_LIMIT)
    .then(onRails);
  const paid: PayoutChange[] = [];
  const failed: PayoutChange[] = [];
  for (const row of arriving) {
    if (!hasArrived(rails[row.rail], row.arrivalDate, now)) continue;
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
async function applyReturns(services: Services, { now, merchantId }: RailRun): Promise<number> {
  const returnable = await services.db
    .select()
    .from(payouts)
    .where(
      and(
        onlyMerchant(payouts, merchantId),
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
 * The payout-batch background function's work, on the services clock: submit the due windows,
 * settle what arrived, apply returns; then move payouts to crypto wallets after their transfers. Each step is one read and one write batch of compare-and-set
 * statements, so concurrent runs and a merchant's cancel apply each change once.
 */
export async function runPayoutBatch(services: Services, merchantId?: string) {
  const run: RailRun = { now: services.clock.now(), merchantId };
  const submitted = await submitDue(services, run);
  const { paid, failed } = await settleArrived(services, run);
  const returned = await applyReturns(services, run);
  const crypto = await followCryptoPayouts(services, run);
  return { submitted, paid, failed, returned, crypto };
}
