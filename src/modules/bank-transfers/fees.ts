import type { RailId } from "../../core/rails";

/**
 * What a bank transfer costs, per rail, in minor units of the rail's currency, the same for a push
 * and a pull, in sandbox and production (docs/money-out.md prints this schedule). Flat per payment,
 * as the rails charge us: batch rails cents, instant schemes more, wires most.
 */
export const bankTransferFees: Record<RailId, number> = {
  ach_standard: 25,
  ach_same_day: 100,
  sepa_credit: 20,
  sepa_instant: 50,
  sepa_debit: 35,
  bacs: 20,
  faster_payments: 50,
  wire: 1_500,
};
