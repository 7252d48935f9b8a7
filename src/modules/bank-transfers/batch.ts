import { and, asc, eq, gte, inArray, isNull, lte, sql } from "drizzle-orm";
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
  type RailRun,
  railDayStart,
  railOf,
  railRunScope,
  returningMagic,
  simulatedReturn,
  submissionIds,
  utcDayBound,
} from "../../core/rails";
import type { Environment } from "../../core/tables";
import { tenantScope } from "../../core/tenancy";
import { type BankTransferRow, bankTransfers } from "./tables";
import { bankTransferChangeStatement, failedAtArrival, returnedAfterSettlement } from "./transitions";

const contextOf = (services: Services, row: BankTransferRow) =>
  systemContext(services, row, row.testClockId ? "test-clock" : "payout-batch");

/**
 * Pending sandbox transfers whose cut-off has come, one submission per environment, rail and
 * cut-off: `submitted`. Production transfers wait here until a rail adapter is connected.
 */
async function submitDue(services: Services, run: RailRun): Promise<number> {
  const { now } = run;
  const due = await services.db
    .select()
    .from(bankTransfers)
    .where(
      and(
        railRunScope(bankTransfers, run),
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
async function settleArrived(services: Services, run: RailRun): Promise<number> {
  const { now } = run;
  const arriving = await services.db
    .select()
    .from(bankTransfers)
    .where(
      and(
        railRunScope(bankTransfers, run),
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
async function applyReturns(services: Services, run: RailRun): Promise<number> {
  const { now } = run;
  const returnable = await services.db
    .select()
    .from(bankTransfers)
    .where(
      and(
        railRunScope(bankTransfers, run),
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
async function releaseAvailable(services: Services, run: RailRun): Promise<number> {
  const { now } = run;
  const maturing = await services.db
    .select()
    .from(bankTransfers)
    .where(
      and(
        railRunScope(bankTransfers, run),
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
 * Submit the due windows, settle what arrived, apply returns, then release matured debits. Returns
 * run before the release, so a debit returned on its `available_on` day comes out of pending. Each
 * step is one read and one write batch of compare-and-set statements.
 */
async function moveOnRails(services: Services, run: RailRun) {
  const submitted = await submitDue(services, run);
  const arrived = await settleArrived(services, run);
  const returned = await applyReturns(services, run);
  const available = await releaseAvailable(services, run);
  return { submitted, arrived, returned, available };
}

/** The bank-transfer half of the payout-batch background function, on the services clock, for the transfers on no test clock. */
export async function runBankTransferBatch(services: Services, merchantId?: string) {
  return moveOnRails(services, { now: services.clock.now(), merchantId });
}

/** The days a settled transfer may still move on its rail: a pull's funds becoming available, a simulated return. */
function settledDays(row: BankTransferRow): string[] {
  const release = row.fundsAvailableAt === null && row.availableOn !== null ? [row.availableOn] : [];
  const returned = simulatedReturn(row);
  return returned ? [...release, returned.on] : release;
}

/** When the run's transfers next move: a pending one's cut-off, an arrival day, a release or a return. */
async function nextMove(services: Services, run: RailRun): Promise<Date | null> {
  const open = await services.db
    .select()
    .from(bankTransfers)
    .where(
      and(
        railRunScope(bankTransfers, run),
        inArray(bankTransfers.status, ["pending", "submitted", "settled"]),
        gte(bankTransfers.returnDeadline, utcDayBound(run.now, -1)),
      ),
    );
  return nextAfter(
    run.now,
    open.flatMap((row) => {
      const rail = railOf(row);
      if (row.status === "pending") return [row.windowAt];
      if (row.status === "submitted") return [railDayStart(rail, row.arrivalDate)];
      return settledDays(row).map((day) => railDayStart(rail, day));
    }),
  );
}

/**
 * The bank transfers of a test clock as it passes `at` (its hook): the same steps as payout-batch,
 * on the clock's transfers only (payout-batch leaves them alone). Answers when they next move.
 */
export async function runClockBankTransfers(
  services: Services,
  testClock: { id: string; merchantId: string; environment: Environment },
  at: Date,
) {
  const run: RailRun = { now: at, testClock };
  const moved = await moveOnRails(services, run);
  return { ...moved, nextDueAt: await nextMove(services, run) };
}

/**
 * A deleted clock's transfers still on their way (pending, submitted, settled but returnable) go
 * back to real time: payout-batch moves them from then on, on the dates the clock gave them.
 */
export async function releaseClockBankTransfers(ctx: ServiceContext, clockId: string): Promise<number> {
  const released = await ctx.services.db
    .update(bankTransfers)
    .set({ testClockId: null })
    .where(
      and(
        ...tenantScope(bankTransfers, ctx),
        eq(bankTransfers.testClockId, clockId),
        inArray(bankTransfers.status, ["pending", "submitted", "settled"]),
      ),
    )
    .returning({ id: bankTransfers.id });
  return released.length;
}
