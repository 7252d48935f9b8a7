import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { currencyExponent } from "../../core/money";
import {
  buyAmountFor,
  customerRate,
  midRate,
  quoteAmounts,
  type RateTable,
  sellAmountFor,
} from "./conversion";
import { compare, divide, multiply, parseDecimal, ratio, toRateString } from "./decimal";

const table: RateTable = {
  base: "USD",
  rates: {
    EUR: parseDecimal("0.9213"),
    GBP: parseDecimal("0.7874"),
    JPY: parseDecimal("151.37"),
    KWD: parseDecimal("0.30712"),
    INR: parseDecimal("83.4125"),
  },
};
const currencies = ["USD", "EUR", "GBP", "JPY", "KWD", "INR"];

function rate(base: string, quote: string) {
  const mid = midRate(table, base, quote);
  if (!mid) throw new Error(`no rate ${base}/${quote}`);
  return mid;
}

describe("fx arithmetic", () => {
  it("computes cross rates exactly through the base", () => {
    expect(toRateString(rate("EUR", "GBP"))).toBe("0.8546618908");
    expect(compare(multiply(rate("EUR", "GBP"), rate("GBP", "EUR")), ratio(1n))).toBe(0);
    expect(toRateString(rate("USD", "JPY"))).toBe("151.37");
    expect(midRate(table, "USD", "XYZ")).toBeUndefined();
  });

  it("respects exponents: 100.00 USD to JPY and KWD", () => {
    expect(buyAmountFor(10_000, rate("USD", "JPY"), "USD", "JPY")).toBe(15_137);
    expect(buyAmountFor(10_000, rate("USD", "KWD"), "USD", "KWD")).toBe(30_712);
    expect(buyAmountFor(15_137, rate("JPY", "USD"), "JPY", "USD")).toBe(10_000);
  });

  it("sell-side quotes round up what the merchant pays", () => {
    const r = customerRate(rate("USD", "EUR"), 50);
    const sell = sellAmountFor(10_000, r, "USD", "EUR");
    expect(buyAmountFor(sell, r, "USD", "EUR")).toBeGreaterThanOrEqual(10_000);
    expect(buyAmountFor(sell - 1, r, "USD", "EUR")).toBeLessThan(10_000);
  });

  it("converting and converting back never creates money (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...currencies),
        fc.constantFrom(...currencies),
        fc.integer({ min: 1, max: 1_000_000_000_000 }),
        fc.integer({ min: 0, max: 500 }),
        (from, to, amount, markup) => {
          const there = buyAmountFor(amount, customerRate(rate(from, to), markup), from, to);
          const back = buyAmountFor(there, customerRate(rate(to, from), markup), to, from);
          expect(back).toBeLessThanOrEqual(amount);
        },
      ),
    );
  });

  it("rounding error stays within one minor unit (property)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...currencies),
        fc.constantFrom(...currencies),
        fc.integer({ min: 1, max: 1_000_000_000_000 }),
        fc.integer({ min: 0, max: 500 }),
        (from, to, amount, markup) => {
          const r = customerRate(rate(from, to), markup);
          const shift = currencyExponent(to) - currencyExponent(from);
          const exact = multiply(
            multiply(ratio(BigInt(amount)), r),
            shift >= 0 ? ratio(10n ** BigInt(shift)) : ratio(1n, 10n ** BigInt(-shift)),
          );
          const got = ratio(BigInt(buyAmountFor(amount, r, from, to)));
          const difference = divide(
            ratio(exact.numerator * got.denominator - got.numerator * exact.denominator),
            ratio(exact.denominator * got.denominator),
          );
          expect(compare(difference, ratio(0n))).toBeGreaterThanOrEqual(0);
          expect(compare(difference, ratio(1n))).toBeLessThan(0);
        },
      ),
    );
  });

  it("every computed quote amount is a safe integer within the ledger's bounds, or refused (property)", () => {
    // Rates as large and as small as real ones get (IDR, VND, KWD), with amounts up to and at 2^53 − 1.
    const wide: RateTable = {
      base: "USD",
      rates: {
        ...table.rates,
        IDR: parseDecimal("16245.5"),
        VND: parseDecimal("25410"),
        BHD: parseDecimal("0.376"),
      },
    };
    const codes = [...currencies, "IDR", "VND", "BHD"];
    const amount = fc.oneof(
      fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
      fc.integer({ min: Number.MAX_SAFE_INTEGER - 1_000, max: Number.MAX_SAFE_INTEGER }),
      fc.integer({ min: 1, max: 1_000 }),
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...codes),
        fc.constantFrom(...codes),
        amount,
        fc.boolean(),
        fc.integer({ min: 0, max: 1000 }),
        (from, to, value, bySell, markup) => {
          fc.pre(from !== to);
          const mid = midRate(wide, from, to);
          if (!mid) throw new Error("no rate");
          const result = quoteAmounts({
            ...(bySell ? { sellAmount: value } : { buyAmount: value }),
            mid,
            rate: customerRate(mid, markup),
            sellCurrency: from,
            buyCurrency: to,
          });
          if (!result.ok) return;
          const { sellAmount, buyAmount, midBuyAmount, markupAmount } = result.amounts;
          for (const computed of [sellAmount, buyAmount, midBuyAmount, markupAmount]) {
            expect(Number.isSafeInteger(computed)).toBe(true);
            expect(computed).toBeGreaterThanOrEqual(0);
            expect(computed).toBeLessThanOrEqual(Number.MAX_SAFE_INTEGER);
          }
          expect(sellAmount).toBeGreaterThanOrEqual(1);
          expect(buyAmount).toBeGreaterThanOrEqual(1);
          expect(midBuyAmount - buyAmount).toBe(markupAmount);
          if (bySell) expect(sellAmount).toBe(value);
          else expect(buyAmount).toBe(value);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("refuses amounts that leave the ledger's bounds instead of rounding them", () => {
    const max = Number.MAX_SAFE_INTEGER;
    const usdIdr = midRate({ base: "USD", rates: { IDR: parseDecimal("16245.5") } }, "USD", "IDR");
    if (!usdIdr) throw new Error("no rate");
    expect(
      quoteAmounts({ sellAmount: max, mid: usdIdr, rate: usdIdr, sellCurrency: "USD", buyCurrency: "IDR" }),
    ).toEqual({ ok: false, reason: "beyond_ledger", amount: "buy_amount" });
    const idrUsd = divide(ratio(1n), usdIdr);
    expect(
      quoteAmounts({ buyAmount: max, mid: idrUsd, rate: idrUsd, sellCurrency: "IDR", buyCurrency: "USD" }),
    ).toEqual({ ok: false, reason: "beyond_ledger", amount: "sell_amount" });
    expect(
      quoteAmounts({ sellAmount: 1, mid: idrUsd, rate: idrUsd, sellCurrency: "IDR", buyCurrency: "USD" }),
    ).toEqual({ ok: false, reason: "below_minor_unit", amount: "buy_amount" });
  });
});
