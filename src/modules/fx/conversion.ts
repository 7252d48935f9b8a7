import { currencyExponent } from "../../core/money";
import { ceil, divide, floor, multiply, type Ratio, ratio } from "./decimal";

export const BPS = 10_000n;

/** A snapshot of mid-market rates: units of each currency per one unit of `base`. */
export interface RateTable {
  base: string;
  rates: Readonly<Record<string, Ratio>>;
}

/** Mid rate of base→quote (units of quote per unit of base), exact, crossing through the table's base. */
export function midRate(table: RateTable, base: string, quote: string): Ratio | undefined {
  const baseRate = base === table.base ? ratio(1n) : table.rates[base];
  const quoteRate = quote === table.base ? ratio(1n) : table.rates[quote];
  if (!baseRate || !quoteRate) return undefined;
  return divide(quoteRate, baseRate);
}

/**
 * The rate the merchant gets when selling `sell` for `buy`: the mid rate less the markup. The
 * "buy" and "sell" prices of a pair are mid·(1 − m) and mid·(1 + m): the merchant always trades
 * on the side that is worse for it by the markup.
 */
export function customerRate(mid: Ratio, markupBps: number): Ratio {
  return multiply(mid, ratio(BPS - BigInt(markupBps), BPS));
}

export function markedUpRate(mid: Ratio, markupBps: number): Ratio {
  return multiply(mid, ratio(BPS + BigInt(markupBps), BPS));
}

/** Converts a rate in major units into one in minor units, respecting each currency's exponent. */
function minorRate(rate: Ratio, sellCurrency: string, buyCurrency: string): Ratio {
  const shift = currencyExponent(buyCurrency) - currencyExponent(sellCurrency);
  return shift >= 0
    ? multiply(rate, ratio(10n ** BigInt(shift)))
    : divide(rate, ratio(10n ** BigInt(-shift)));
}

/**
 * The rounding rule, one for every conversion: the amount the merchant receives is rounded down
 * and the amount it pays is rounded up, each to its currency's minor unit. So a conversion never
 * creates money, and each amount is at most one minor unit from the exact value.
 */
export function buyAmountFor(
  sellAmount: number,
  rate: Ratio,
  sellCurrency: string,
  buyCurrency: string,
): number {
  return Number(floor(multiply(ratio(BigInt(sellAmount)), minorRate(rate, sellCurrency, buyCurrency))));
}

export function sellAmountFor(
  buyAmount: number,
  rate: Ratio,
  sellCurrency: string,
  buyCurrency: string,
): number {
  return Number(ceil(divide(ratio(BigInt(buyAmount)), minorRate(rate, sellCurrency, buyCurrency))));
}
