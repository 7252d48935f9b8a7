import { and, eq, type SQL, sql } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { gatedChangeMembers } from "../../core/events";
import { postingCall } from "../../core/ledger";
import { capturePosting, firstCapture, type PaymentValues, statusChangeEvent, toPayment } from "./rows";
import { type PaymentRow, type PaymentStatus, payments } from "./tables";

/** The row an update leaves: `before` with the set values (drizzle skips undefined ones, so do we). */
function updatedRow(before: PaymentRow, values: PaymentValues): PaymentRow {
  const row: Record<string, unknown> = { ...before };
  for (const [key, value] of Object.entries(values)) if (value !== undefined) row[key] = value;
  return row as PaymentRow;
}

export interface StatusChange {
  /** One statement: the update, then (only if it matched) the posting and the event. */
  statement: SQL;
  /** The row as the update leaves it, when it matches. */
  row: PaymentRow;
}

/**
 * A payment's status change as ONE statement, for an HTTP batch:
 *
 *   with updated as (update payments set … where id = … and <guard> returning id),
 *        posted  as (select ledger_post(…, raise) from updated),
 *        change_event as (insert into events … select … from updated),
 *        change_audit as (insert into audit_logs … select … from updated)
 *   select count(*) as applied, (select count(*) from posted) as posted from updated
 *
 * `guard` makes it a compare-and-set (the attempt's key still there): when another request, the
 * provider's webhook or the reconciler applied first, the update matches no row and so nothing
 * is posted and no event is written. When money is first captured the ledger posting runs once
 * per updated row; a posting the balances can't take raises (MP001/MP002) and the whole batch,
 * the update with it, rolls back. Nothing is read before the write: the row it leaves (for the
 * event and the response) is computed from `before`, which the caller read or wrote; the guard
 * makes the set columns right, and the others are those no writer changes while an attempt is
 * open (apply.test.ts checks the computed row against the database's).
 */
export function statusChangeStatement(
  ctx: ServiceContext,
  before: PaymentRow,
  status: PaymentStatus,
  values: PaymentValues,
  options: { event?: string; guard?: SQL[] } = {},
): StatusChange {
  const now = ctx.services.clock.now();
  const set: PaymentValues = { ...values, status, updatedAt: now };
  const row = updatedRow(before, set);
  const update = ctx.services.db
    .update(payments)
    .set(set)
    .where(and(eq(payments.id, before.id), ...(options.guard ?? [])))
    .returning({ id: payments.id });
  // drizzle puts an embedded query in parentheses itself.
  const members: SQL[] = [sql`updated as ${update}`];
  const posts = firstCapture(before, row);
  if (posts) members.push(sql`posted as (select ${postingCall(capturePosting(row, now))} from updated)`);
  const change = statusChangeEvent(before, row, options.event);
  if (change) members.push(gatedChangeMembers(ctx, change, "updated", "change"));
  const postedCount = posts ? sql`(select count(*) from posted)::int` : sql`0`;
  const statement = sql`with ${sql.join(members, sql`, `)}
    select count(*)::int as applied, ${postedCount} as posted from updated`;
  return { statement, row };
}

/** What one change statement did, from its batch result. */
function appliedCount(result: unknown): number {
  const rows = (result as { rows?: Array<{ applied?: unknown }> } | undefined)?.rows;
  return Number(rows?.[0]?.applied ?? 0);
}

/**
 * Applies a status change in one HTTP batch (one round trip). With `respond`, the batch also
 * stores the request's idempotency response (the payment as it now is), when the request's route
 * claims its key inline. Returns the row, or null when the compare-and-set lost.
 */
export async function applyStatusChange(
  ctx: ServiceContext,
  before: PaymentRow,
  status: PaymentStatus,
  values: PaymentValues,
  options: { event?: string; guard?: SQL[]; respond?: boolean } = {},
): Promise<PaymentRow | null> {
  const change = statusChangeStatement(ctx, before, status, values, options);
  const [result] = await runBatch(
    ctx.services,
    [ctx.services.db.execute(change.statement)],
    options.respond ? { response: toPayment(change.row) } : {},
  );
  return appliedCount(result) === 1 ? change.row : null;
}
