import { and, inArray, isNotNull, isNull, type SQL, sql } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import { gatedChangeMembers } from "../../core/events";
import { tenantRow } from "../../core/tenancy";
import { type LedgerStep, ledgerMembers, toBankTransfer } from "./rows";
import { type BankTransferRow, type BankTransferStatus, bankTransfers } from "./tables";

type BankTransferValues = Partial<
  Omit<BankTransferRow, "id" | "merchantId" | "environment" | "direction" | "createdAt">
>;

export interface BankTransferChange {
  /** One statement: the compare-and-set update, then (only if it matched) the posting and the event. */
  statement: SQL;
  /** The row as the update leaves it, when it matches. */
  row: BankTransferRow;
}

/**
 * A transfer's change as ONE statement for an HTTP batch (the payouts pattern, payouts/transitions.ts):
 *
 *   with updated as (update bank_transfers set … where id = … and <tenant> and status in (<from>)
 *                    [and funds_available_at is (not) null] returning id),
 *        posted as (select ledger_post(<the step's posting>) from updated),
 *        change_event as (…), change_audit as (…)
 *   select count(*) as applied from updated
 *
 * Racing changes (a cancel against the batch, two batch runs) match the row once between them: the
 * loser updates nothing, posts nothing and writes no event. The availability guard keeps a debit's
 * return and the release of its funds from crossing: the return posts from where the funds are.
 */
export function bankTransferChangeStatement(
  ctx: ServiceContext,
  before: BankTransferRow,
  change: {
    to: BankTransferStatus;
    from: BankTransferStatus[];
    values: BankTransferValues;
    event: string;
    ledger: LedgerStep | null;
  },
): BankTransferChange {
  const now = ctx.services.clock.now();
  const set: BankTransferValues = { ...change.values, status: change.to, updatedAt: now };
  const row: BankTransferRow = { ...before, ...set };
  const update = ctx.services.db
    .update(bankTransfers)
    .set(set)
    .where(
      and(
        tenantRow(bankTransfers, ctx, before.id),
        inArray(bankTransfers.status, change.from),
        before.fundsAvailableAt === null
          ? isNull(bankTransfers.fundsAvailableAt)
          : isNotNull(bankTransfers.fundsAvailableAt),
      ),
    )
    .returning({ id: bankTransfers.id });
  const members: SQL[] = [sql`updated as ${update}`];
  let posted = sql`0`;
  if (change.ledger) {
    const ledger = ledgerMembers(ctx, row, change.ledger, "updated");
    members.push(...ledger.members);
    // A CTE that only selects runs only when the main query reads it.
    posted = ledger.counted;
  }
  members.push(
    gatedChangeMembers(
      ctx,
      { type: change.event, object: toBankTransfer(row), previousAttributes: { status: before.status } },
      "updated",
      "change",
    ),
  );
  const statement = sql`with ${sql.join(members, sql`, `)}
    select count(*)::int as applied, ${posted} as posted from updated`;
  return { statement, row };
}

/** A rail's reason for failing or returning a transfer. */
export interface RailReason {
  code: string;
  message: string;
}

/**
 * A submitted transfer rejected at arrival with the rail's code: `failed`, a push's reservation
 * released (a pull moved nothing). The batch (simulated bank) and the sandbox return both use it.
 */
export function failedAtArrival(
  ctx: ServiceContext,
  row: BankTransferRow,
  reason: RailReason,
  now: Date,
): BankTransferChange {
  return bankTransferChangeStatement(ctx, row, {
    to: "failed",
    from: ["submitted"],
    values: { failureCode: reason.code, failureMessage: reason.message, failedAt: now },
    event: "bank_transfer.failed",
    ledger: row.direction === "push" ? "released" : null,
  });
}

/**
 * A settled transfer returned by the receiving bank: `returned`, a push's funds back to available, a
 * pull's credit reversed (rows.ts, ledgerMembers). The batch and the sandbox return both use it.
 */
export function returnedAfterSettlement(
  ctx: ServiceContext,
  row: BankTransferRow,
  reason: RailReason,
  now: Date,
): BankTransferChange {
  return bankTransferChangeStatement(ctx, row, {
    to: "returned",
    from: ["settled"],
    values: { failureCode: reason.code, failureMessage: reason.message, returnedAt: now },
    event: "bank_transfer.returned",
    ledger: row.direction === "push" ? "released" : "returned",
  });
}
