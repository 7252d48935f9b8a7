/**
 * Exact rational arithmetic for exchange rates. Rates travel as decimal strings; inside they are
 * fractions of bigints, so cross rates and markups lose nothing until the one documented rounding
 * of an amount to its currency's minor unit.
 */
export interface Ratio {
  numerator: bigint;
  denominator: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x;
}

export function ratio(numerator: bigint, denominator: bigint = 1n): Ratio {
  if (denominator === 0n) throw new RangeError("division by zero");
  const sign = denominator < 0n ? -1n : 1n;
  const divisor = gcd(numerator, denominator) || 1n;
  return { numerator: (sign * numerator) / divisor, denominator: (sign * denominator) / divisor };
}

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** "0.9213" → 9213/10000. Only plain positive decimals: no signs, exponents or spaces. */
export function parseDecimal(text: string): Ratio {
  const match = DECIMAL.exec(text);
  if (!match) throw new RangeError(`Not a decimal: ${text}`);
  const [, whole = "0", fraction = ""] = match;
  return ratio(BigInt(whole + fraction), 10n ** BigInt(fraction.length));
}

export function multiply(a: Ratio, b: Ratio): Ratio {
  return ratio(a.numerator * b.numerator, a.denominator * b.denominator);
}

export function divide(a: Ratio, b: Ratio): Ratio {
  return ratio(a.numerator * b.denominator, a.denominator * b.numerator);
}

export function compare(a: Ratio, b: Ratio): number {
  const left = a.numerator * b.denominator;
  const right = b.numerator * a.denominator;
  return left < right ? -1 : left > right ? 1 : 0;
}

export function floor(value: Ratio): bigint {
  const quotient = value.numerator / value.denominator;
  return value.numerator < 0n && quotient * value.denominator !== value.numerator ? quotient - 1n : quotient;
}

export function ceil(value: Ratio): bigint {
  return -floor(ratio(-value.numerator, value.denominator));
}

/** Decimal text with `places` fraction digits, rounded half up (for display only). */
export function toDecimal(value: Ratio, places: number): string {
  const scale = 10n ** BigInt(places);
  const scaled = floor(ratio(value.numerator * scale * 2n + value.denominator, value.denominator * 2n));
  const digits = scaled.toString().padStart(places + 1, "0");
  return places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`;
}

/** Rates shown with ten significant digits, so 0.00000654 (VND per KWD-style pairs) keeps its precision. */
export function toRateString(value: Ratio): string {
  if (value.numerator === 0n) return "0";
  let places = 0;
  const target = 10n ** 9n;
  while (floor(ratio(value.numerator * 10n ** BigInt(places), value.denominator)) < target && places < 30)
    places++;
  return toDecimal(value, places)
    .replace(/(\.\d*?)0+$/, "$1")
    .replace(/\.$/, "");
}
