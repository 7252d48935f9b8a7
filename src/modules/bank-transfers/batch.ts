import { and, asc, eq, gte, isNull, lte, sql } from "drizzle-orm";
import { applyChanges } from "../../core/batch";
import type { Services } from "../../core/context";
import { systemContext } from "../../core/http";
import { newId } from "../../core/ids";
import {
  arrivalFailure,
  dueReturn,
  hasArrived,
  RAIL_RUN_LIMIT,
  type RailRun,
  railOf,
  returningMagic,
  submissionIds,
  utcDayBound,
} from "../../core/rails";
import { onlyMerchant } from "../../core/tenancy";
import { type BankTransferRow, bankTransfers } from "./tables";
import { bankTransferChangeStatement, failedAtArrival, returnedAfterSettlement } from "./transitions";

const contextOf = (services: Services, row: BankTransferRow) => systemContext(services, row, "payout-batch");

/**
 * Pending sandbox transfers whose cut-off has come, one submission per environment, rail and
 * cut-off: `submitted`. Production transfers wait here until a rail adapter is connected.
 */
async function submitDue(services: Services, { now, merchantId }: RailRun): Promise<number> {
  const due = await services.db
    .select()
    .from(bankTransfers)
    .where(
      and(
        onlyMerchant(bankTransfers, merchantId),
        eq(bankTransfers.status, "pending"),
        eq(bankTransfers.environment, "sandbox"),
        lte(bankTransfers.windowAt, now),
      ),
    )
    .orderBy(asc(bankTransfers.windowAt))
    .limit(RAIL_RUN_LIMIT);
  const ids = submissionIds(due, () => newId("bankTransferSubmission"));
  return applyChanges(
    services,
    due.map((row, index) =>
      bankTransferChangeStatement(contextOf(services, row), row, {
        to: "submitted",
        from: ["pending"],
        values: { submissionId: ids[index] ?? null, submittedAt: now },
        event: "bank_transfer.submitted",
        ledger: null,
      }),
    ),
  );
}

/**
 * Submitted transfers whose arrival day has come on their rail: `settled` (a pull's funds land in
 * pending), or `failed` with the rail's code (a push's reservation comes back; a pull moved nothing).
 */
async function settleArrived(services: Services, { now, merchantId }: RailRun): Promise<number> {
  const arriving = await services.db
    .select()
    .from(bankTransfers)
    .where(
      and(
        onlyMerchant(bankTransfers, merchantId),
        eq(bankTransfers.status, "submitted"),
        lte(bankTransfers.arrivalDate, utcDayBound(now, 1)),
      ),
    )
    .limit(RAIL_RUN_LIMIT);
  const changes = arriving.flatMap((row) => {
    if (!hasArrived(railOf(row), row.arrivalDate, now)) return [];
    const failure = arrivalFailure(row);
    const ctx = contextOf(services, row);
    if (failure) return [failedAtArrival(ctx, row, failure, now)];
    return [
      bankTransferChangeStatement(ctx, row, {
        to: "settled",
        from: ["submitted"],
        values: { settledAt: now },
        event: "bank_transfer.settled",
        ledger: row.direction === "pull" ? "settled" : null,
      }),
    ];
  });
  return applyChanges(services, changes);
}

/**
 * Settled sandbox transfers the simulated bank returns within the rail's window: `returned`. A
 * push's funds come back to available; a pull's credit is reversed (rows.ts, ledgerMembers).
 */
async function applyReturns(services: Services, { now, merchantId }: RailRun): Promise<number> {
  const returnable = await services.db
    .select()
    .from(bankTransfers)
    .where(
      and(
        onlyMerchant(bankTransfers, merchantId),
        eq(bankTransfers.status, "settled"),
        eq(bankTransfers.environment, "sandbox"),
        gte(bankTransfers.returnDeadline, utcDayBound(now, -1)),
        // Only amounts the simulator returns: ACH pulls stay returnable for 60 days, and the many
        // that never come back must not fill the page ahead of those due.
        sql`${bankTransfers.amount} % 10000 in (${sql.join(
          returningMagic.map((digits) => sql`${digits}`),
          sql`, `,
        )})`,
      ),
    )
    .limit(RAIL_RUN_LIMIT);
  const changes = returnable.flatMap((row) => {
    const returned = dueReturn(row, now);
    if (!returned) return [];
    return [returnedAfterSettlement(contextOf(services, row), row, returned, now)];
  });
  return applyChanges(services, changes);
}

/** Settled pulls whose `available_on` has come: their funds move from pending to available. */
async function releaseAvailable(services: Services, { now, merchantId }: RailRun): Promise<number> {
  const maturing = await services.db
    .select()
    .from(bankTransfers)
    .where(
      and(
        onlyMerchant(bankTransfers, merchantId),
        eq(bankTransfers.status, "settled"),
        eq(bankTransfers.direction, "pull"),
        isNull(bankTransfers.fundsAvailableAt),
        lte(bankTransfers.availableOn, utcDayBound(now, 1)),
      ),
    )
    .limit(RAIL_RUN_LIMIT);
  const changes = maturing.flatMap((row) => {
    if (row.availableOn === null || !hasArrived(railOf(row), row.availableOn, now)) return [];
    return [
      bankTransferChangeStatement(contextOf(services, row), row, {
        to: "settled",
        from: ["settled"],
        values: { fundsAvailableAt: now },
        event: "bank_transfer.funds_available",
        ledger: "available",
      }),
    ];
  });
  return applyChanges(services, changes);
}

/**
 * The bank-transfer half of the payout-batch background function, on the services clock: submit
 * the due windows, settle what arrived, apply returns, then release matured debits. Returns run
 * before the release, so a debit returned on its `available_on` day comes out of pending. Each step
 * is one read and one write batch of compare-and-set statements.
 */
export async function runBankTransferBatch(services: Services, merchantId?: string) {
  const run: RailRun = { now: services.clock.now(), merchantId };
  const submitted = await submitDue(services, run);
  const arrived = await settleArrived(services, run);
  const returned = await applyReturns(services, run);
  const available = await releaseAvailable(services, run);
  return { submitted, arrived, returned, available };
}
