import { sql } from "drizzle-orm";
import { type Executor, execute } from "../../core/db";
import type { Environment } from "../../core/tables";

export interface SettlementViolation {
  settlement_id: string;
  net: number;
  /** What the settlement's ledger transaction moved into available (0 without one). */
  ledger_net: number;
  /** The sum of its items' nets. */
  items_net: number;
  /** gross − refunds − fees + adjustments. */
  totals_net: number;
}

export interface SettlementReconciliation {
  settlements_checked: number;
  violations: SettlementViolation[];
}

const VIOLATION_LIMIT = 100;

/**
 * Every settlement against the ledger and its own items, in one statement: its net is exactly what
 * its ledger transaction moved into available, the sum of its items' nets plus its adjustments,
 * and gross − refunds − fees + adjustments.
 */
export async function reconcileSettlements(
  scope: { merchantId?: string; environment?: Environment },
  db: Executor,
): Promise<SettlementReconciliation> {
  const where = sql.join(
    [
      sql`true`,
      ...(scope.merchantId ? [sql`s.merchant_id = ${scope.merchantId}`] : []),
      ...(scope.environment ? [sql`s.environment = ${scope.environment}`] : []),
    ],
    sql` and `,
  );
  const result = await execute<{
    checked: number;
    settlement_id: string | null;
    net: string;
    ledger_net: string;
    items_net: string;
    totals_net: string;
  }>(
    sql`with checked as (
          select s.id, s.net, s.gross - s.refunds - s.fees + s.adjustments as totals_net,
                 coalesce((select sum(e.amount) from ledger_entries e
                             join ledger_accounts a on a.id = e.account_id
                            where e.transaction_id = s.ledger_transaction_id
                              and a.kind = 'merchant_available' and a.currency = s.currency), 0) as ledger_net,
                 coalesce((select sum(i.net) from settlement_items i where i.settlement_id = s.id), 0)
                   + s.adjustments as items_net
            from settlements s
           where ${where}
        )
        select (select count(*) from checked)::int as checked, v.id as settlement_id,
               v.net::text, v.ledger_net::text, v.items_net::text, v.totals_net::text
          from (select 1) one
          left join lateral (
            select * from checked
             where net <> ledger_net or net <> items_net or net <> totals_net
             limit ${VIOLATION_LIMIT}) v on true`,
    db,
  );
  return {
    settlements_checked: result.rows[0]?.checked ?? 0,
    violations: result.rows.flatMap((row) =>
      row.settlement_id
        ? [
            {
              settlement_id: row.settlement_id,
              net: Number(row.net),
              ledger_net: Number(row.ledger_net),
              items_net: Number(row.items_net),
              totals_net: Number(row.totals_net),
            },
          ]
        : [],
    ),
  };
}
