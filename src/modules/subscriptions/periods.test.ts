import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { periodBoundary, prorate, secondsBetween } from "./periods";

const iso = (n: number, anchor: string, interval: "day" | "week" | "month" | "year" = "month", count = 1) =>
  periodBoundary(new Date(anchor), interval, count, n).toISOString();

describe("subscription periods", () => {
  it("computes month-end boundaries from the anchor, clamping and coming back", () => {
    const anchor = "2027-01-31T12:00:00.000Z";
    expect([0, 1, 2, 3, 13].map((n) => iso(n, anchor))).toEqual([
      "2027-01-31T12:00:00.000Z",
      "2027-02-28T12:00:00.000Z",
      "2027-03-31T12:00:00.000Z",
      "2027-04-30T12:00:00.000Z",
      "2028-02-29T12:00:00.000Z",
    ]);
    expect(iso(-1, anchor)).toBe("2026-12-31T12:00:00.000Z");
    expect(iso(1, "2028-02-29T00:00:00.000Z", "year")).toBe("2029-02-28T00:00:00.000Z");
    expect(iso(4, "2028-02-29T00:00:00.000Z", "year")).toBe("2032-02-29T00:00:00.000Z");
    expect(iso(2, "2027-01-01T00:00:00.000Z", "week", 2)).toBe("2027-01-29T00:00:00.000Z");
    expect(iso(3, "2027-01-01T00:00:00.000Z", "month", 3)).toBe("2027-10-01T00:00:00.000Z");
  });

  it("prorates to the second, half away from zero", () => {
    const start = new Date("2027-01-01T00:00:00Z");
    const end = new Date("2027-01-31T00:00:00Z");
    const whole = secondsBetween(start, end);
    expect(prorate(3000, whole / 2n, whole)).toBe(1500);
    expect(prorate(1, 1n, 2n)).toBe(1);
    expect(prorate(-1, 1n, 2n)).toBe(-1);
    expect(prorate(1000, 0n, whole)).toBe(0);
  });

  it("property: a change's credit and charge and its reversal's net to zero", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.integer({ min: 0, max: 10_000_000 }),
        fc.bigInt({ min: 1n, max: 31_622_400n }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (before, after, whole, share) => {
          const remaining = BigInt(Math.floor(Number(whole) * share));
          const change = prorate(-before, remaining, whole) + prorate(after, remaining, whole);
          const reversal = prorate(-after, remaining, whole) + prorate(before, remaining, whole);
          return change + reversal === 0;
        },
      ),
    );
  });

  it("property: a boundary is never before the previous one and keeps the anchor's time of day", () => {
    fc.assert(
      fc.property(
        fc.date({
          min: new Date("2000-01-01T00:00:00Z"),
          max: new Date("2090-01-01T00:00:00Z"),
          noInvalidDate: true,
        }),
        fc.constantFrom("day", "week", "month", "year"),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 0, max: 40 }),
        (anchor, interval, count, n) => {
          const a = periodBoundary(anchor, interval, count, n);
          const b = periodBoundary(anchor, interval, count, n + 1);
          return (
            b > a && a.getUTCHours() === anchor.getUTCHours() && a.getUTCMinutes() === anchor.getUTCMinutes()
          );
        },
      ),
    );
  });
});
