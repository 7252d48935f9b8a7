export { exportSettlementCsv, listSettlementItems, listSettlements, retrieveSettlement } from "./read";
export { reconcileSettlements, type SettlementReconciliation } from "./reconcile";
export { runSettlements, type SettlementRunResult } from "./run";
export { retrieveSettlementSchedule, updateSettlementSchedule } from "./schedule";
