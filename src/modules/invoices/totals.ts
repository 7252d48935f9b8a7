/**
 * Invoice arithmetic, exact and with no I/O. Amounts are integer minor units; the discount's share
 * of each line and each line's tax are exact fractions (bigint numerator and denominator), summed
 * per tax rate over the whole invoice and rounded once, half up. docs/billing.md states the rule.
 */

/** What the arithmetic needs of a tax rate: the percentage × 10 000 and whether lines include it. */
export interface TaxTerms {
  id: string;
  percentageMicros: number;
  inclusive: boolean;
}

export interface LineInput {
  amount: number;
  discountable: boolean;
  taxRates: TaxTerms[];
}

export interface LineTax {
  taxRate: string;
  /** Exact, as a decimal string of minor units (12 places). */
  amountPrecise: string;
}

export interface LineTotals {
  discountPrecise: string;
  taxes: LineTax[];
}

export interface RateTotal {
  taxRate: string;
  inclusive: boolean;
  /** Σ over lines of the exact tax, rounded once half up. */
  amount: number;
  amountPrecise: string;
  taxableAmountPrecise: string;
}

export interface InvoiceTotals {
  subtotal: number;
  discount: number;
  taxes: RateTotal[];
  /** subtotal − discount + the exclusive taxes (inclusive taxes are already in the lines). */
  total: number;
  /** total without any tax: subtotal − discount − the inclusive taxes, rounded as they are. */
  totalExcludingTax: number;
  lines: LineTotals[];
}

/** An exact non-negative fraction of minor units. */
export interface Fraction {
  n: bigint;
  d: bigint;
}

const ONE_HUNDRED_PERCENT = 1_000_000n;

function gcd(a: bigint, b: bigint): bigint {
  let [x, y] = [a < 0n ? -a : a, b];
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

function reduce(f: Fraction): Fraction {
  const g = gcd(f.n, f.d);
  return g > 1n ? { n: f.n / g, d: f.d / g } : f;
}

function add(a: Fraction, b: Fraction): Fraction {
  return reduce({ n: a.n * b.d + b.n * a.d, d: a.d * b.d });
}

/** Half up to the minor unit: ⌊(2n + d) ÷ 2d⌋. */
export function roundHalfUp(f: Fraction): number {
  return Number((2n * f.n + f.d) / (2n * f.d));
}

/** The fraction as a decimal string with 12 places (rounded half up at the 12th). */
export function preciseString(f: Fraction): string {
  const scaled = (f.n * 10n ** 12n * 2n + f.d) / (2n * f.d);
  const digits = scaled.toString().padStart(13, "0");
  return `${digits.slice(0, -12)}.${digits.slice(-12)}`;
}

/**
 * The totals of lines with a discount of `discount` minor units over the discountable lines
 * (shared in proportion to their amounts) and each line's tax rates: an exclusive rate taxes the
 * line after its discount share; inclusive rates are carved out of it, each at
 * rate ÷ (1 + the sum of the line's inclusive rates).
 */
export function invoiceTotals(lines: LineInput[], discount: number): InvoiceTotals {
  const subtotal = lines.reduce((sum, line) => sum + line.amount, 0);
  const discountable = BigInt(lines.reduce((sum, line) => sum + (line.discountable ? line.amount : 0), 0));
  if (discount < 0 || BigInt(discount) > discountable)
    throw new RangeError("discount must be between 0 and the discountable subtotal");
  const rates = new Map<string, { terms: TaxTerms; tax: Fraction; base: Fraction }>();
  const lineTotals = lines.map((line): LineTotals => {
    const amount = BigInt(line.amount);
    const share: Fraction =
      line.discountable && discountable > 0n
        ? reduce({ n: BigInt(discount) * amount, d: discountable })
        : { n: 0n, d: 1n };
    const base = reduce({ n: amount * share.d - share.n, d: share.d });
    const inclusiveSum = line.taxRates
      .filter((rate) => rate.inclusive)
      .reduce((sum, rate) => sum + BigInt(rate.percentageMicros), 0n);
    const taxes = line.taxRates.map((rate): LineTax => {
      const micros = BigInt(rate.percentageMicros);
      const tax = rate.inclusive
        ? reduce({ n: base.n * micros, d: base.d * (ONE_HUNDRED_PERCENT + inclusiveSum) })
        : reduce({ n: base.n * micros, d: base.d * ONE_HUNDRED_PERCENT });
      const total = rates.get(rate.id) ?? { terms: rate, tax: { n: 0n, d: 1n }, base: { n: 0n, d: 1n } };
      rates.set(rate.id, { terms: rate, tax: add(total.tax, tax), base: add(total.base, base) });
      return { taxRate: rate.id, amountPrecise: preciseString(tax) };
    });
    return { discountPrecise: preciseString(share), taxes };
  });
  const taxes = [...rates.values()].map(
    ({ terms, tax, base }): RateTotal => ({
      taxRate: terms.id,
      inclusive: terms.inclusive,
      amount: roundHalfUp(tax),
      amountPrecise: preciseString(tax),
      taxableAmountPrecise: preciseString(base),
    }),
  );
  const exclusiveTax = taxes.filter((tax) => !tax.inclusive).reduce((sum, tax) => sum + tax.amount, 0);
  const inclusiveTax = taxes.filter((tax) => tax.inclusive).reduce((sum, tax) => sum + tax.amount, 0);
  return {
    subtotal,
    discount,
    taxes,
    total: subtotal - discount + exclusiveTax,
    totalExcludingTax: subtotal - discount - inclusiveTax,
    lines: lineTotals,
  };
}

/**
 * The lines an invoice takes, in order: every charge, and each credit (a negative proration line,
 * never discountable) while the charges, less the discount `discountOf` gives on their
 * discountable amount, still cover it. An invoice total is never negative and there is no
 * customer credit balance, so a credit that doesn't fit stays pending for a later invoice.
 */
export function coveredLines<T extends { amount: number; discountable: boolean }>(
  lines: T[],
  discountOf: (discountable: number) => number,
): T[] {
  const charges = lines.filter((line) => line.amount > 0);
  const charged = charges.reduce((sum, line) => sum + line.amount, 0);
  const discountable = charges.reduce((sum, line) => sum + (line.discountable ? line.amount : 0), 0);
  let room = charged - discountOf(discountable);
  return lines.filter((line) => {
    if (line.amount > 0) return true;
    if (-line.amount > room) return false;
    room += line.amount;
    return true;
  });
}
