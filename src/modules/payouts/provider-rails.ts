import { and, asc, eq, gte, inArray, isNotNull, lte, notInArray, or, sql } from "drizzle-orm";
import { applyEachChange, changeApplied, runBatch } from "../../core/batch";
import type { Services } from "../../core/context";
import { systemContext } from "../../core/http";
import { newId } from "../../core/ids";
import { errorText, log } from "../../core/log";
import {
  type RailAdapter,
  RailProviderError,
  type RailRun,
  type RailStatus,
  railAdapterFor,
  railRunScope,
  submissionIds,
  utcDayBound,
} from "../../core/rails";
import { payoutDestinations } from "../bank-accounts/service";
import { type PayoutRow, payouts } from "./tables";
import { payoutChangeStatement } from "./transitions";

/** Provider calls per step and run: each is an HTTP request, so fewer than the simulator's 200 rows. */
export const PROVIDER_RUN_LIMIT = 50;

const contextOf = (services: Services, row: PayoutRow) => systemContext(services, row, "payout-batch");

export interface ProviderMoves {
  submitted: number;
  paid: number;
  failed: number;
  returned: number;
  /** Refused by the provider as invalid at submission: failed, funds released. */
  rejected: number;
}

const none: ProviderMoves = { submitted: 0, paid: 0, failed: 0, returned: 0, rejected: 0 };

/**
 * Production payouts through the configured rail adapter (core/rails/providers.ts): submit the due
 * ones, then poll those in transit or still returnable. Without an adapter (or on a test clock's run,
 * which is sandbox) nothing happens and production payouts stay pending.
 */
export async function moveOnProvider(services: Services, run: RailRun): Promise<ProviderMoves> {
  const adapter = railAdapterFor(services.config);
  if (!adapter || run.testClock) return none;
  const { submitted, rejected } = await submitToProvider(services, run, adapter);
  return { submitted, rejected, ...(await pollProvider(services, run, adapter)) };
}

const dueScope = (run: RailRun) =>
  and(
    railRunScope(payouts, run),
    eq(payouts.environment, "production"),
    eq(payouts.status, "pending"),
    isNotNull(payouts.rail),
    lte(payouts.windowAt, run.now),
  );

/** Due payouts on rails the provider lacks stay pending: one warning per rail and run says why. */
async function logUnsupported(services: Services, run: RailRun, adapter: RailAdapter): Promise<void> {
  const waiting = await services.db
    .select({ rail: payouts.rail, count: sql<number>`count(*)::int` })
    .from(payouts)
    .where(and(dueScope(run), notInArray(payouts.rail, [...adapter.rails])))
    .groupBy(payouts.rail);
  for (const { rail, count } of waiting) {
    log("warn", "payout_rail_not_connected", {
      provider: adapter.provider,
      rail,
      count,
      reason: `${adapter.provider} does not send on ${rail}: these production payouts stay pending (cancelable)`,
    });
  }
}

/**
 * Claim the due payouts (a cancel is refused from then), call the provider outside any transaction
 * with our payout id as the idempotency key, then ONE batch of compare-and-set statements moves the
 * sent ones in transit with the provider's id. A crash after the call resends with the same key and
 * the provider answers the transfer it already made; a failed call leaves the payout pending.
 */
async function submitToProvider(
  services: Services,
  run: RailRun,
  adapter: RailAdapter,
): Promise<{ submitted: number; rejected: number }> {
  const [due] = await Promise.all([
    services.db
      .select()
      .from(payouts)
      .where(and(dueScope(run), inArray(payouts.rail, [...adapter.rails])))
      .orderBy(asc(payouts.windowAt))
      .limit(PROVIDER_RUN_LIMIT),
    logUnsupported(services, run, adapter),
  ]);
  if (due.length === 0) return { submitted: 0, rejected: 0 };
  const claimed = await services.db
    .update(payouts)
    .set({ railClaimedAt: sql`coalesce(${payouts.railClaimedAt}, ${run.now.toISOString()}::timestamptz)` })
    .where(
      and(
        inArray(
          payouts.id,
          due.map((row) => row.id),
        ),
        eq(payouts.status, "pending"),
      ),
    )
    .returning({ id: payouts.id });
  const claimedIds = new Set(claimed.map((row) => row.id));
  const rows = due.filter((row) => claimedIds.has(row.id));
  const accounts = await payoutDestinations(
    services,
    rows.flatMap((row) => (row.bankAccountId ? [{ ...row, id: row.bankAccountId }] : [])),
  );
  const sent = await Promise.all(
    rows.map(async (row) => {
      const account = row.bankAccountId ? accounts.get(row.bankAccountId) : undefined;
      const routingNumber = account?.routing.routing_number;
      if (!account || !row.rail || !routingNumber) {
        log("error", "payout_rail_destination_missing", { merchant: row.merchantId, payout: row.id });
        return null;
      }
      try {
        const { providerId } = await adapter.submit({
          idempotencyKey: row.id,
          rail: row.rail,
          amount: row.amount,
          currency: row.currency,
          statementDescriptor: row.statementDescriptor,
          account: {
            holderName: account.holderName,
            holderType: account.holderType,
            routingNumber,
            accountNumber: account.accountNumber,
          },
        });
        return { row, providerId };
      } catch (error) {
        if (error instanceof RailProviderError && error.rejectsCredit)
          return { row, rejection: error.message };
        log("warn", "payout_rail_submit_failed", {
          merchant: row.merchantId,
          payout: row.id,
          provider: adapter.provider,
          error: errorText(error),
        });
        return null;
      }
    }),
  );
  const rejected = sent.flatMap((item) => (item && "rejection" in item ? [item] : []));
  const done = sent.flatMap((item) => (item && "providerId" in item ? [item] : []));
  const batchIds = submissionIds(
    done.map(({ row }) => ({ ...row, rail: row.rail ?? "ach_standard" })),
    () => newId("payoutBatch"),
  );
  const changes = done.map(({ row, providerId }, index) =>
    payoutChangeStatement(contextOf(services, row), row, {
      to: "in_transit",
      from: ["pending"],
      values: { batchId: batchIds[index] ?? null, submittedAt: run.now, railTransferId: providerId },
      event: "payout.in_transit",
      release: false,
    }),
  );
  // A credit the provider refuses as invalid fails now, its funds released, rather than staying
  // claimed (and so not cancelable) while every run sends it again.
  const failures = rejected.map(({ row, rejection }) =>
    payoutChangeStatement(contextOf(services, row), row, {
      to: "failed",
      from: ["pending"],
      values: { failureCode: "rail_rejected", failureMessage: rejection, failedAt: run.now },
      event: "payout.failed",
      release: true,
    }),
  );
  for (const { row, rejection } of rejected) {
    log("warn", "payout_rail_rejected", { merchant: row.merchantId, payout: row.id, error: rejection });
  }
  const applied = await applyEachChange(services, [...changes, ...failures]);
  return {
    submitted: applied.slice(0, changes.length).filter(Boolean).length,
    rejected: applied.slice(changes.length).filter(Boolean).length,
  };
}

