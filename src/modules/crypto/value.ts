/**
 * Exact arithmetic between on-chain base units (bigint) and ledger minor units. No floating point:
 * a decimal string is read as an integer over a power of ten.
 */

const DECIMAL = /^(0|[1-9]\d{0,39})(?:\.(\d{1,40}))?$/;

export interface Decimal {
  /** The digits without the point. */
  units: bigint;
  /** How many of them are after the point. */
  scale: number;
}

export function parseDecimal(text: string): Decimal | undefined {
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const fraction = match[2] ?? "";
  return { units: BigInt(`${match[1]}${fraction}`), scale: fraction.length };
}

/**
 * A decimal amount of an asset ("12.5") in its base units, or `too_many_decimals` when it is finer
 * than the asset can carry (7 decimals of a 6-decimal token): never rounded.
 */
export function toBaseUnits(text: string, decimals: number): bigint | "invalid" | "too_many_decimals" {
  const decimal = parseDecimal(text);
  if (!decimal) return "invalid";
  const trimmed = text.includes(".") ? text.replace(/0+$/, "").replace(/\.$/, "") : text;
  const kept = parseDecimal(trimmed);
  if (!kept) return "invalid";
  if (kept.scale > decimals) return "too_many_decimals";
  return kept.units * 10n ** BigInt(decimals - kept.scale);
}

/** Base units as a decimal string ("1500000", 6 → "1.5"). */
export function formatUnits(amount: bigint, decimals: number): string {
  const digits = amount.toString().padStart(decimals + 1, "0");
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals).replace(/0+$/, "");
  return fraction ? `${whole}.${fraction}` : whole;
}

/**
 * The ledger value of `amount` base units at `price` (fiat per whole unit, a decimal string), in
 * minor units of a currency with `exponent` decimals, rounded DOWN: the platform never credits a
 * fraction of a cent it did not receive. value = floor(amount × price × 10^exponent / 10^decimals).
 */
export function toMinorUnits(amount: bigint, decimals: number, price: string, exponent: number): bigint {
  const rate = parseDecimal(price);
  if (!rate) throw new Error(`invalid price ${price}`);
  const numerator = amount * rate.units * 10n ** BigInt(exponent);
  const denominator = 10n ** BigInt(decimals + rate.scale);
  return numerator / denominator;
}

/**
 * What a send of `amount` base units reserves: the same product as toMinorUnits, rounded UP, so the
 * balance always covers what leaves the hot wallet (a send of any positive amount reserves ≥ 1 cent).
 */
export function toMinorUnitsRoundedUp(
  amount: bigint,
  decimals: number,
  price: string,
  exponent: number,
): bigint {
  const rate = parseDecimal(price);
  if (!rate) throw new Error(`invalid price ${price}`);
  const numerator = amount * rate.units * 10n ** BigInt(exponent);
  const denominator = 10n ** BigInt(decimals + rate.scale);
  return (numerator + denominator - 1n) / denominator;
}
