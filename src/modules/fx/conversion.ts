import { currencyExponent, MAX_AMOUNT } from "../../core/money";
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

/** The largest amount the ledger holds (money.ts MAX_AMOUNT): every computed amount stays within it. */
const LEDGER_MAX = BigInt(MAX_AMOUNT);

export interface QuoteAmounts {
  sellAmount: number;
  /** What the merchant receives, at the customer rate (rounded down). */
  buyAmount: number;
  /** sell_amount at the mid rate (rounded down): the difference to buyAmount is the markup. */
  midBuyAmount: number;
  markupAmount: number;
}

export type QuoteAmountsResult =
  | { ok: true; amounts: QuoteAmounts }
  | { ok: false; reason: "below_minor_unit" | "beyond_ledger"; amount: "sell_amount" | "buy_amount" };

/**
 * Every amount of a quote, computed exactly (bigint) and checked before any becomes a number:
 * each must be a safe integer within the ledger's bounds, and what the merchant receives at least
 * one minor unit. Exactly one of sellAmount and buyAmount is given.
 */
export function quoteAmounts(input: {
  sellAmount?: number | undefined;
  buyAmount?: number | undefined;
  mid: Ratio;
  rate: Ratio;
  sellCurrency: string;
  buyCurrency: string;
}): QuoteAmountsResult {
  const customer = minorRate(input.rate, input.sellCurrency, input.buyCurrency);
  const sell =
    input.sellAmount !== undefined
      ? BigInt(input.sellAmount)
      : ceil(divide(ratio(BigInt(input.buyAmount ?? 0)), customer));
  const buy =
    input.buyAmount !== undefined ? BigInt(input.buyAmount) : floor(multiply(ratio(sell), customer));
  const midBuy = floor(multiply(ratio(sell), minorRate(input.mid, input.sellCurrency, input.buyCurrency)));
  if (sell > LEDGER_MAX) return { ok: false, reason: "beyond_ledger", amount: "sell_amount" };
  if (buy > LEDGER_MAX || midBuy > LEDGER_MAX) {
    return { ok: false, reason: "beyond_ledger", amount: "buy_amount" };
  }
  if (buy < 1n || sell < 1n) return { ok: false, reason: "below_minor_unit", amount: "buy_amount" };
  const markup = midBuy - buy;
  return {
    ok: true,
    amounts: {
      sellAmount: Number(sell),
      buyAmount: Number(buy),
      midBuyAmount: Number(midBuy),
      markupAmount: Number(markup < 0n ? 0n : markup),
    },
  };
}

/** Whether a stored amount can go to the ledger as it is (quotes stored before the bounds check). */
export function isLedgerAmount(amount: number): boolean {
  return Number.isSafeInteger(amount) && amount >= 0 && amount <= MAX_AMOUNT;
}
