/** What discountAmount needs of a coupon. */
export interface DiscountTerms {
  percentOffBasisPoints: number | null;
  amountOff: number | null;
  currency: string | null;
  currencyOptions: Record<string, number>;
}

/** The fixed amount a coupon takes off in `currency`, or null when it has none there. */
export function amountOffIn(terms: DiscountTerms, currency: string): number | null {
  if (terms.amountOff === null) return null;
  if (terms.currency === currency) return terms.amountOff;
  return terms.currencyOptions[currency] ?? null;
}

/**
 * The discount, in integer minor units, a coupon gives on `amount` in `currency`: a percentage is
 * rounded half up to the minor unit (12.5 % of 999 is 124.875, so 125); a fixed amount is capped at
 * `amount`, so a discount never makes a total negative. Null when a fixed-amount coupon has no
 * amount in this currency.
 */
export function discountAmount(terms: DiscountTerms, amount: number, currency: string): number | null {
  if (!Number.isSafeInteger(amount) || amount < 0)
    throw new RangeError("amount must be a non-negative integer");
  if (terms.percentOffBasisPoints !== null) {
    const off = (BigInt(amount) * BigInt(terms.percentOffBasisPoints) + 5000n) / 10000n;
    return Number(off);
  }
  const off = amountOffIn(terms, currency);
  return off === null ? null : Math.min(off, amount);
}
