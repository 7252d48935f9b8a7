import { type SQL, sql } from "drizzle-orm";
import { type Executor, execute } from "../db";
import type { Environment } from "../tables";

export interface InvariantScope {
  merchantId?: string;
  environment?: Environment;
}

export type InvariantViolation =
  | { kind: "unbalanced_transaction"; transaction_id: string; currency: string; sum: string }
  | { kind: "transaction_without_entries"; transaction_id: string }
  | { kind: "balance_mismatch"; account_id: string; balance: string; entries_sum: string }
  | { kind: "negative_balance"; account_id: string; balance: string };

export interface InvariantReport {
  ok: boolean;
  transactions_checked: number;
  accounts_checked: number;
  violations: InvariantViolation[];
}

/** At most this many violations of each kind are listed; one is already an incident. */
const VIOLATION_LIMIT = 100;

/** `true and <alias>.merchant_id = … and <alias>.environment = …`, for whichever the scope sets. */
function scopeSql(alias: string, scope: InvariantScope): SQL {
  const table = sql.raw(alias);
  const conditions = [sql`true`];
  if (scope.merchantId !== undefined) conditions.push(sql`${table}.merchant_id = ${scope.merchantId}`);
  if (scope.environment !== undefined) conditions.push(sql`${table}.environment = ${scope.environment}`);
  return sql.join(conditions, sql` and `);
}

/**
 * The ledger's promises: every transaction's entries sum to zero per currency, every cached
 * balance equals the sum of its account's entries, and no account that must stay non-negative
 * is below zero. Each check is one statement, so each sees one consistent snapshot even while
 * postings go on. Scoped to a merchant and/or environment, or the whole ledger (the hourly
 * ledger-invariants function); inside a transaction it also sees that transaction's writes.
 */
export async function checkLedgerInvariants(scope: InvariantScope, tx: Executor): Promise<InvariantReport> {
  const unbalanced = await execute<{ transaction_id: string; currency: string; sum: string }>(
    sql`
    select e.transaction_id, e.currency, sum(e.amount)::text as sum
      from ledger_entries e
     where ${scopeSql("e", scope)}
     group by e.transaction_id, e.currency
    having sum(e.amount) <> 0
     limit ${VIOLATION_LIMIT}`,
    tx,
  );
  const empty = await execute<{ transaction_id: string }>(
    sql`
    select t.id as transaction_id
      from ledger_transactions t
     where ${scopeSql("t", scope)}
       and not exists (select 1 from ledger_entries e where e.transaction_id = t.id)
     limit ${VIOLATION_LIMIT}`,
    tx,
  );
  const mismatched = await execute<{ account_id: string; balance: string; entries_sum: string }>(
    sql`
    select a.id as account_id, a.balance::text as balance, coalesce(sum(e.amount), 0)::text as entries_sum
      from ledger_accounts a
      left join ledger_entries e on e.account_id = a.id
     where ${scopeSql("a", scope)}
     group by a.id
    having a.balance <> coalesce(sum(e.amount), 0)
     limit ${VIOLATION_LIMIT}`,
    tx,
  );
  const negative = await execute<{ account_id: string; balance: string }>(
    sql`
    select a.id as account_id, a.balance::text as balance
      from ledger_accounts a
     where ${scopeSql("a", scope)} and not a.allow_negative and a.balance < 0
     limit ${VIOLATION_LIMIT}`,
    tx,
  );
  const counts = await execute<{ transactions: string; accounts: string }>(
    sql`
    select (select count(*) from ledger_transactions t where ${scopeSql("t", scope)})::text as transactions,
           (select count(*) from ledger_accounts a where ${scopeSql("a", scope)})::text as accounts`,
    tx,
  );
  const violations: InvariantViolation[] = [
    ...unbalanced.rows.map((row) => ({ kind: "unbalanced_transaction" as const, ...row })),
    ...empty.rows.map((row) => ({ kind: "transaction_without_entries" as const, ...row })),
    ...mismatched.rows.map((row) => ({ kind: "balance_mismatch" as const, ...row })),
    ...negative.rows.map((row) => ({ kind: "negative_balance" as const, ...row })),
  ];
  return {
    ok: violations.length === 0,
    transactions_checked: Number(counts.rows[0]?.transactions ?? 0),
    accounts_checked: Number(counts.rows[0]?.accounts ?? 0),
    violations,
  };
}
