export { exportSettlementCsv, listSettlementItems, listSettlements, retrieveSettlement } from "./read";
export { reconcileSettlements, type SettlementReconciliation } from "./reconcile";
export { runClockSettlements, runSettlements, type SettlementRunResult } from "./run";
export { retrieveSettlementSchedule, updateSettlementSchedule } from "./schedule";
