import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type DiscountTerms, discountAmount } from "./discount";

const percent = (basisPoints: number): DiscountTerms => ({
  percentOffBasisPoints: basisPoints,
  amountOff: null,
  currency: null,
  currencyOptions: {},
});
const fixed = (
  amountOff: number,
  currency: string,
  currencyOptions: Record<string, number> = {},
): DiscountTerms => ({
  percentOffBasisPoints: null,
  amountOff,
  currency,
  currencyOptions,
});

describe("discountAmount: table", () => {
  it.each([
    ["25 % of 1000", percent(2500), 1000, "USD", 250],
    ["12.5 % of 999 rounds half up", percent(1250), 999, "USD", 125],
    ["33.33 % of 100", percent(3333), 100, "USD", 33],
    ["0.01 % of 5000 rounds half up", percent(1), 5000, "USD", 1],
    ["0.01 % of 4999 rounds down", percent(1), 4999, "USD", 0],
    ["100 % of 1234", percent(10000), 1234, "JPY", 1234],
    ["500 USD off 2000", fixed(500, "USD"), 2000, "USD", 500],
    ["fixed capped at the amount", fixed(500, "USD"), 300, "USD", 300],
    ["fixed in a currency option", fixed(500, "USD", { EUR: 450 }), 2000, "EUR", 450],
    ["fixed with no amount in the currency", fixed(500, "USD"), 2000, "GBP", null],
  ])("%s", (_name, terms, amount, currency, expected) => {
    expect(discountAmount(terms, amount, currency)).toBe(expected);
  });

  it("refuses a negative or fractional amount", () => {
    expect(() => discountAmount(percent(100), -1, "USD")).toThrow(RangeError);
    expect(() => discountAmount(percent(100), 1.5, "USD")).toThrow(RangeError);
  });
});

const amount = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const basisPoints = fc.integer({ min: 1, max: 10_000 });

describe("discountAmount: properties", () => {
  it("a discount is between 0 and the amount", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          basisPoints.map(percent),
          fc.integer({ min: 1, max: 10_000_000 }).map((off) => fixed(off, "USD")),
        ),
        amount,
        (terms, value) => {
          const off = discountAmount(terms, value, "USD");
          expect(off).not.toBeNull();
          expect(off).toBeGreaterThanOrEqual(0);
          expect(off).toBeLessThanOrEqual(value);
        },
      ),
    );
  });

  it("a percentage is the exact share rounded half up: never more than half a minor unit off", () => {
    fc.assert(
      fc.property(basisPoints, amount, (bp, value) => {
        const off = BigInt(discountAmount(percent(bp), value, "USD") ?? -1);
        const exact = BigInt(value) * BigInt(bp); // the discount × 10 000
        const error = off * 10_000n - exact;
        expect(error > -5000n && error <= 5000n).toBe(true);
      }),
    );
  });

  it("a larger amount never gets a smaller discount", () => {
    fc.assert(
      fc.property(
        basisPoints,
        fc.integer({ min: 0, max: 1e12 }),
        fc.integer({ min: 0, max: 1e6 }),
        (bp, value, more) => {
          const smaller = discountAmount(percent(bp), value, "USD") ?? 0;
          const larger = discountAmount(percent(bp), value + more, "USD") ?? 0;
          expect(larger).toBeGreaterThanOrEqual(smaller);
        },
      ),
    );
  });
});
