import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { currencyExponent } from "../../core/money";
import { buyAmountFor, customerRate, midRate, type RateTable, sellAmountFor } from "./conversion";
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
});
