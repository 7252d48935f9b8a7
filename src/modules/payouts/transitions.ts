import { and, inArray, type SQL, sql } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import { gatedChangeMembers } from "../../core/events";
import { postingCall } from "../../core/ledger";
import { tenantRow } from "../../core/tenancy";
import { payoutPosting, toPayout } from "./rows";
import { type PayoutRow, type PayoutStatus, payouts } from "./tables";

type PayoutValues = Partial<Omit<PayoutRow, "id" | "merchantId" | "environment" | "createdAt">>;

export interface PayoutChange {
  /** One statement: the compare-and-set update, then (only if it matched) the release and the event. */
  statement: SQL;
  /** The row as the update leaves it, when it matches. */
  row: PayoutRow;
}

/**
 * A payout's status change as ONE statement for an HTTP batch (the payments pattern, apply.ts):
 *
 *   with updated as (update payouts set … where id = … and <tenant> and status in (<from>) returning id),
 *        released as (select ledger_post(<reverse of the reservation>) from updated),
 *        change_event as (…), change_audit as (…)
 *   select count(*) as applied from updated
 *
 * A cancel racing the batch, or two batch runs at once, match the row once between them: the loser
 * updates nothing, releases nothing and writes no event.
 */
export function payoutChangeStatement(
  ctx: ServiceContext,
  before: PayoutRow,
  change: {
    to: PayoutStatus;
    from: PayoutStatus[];
    values: PayoutValues;
    event: string;
    release: boolean;
    /** A further condition of the compare-and-set (a wallet payout's cancel: its transfer's was applied). */
    guard?: SQL;
  },
): PayoutChange {
  const now = ctx.services.clock.now();
  const set: PayoutValues = { ...change.values, status: change.to, updatedAt: now };
  const row: PayoutRow = { ...before, ...set };
  const update = ctx.services.db
    .update(payouts)
    .set(set)
    .where(and(tenantRow(payouts, ctx, before.id), inArray(payouts.status, change.from), change.guard))
    .returning({ id: payouts.id });
  const members: SQL[] = [sql`updated as ${update}`];
  if (change.release) {
    members.push(sql`released as (select ${postingCall(payoutPosting(ctx, row, "released"))} from updated)`);
  }
  const payout = toPayout(row);
  members.push(
    gatedChangeMembers(
      ctx,
      { type: change.event, object: payout, previousAttributes: { status: before.status } },
      "updated",
      "change",
    ),
  );
  // A CTE that only selects runs only when the main query reads it: count the release to run it.
  const released = change.release ? sql`(select count(*) from released)::int` : sql`0`;
  const statement = sql`with ${sql.join(members, sql`, `)}
    select count(*)::int as applied, ${released} as released from updated`;
  return { statement, row };
}

/** Whether a change statement matched, from its batch result. */
