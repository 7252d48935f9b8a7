import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { currencyExponent, currencyExponents, formatAmount, isCurrency, parseAmount } from "./money";

describe("money", () => {
  it("knows each currency's exponent", () => {
    expect(currencyExponent("USD")).toBe(2);
    expect(currencyExponent("JPY")).toBe(0);
    expect(currencyExponent("KWD")).toBe(3);
    expect(isCurrency("usd")).toBe(false);
    expect(isCurrency("XYZ")).toBe(false);
    expect(Object.keys(currencyExponents).length).toBeGreaterThan(150);
  });

  it("formats minor units as decimal strings", () => {
    expect(formatAmount(1999, "USD")).toBe("19.99");
    expect(formatAmount(5, "KWD")).toBe("0.005");
    expect(formatAmount(500, "JPY")).toBe("500");
    expect(formatAmount(-1, "EUR")).toBe("-0.01");
  });

  it("parses decimal strings and refuses extra precision", () => {
    expect(parseAmount("19.99", "USD")).toBe(1999n);
    expect(parseAmount("19.9", "USD")).toBe(1990n);
    expect(() => parseAmount("1.5", "JPY")).toThrow(RangeError);
    expect(() => parseAmount("1e3", "USD")).toThrow(RangeError);
  });

  it("format and parse are inverse for every amount and currency (property)", () => {
    const codes = Object.keys(currencyExponents);
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(2n ** 62n), max: 2n ** 62n }),
        fc.constantFrom(...codes),
        (amount, currency) => {
          expect(parseAmount(formatAmount(amount, currency), currency)).toBe(amount);
        },
      ),
    );
  });
});
