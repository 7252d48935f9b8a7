import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { wholeQuantity } from "./usage";

describe("metered usage rounding", () => {
  it("rounds half up: 2.5 → 3, 2.4999 → 2, 0.5 → 1, 7 → 7", () => {
    expect(["2.5", "2.4999", "0.5", "0.49", "7", "0"].map(wholeQuantity)).toEqual([3n, 2n, 1n, 0n, 7n, 0n]);
    expect(() => wholeQuantity("-1")).toThrow(RangeError);
  });

  it("equals ⌊x + ½⌋ computed exactly for any decimal", () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 18n }),
        fc.stringMatching(/^[0-9]{1,20}$/),
        (whole, fraction) => {
          const scale = 10n ** BigInt(fraction.length);
          const numerator = whole * scale + BigInt(fraction);
          // ⌊n / s + 1/2⌋ = ⌊(2n + s) / 2s⌋
          expect(wholeQuantity(`${whole}.${fraction}`)).toBe((2n * numerator + scale) / (2n * scale));
        },
      ),
    );
  });
});
