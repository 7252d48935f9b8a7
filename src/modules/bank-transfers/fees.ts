import { isSwiftCurrency, type RailId, type SingleCentreRailId, type SwiftCurrency } from "../../core/rails";

/**
 * What a bank transfer costs, per rail, in minor units of the rail's currency, the same for a push
 * and a pull, in sandbox and production (docs/money-out.md prints this schedule). Flat per payment,
 * as the rails charge us: batch rails cents, instant schemes more, wires most.
 */
export const bankTransferFees: Record<SingleCentreRailId, number> = {
  ach_standard: 25,
  ach_same_day: 100,
  sepa_credit: 20,
  sepa_instant: 50,
  sepa_debit: 35,
  bacs: 20,
  faster_payments: 50,
  wire: 1_500,
};

/**
 * A SWIFT wire per currency, minor units of it (JPY has no decimals): our fee, and the correspondent
 * banks' deduction on the way, which a charge bearer `our` pays up front (charged with our fee, so
 * the beneficiary gets the whole amount) and `sha` leaves to the intermediaries (shown as an estimate).
 */
export const swiftFees: Record<SwiftCurrency, { fee: number; correspondent: number }> = {
  EUR: { fee: 2_000, correspondent: 1_500 },
  GBP: { fee: 1_500, correspondent: 1_200 },
  CHF: { fee: 2_000, correspondent: 1_500 },
  CAD: { fee: 2_500, correspondent: 2_000 },
  AUD: { fee: 2_500, correspondent: 2_000 },
  JPY: { fee: 3_000, correspondent: 2_500 },
  SGD: { fee: 2_500, correspondent: 2_000 },
  HKD: { fee: 15_000, correspondent: 12_000 },
};

/** Our fee for a transfer on `rail` in `currency` (a SWIFT wire's by its currency). */
export function railFee(rail: RailId, currency: string): number {
  if (rail !== "swift") return bankTransferFees[rail];
  if (!isSwiftCurrency(currency)) throw new Error(`swift carries no ${currency}`);
  return swiftFees[currency].fee;
}

export const chargeBearers = ["our", "sha"] as const;
export type ChargeBearer = (typeof chargeBearers)[number];

/** What a transfer is charged: our fee, plus on a SWIFT wire with `our` the correspondent fee. */
export function transferCharges(
  rail: RailId,
  currency: string,
  chargeBearer: ChargeBearer | null,
): { fee: number; correspondentFee: number | null } {
  const fee = railFee(rail, currency);
  if (rail !== "swift" || chargeBearer === null || !isSwiftCurrency(currency)) {
    return { fee, correspondentFee: null };
  }
  const correspondent = swiftFees[currency].correspondent;
  return { fee: chargeBearer === "our" ? fee + correspondent : fee, correspondentFee: correspondent };
}
