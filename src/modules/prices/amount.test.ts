import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type PriceTerms, priceAmount } from "./amount";
import type { PriceTier } from "./tables";

const none = { unitAmount: null, packageSize: null, packageRounding: null, tiersMode: null, tiers: null };
const perUnit = (unitAmount: number): PriceTerms => ({ ...none, pricingModel: "per_unit", unitAmount });
const packaged = (unitAmount: number, packageSize: number, packageRounding: "up" | "down"): PriceTerms => ({
  ...none,
  pricingModel: "package",
  unitAmount,
  packageSize,
  packageRounding,
});
const tiered = (tiersMode: "graduated" | "volume", tiers: PriceTier[]): PriceTerms => ({
  ...none,
  pricingModel: "tiered",
  tiersMode,
  tiers,
});

const sampleTiers: PriceTier[] = [
  { upTo: 10, unitAmount: 100, flatAmount: 500 },
  { upTo: 20, unitAmount: 80, flatAmount: 0 },
  { upTo: null, unitAmount: 50, flatAmount: 200 },
];

describe("priceAmount: table", () => {
  it.each([
    ["per_unit 0", perUnit(1999), 0, 0n],
    ["per_unit 3", perUnit(1999), 3, 5997n],
    ["per_unit free", perUnit(0), 7, 0n],
    ["package up, exact", packaged(1000, 5, "up"), 10, 2000n],
    ["package up, partial", packaged(1000, 5, "up"), 11, 3000n],
    ["package down, partial", packaged(1000, 5, "down"), 14, 2000n],
    ["package down, below one", packaged(1000, 5, "down"), 4, 0n],
    ["graduated, first tier (inclusive)", tiered("graduated", sampleTiers), 10, 1500n],
    ["graduated, into second", tiered("graduated", sampleTiers), 11, 1580n],
    ["graduated, into last", tiered("graduated", sampleTiers), 25, 500n + 1000n + 800n + 200n + 250n],
    ["volume, first tier (inclusive)", tiered("volume", sampleTiers), 10, 1500n],
    ["volume, second tier", tiered("volume", sampleTiers), 11, 880n],
    ["volume, last tier", tiered("volume", sampleTiers), 25, 1450n],
  ])("%s", (_name, terms, quantity, expected) => {
    expect(priceAmount(terms, quantity)).toBe(expected);
  });

  it("is exact beyond Number.MAX_SAFE_INTEGER", () => {
    expect(priceAmount(perUnit(9_007_199_254_740_991), 3)).toBe(27_021_597_764_222_973n);
  });

  it("refuses a negative quantity", () => {
    expect(() => priceAmount(perUnit(1), -1)).toThrow(RangeError);
  });
});

const amount = fc.integer({ min: 0, max: 1_000_000 });
const quantity = fc.integer({ min: 0, max: 100_000 });

/** 1 to 6 tiers with strictly increasing bounds and a last unbounded one. */
const tiers = fc
  .array(fc.record({ step: fc.integer({ min: 1, max: 1000 }), unitAmount: amount, flatAmount: amount }), {
    minLength: 1,
    maxLength: 6,
  })
  .map((steps) => {
    let upTo = 0;
    return steps.map((step, index): PriceTier => {
      upTo += step.step;
      return {
        upTo: index === steps.length - 1 ? null : upTo,
        unitAmount: step.unitAmount,
        flatAmount: step.flatAmount,
      };
    });
  });

/** The units of `quantity` that fall into each tier. */
function unitsPerTier(list: PriceTier[], total: number): number[] {
  let below = 0;
  return list.map((tier) => {
    const top = tier.upTo ?? Number.POSITIVE_INFINITY;
    const units = Math.max(0, Math.min(total, top) - below);
    below = top;
    return units;
  });
}

describe("priceAmount: properties", () => {
  it("graduated is the sum of what each tier prices", () => {
    fc.assert(
      fc.property(tiers, quantity, (list, q) => {
        const expected = unitsPerTier(list, q).reduce(
          (sum, units, index) =>
            units === 0
              ? sum
              : sum +
                BigInt(units) * BigInt(list[index]?.unitAmount ?? 0) +
                BigInt(list[index]?.flatAmount ?? 0),
          0n,
        );
        expect(priceAmount(tiered("graduated", list), q)).toBe(expected);
      }),
    );
  });

  it("volume prices every unit at the one tier the quantity reaches", () => {
    fc.assert(
      fc.property(tiers, fc.integer({ min: 1, max: 100_000 }), (list, q) => {
        const tier = list.find((candidate) => candidate.upTo === null || q <= candidate.upTo);
        if (!tier) throw new Error("no tier");
        const got = priceAmount(tiered("volume", list), q);
        expect(got).toBe(BigInt(q) * BigInt(tier.unitAmount) + BigInt(tier.flatAmount));
        // One tier: the same as a one-tier graduated price made of that tier.
        expect(got).toBe(priceAmount(tiered("graduated", [{ ...tier, upTo: null }]), q));
      }),
    );
  });

  it("a package price charges whole packages, rounded as asked", () => {
    fc.assert(
      fc.property(amount, fc.integer({ min: 1, max: 1000 }), quantity, (unit, size, q) => {
        const up = priceAmount(packaged(unit, size, "up"), q);
        const down = priceAmount(packaged(unit, size, "down"), q);
        expect(down).toBe(BigInt(Math.floor(q / size)) * BigInt(unit));
        expect(up).toBe(BigInt(Math.ceil(q / size)) * BigInt(unit));
        expect(up - down).toBe(q % size === 0 ? 0n : BigInt(unit));
      }),
    );
  });

  it("per_unit, package and graduated never cost less for more units", () => {
    const terms = fc.oneof(
      amount.map(perUnit),
      fc
        .tuple(amount, fc.integer({ min: 1, max: 1000 }), fc.constantFrom("up" as const, "down" as const))
        .map(([unit, size, rounding]) => packaged(unit, size, rounding)),
      tiers.map((list) => tiered("graduated", list)),
    );
    fc.assert(
      fc.property(terms, quantity, fc.integer({ min: 0, max: 1000 }), (price, q, more) => {
        expect(priceAmount(price, q + more) >= priceAmount(price, q)).toBe(true);
      }),
    );
  });

  it("is additive for per_unit: q1 + q2 units cost what q1 and q2 cost apart", () => {
    fc.assert(
      fc.property(amount, quantity, quantity, (unit, a, b) => {
        expect(priceAmount(perUnit(unit), a + b)).toBe(
          priceAmount(perUnit(unit), a) + priceAmount(perUnit(unit), b),
        );
      }),
    );
  });
});
