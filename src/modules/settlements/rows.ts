import type { Settlement, SettlementItem } from "./schemas";
import type { SettlementItemRow, SettlementRow } from "./tables";

export function toSettlement(row: SettlementRow): Settlement {
  return {
    id: row.id,
    object: "settlement",
    environment: row.environment,
    currency: row.currency,
    period_start: row.periodStart.toISOString(),
    period_end: row.periodEnd.toISOString(),
    gross: row.gross,
    refunds: row.refunds,
    fees: row.fees,
    adjustments: row.adjustments,
    net: row.net,
    charge_count: row.chargeCount,
    refund_count: row.refundCount,
    balance_transaction: row.ledgerTransactionId,
    test_clock: row.testClockId,
    created_at: row.createdAt.toISOString(),
  };
}

export function toSettlementItem(row: SettlementItemRow): SettlementItem {
  return {
    object: "settlement_item",
    balance_transaction: row.id,
    reporting_category: row.reportingCategory,
    source: row.sourceId,
    currency: row.currency,
    gross: row.gross,
    fee: row.fee,
    net: row.net,
    available_on: row.availableOn.toISOString(),
    created_at: row.createdAt.toISOString(),
  };
}