/** What the provider's answer does to a payout: the same transition statements as the simulator's. */
function changeFor(services: Services, row: PayoutRow, status: RailStatus, now: Date) {
  const ctx = contextOf(services, row);
  if (row.status === "in_transit" && status.state === "settled") {
    const change = payoutChangeStatement(ctx, row, {
      to: "paid",
      from: ["in_transit"],
      values: { paidAt: now },
      event: "payout.paid",
      release: false,
    });
    return { kind: "paid" as const, change };
  }
  if (row.status === "in_transit" && (status.state === "failed" || status.state === "returned")) {
    const change = payoutChangeStatement(ctx, row, {
      to: "failed",
      from: ["in_transit"],
      values: { failureCode: status.code, failureMessage: status.message, failedAt: now },
      event: "payout.failed",
      release: true,
    });
    return { kind: "failed" as const, change };
  }
  if (row.status === "paid" && status.state === "returned") {
    const change = payoutChangeStatement(ctx, row, {
      to: "failed",
      from: ["paid"],
      values: { failureCode: status.code, failureMessage: status.message, failedAt: now, returnedAt: now },
      event: "payout.returned",
      release: true,
    });
    return { kind: "returned" as const, change };
  }
  return null;
}

/**
 * Ask the provider about payouts in transit, and paid ones still inside their rail's return window,
 * those asked longest ago first (at most PROVIDER_RUN_LIMIT a run); ONE batch applies what changed
 * and marks the answered ones as checked. A provider error leaves that payout as it is (logged).
 */
async function pollProvider(services: Services, run: RailRun, adapter: RailAdapter) {
  const { now } = run;
  const open = await services.db
    .select()
    .from(payouts)
    .where(
      and(
        railRunScope(payouts, run),
        eq(payouts.environment, "production"),
        isNotNull(payouts.railTransferId),
        or(
          eq(payouts.status, "in_transit"),
          and(eq(payouts.status, "paid"), gte(payouts.returnDeadline, utcDayBound(now, -1))),
        ),
      ),
    )
    .orderBy(sql`${payouts.railCheckedAt} asc nulls first`, asc(payouts.id))
    .limit(PROVIDER_RUN_LIMIT);
  const answers = await Promise.all(
    open.map(async (row) => {
      try {
        return { row, status: await adapter.status(row.railTransferId ?? "") };
      } catch (error) {
        log("warn", "payout_rail_status_failed", {
          merchant: row.merchantId,
          payout: row.id,
          provider: adapter.provider,
          error: errorText(error),
        });
        return null;
      }
    }),
  );
  const answered = answers.filter((answer) => answer !== null);
  const moves = answered.flatMap(({ row, status }) => {
    const move = changeFor(services, row, status, now);
    return move ? [move] : [];
  });
  if (answered.length === 0) return { paid: 0, failed: 0, returned: 0 };
  const checked = services.db
    .update(payouts)
    .set({ railCheckedAt: now })
    .where(
      inArray(
        payouts.id,
        answered.map(({ row }) => row.id),
      ),
    );
  const [, ...results] = await runBatch(services, [
    checked,
    ...moves.map((move) => services.db.execute(move.change.statement)),
  ]);
  const count = (kind: "paid" | "failed" | "returned") =>
    moves.filter((move, index) => move.kind === kind && changeApplied(results[index])).length;
  return { paid: count("paid"), failed: count("failed"), returned: count("returned") };
}
