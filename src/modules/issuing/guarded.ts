import { getTableColumns, type SQL, sql } from "drizzle-orm";
import type { PgTable } from "drizzle-orm/pg-core";
import type { ServiceContext } from "../../core/context";
import { type ChangeRecord, gatedChangeMembers } from "../../core/events";
import { type PostingInput, postingArgument } from "../../core/ledger";
import { validatePosting } from "../../core/ledger/post";
import { tenantRow } from "../../core/tenancy";
import { issuingCards } from "./tables";

/**
 * The card's row lock, the first statement of a batch that moves a card's money or sets it aside:
 * authorizations and increments lock the card before the ledger accounts, so a batch that locks
 * the accounts or a capture first and then waits for the card (the foreign-key check of a new
 * issuing transaction or dispute) deadlocks with them, or with another such batch.
 */
export function lockCardStatement(ctx: ServiceContext, cardId: string) {
  return ctx.services.db
    .select({ id: issuingCards.id })
    .from(issuingCards)
    .where(tenantRow(issuingCards, ctx, cardId))
    .for("update");
}

/** A ledger posting with its transaction id known before it is written (objects point at it). */
export interface PreparedPosting {
  id: string;
  /** ledger_post(…, raise): a refusal raises and rolls the whole batch back. */
  call: SQL;
}

export function preparePosting(input: PostingInput): PreparedPosting {
  validatePosting(input);
  const argument = postingArgument(input);
  const { id } = JSON.parse(argument) as { id: string };
  return { id, call: sql`ledger_post(${argument}::jsonb, true)` };
}

/** `insert into table (…) select <row> from updated`: the row exists only if the guard matched. */
function gatedInsert(name: string, table: PgTable, row: Record<string, unknown>): SQL {
  const names: SQL[] = [];
  const values: SQL[] = [];
  for (const [key, column] of Object.entries(getTableColumns(table))) {
    const value = row[key];
    const type = sql.raw(column.getSQLType());
    names.push(sql`${sql.identifier(column.name)}`);
    if (value === null || value === undefined) values.push(sql`null::${type}`);
    else if (value instanceof Date) values.push(sql`${value.toISOString()}::${type}`);
    else if (typeof value === "object") values.push(sql`${JSON.stringify(value)}::${type}`);
    else values.push(sql`${value}::${type}`);
  }
  return sql`${sql.raw(name)} as (insert into ${table} (${sql.join(names, sql`, `)})
    select ${sql.join(values, sql`, `)} from updated)`;
}

export interface GuardedWrites {
  changes: ChangeRecord[];
  postings?: PreparedPosting[];
  inserts?: Array<{ table: PgTable; row: Record<string, unknown> }>;
  /** Further updates of other rows; each must be gated itself (`where … and ${whenMatched}`). */
  updates?: Array<SQL | { getSQL(): SQL }>;
}

/** The condition that gates a further update of a guarded statement on its compare-and-set. */
export const whenMatched = sql`exists (select 1 from updated)`;

/**
 * One statement: `update` (a compare-and-set, RETURNING anything), then, only when it matched,
 * each ledger posting, each new row, and the event and audit row of each change. Answers
 * `matched`, so the caller learns whether it lost a race without a second round trip, and a lost
 * race writes nothing at all.
 */
export function guardedUpdateStatement(
  ctx: ServiceContext,
  update: SQL | { getSQL(): SQL },
  writes: GuardedWrites,
): SQL {
  // drizzle puts an embedded query in parentheses itself.
  const members: SQL[] = [sql`updated as ${update}`];
  (writes.postings ?? []).forEach((posting, index) => {
    members.push(sql`${sql.raw(`posted${index}`)} as (select ${posting.call} from updated)`);
  });
  (writes.updates ?? []).forEach((update, index) => {
    members.push(sql`${sql.raw(`also${index}`)} as ${update}`);
  });
  (writes.inserts ?? []).forEach((insert, index) => {
    members.push(gatedInsert(`inserted${index}`, insert.table, insert.row));
  });
  writes.changes.forEach((change, index) => {
    members.push(gatedChangeMembers(ctx, change, "updated", `change${index}`));
  });
  const postedCounts = (writes.postings ?? []).map((_, index) =>
    sql.raw(`(select count(*) from posted${index})`),
  );
  const posted = postedCounts.length > 0 ? sql`, ${sql.join(postedCounts, sql` + `)} as posted` : sql``;
  return sql`with ${sql.join(members, sql`, `)} select count(*)::int as matched${posted} from updated`;
}

/** Whether the guarded statement's compare-and-set matched, from its batch result. */
export function matched(result: unknown): boolean {
  const rows = (result as { rows?: Array<{ matched: number }> } | undefined)?.rows ?? [];
  return Number(rows[0]?.matched ?? 0) > 0;
}
