import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { weekdays } from "../../core/tables";
import { latestFireAt, nextFireAt, type PayoutCadence } from "./schedule-periods";

const iso = (date: Date) => date.toISOString();
const monthly = (anchor: number): PayoutCadence => ({ interval: "monthly", monthlyAnchor: anchor });
const daysIn = (date: Date) =>
  new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();

const cadence = fc.oneof(
  fc.constant<PayoutCadence>({ interval: "daily" }),
  fc.constantFrom(...weekdays).map((day): PayoutCadence => ({ interval: "weekly", weeklyAnchor: day })),
  fc.integer({ min: 1, max: 31 }).map(monthly),
);
const instant = fc
  .integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2040, 11, 31) })
  .map((ms) => new Date(ms));

describe("payout schedule periods (UTC)", () => {
  it("monthly anchors past a short month's end fire on its last day", () => {
    expect(iso(latestFireAt(monthly(31), new Date("2026-03-01T12:00:00Z")))).toBe("2026-02-28T00:00:00.000Z");
    expect(iso(latestFireAt(monthly(30), new Date("2028-03-01T00:00:00Z")))).toBe("2028-02-29T00:00:00.000Z");
    expect(iso(nextFireAt(monthly(31), new Date("2026-04-01T00:00:00Z")))).toBe("2026-04-30T00:00:00.000Z");
    expect(iso(nextFireAt(monthly(31), new Date("2026-12-31T00:00:00Z")))).toBe("2027-01-31T00:00:00.000Z");
    expect(iso(latestFireAt(monthly(15), new Date("2026-01-10T00:00:00Z")))).toBe("2025-12-15T00:00:00.000Z");
    // The fire time itself belongs to the period it ends.
    expect(iso(latestFireAt(monthly(15), new Date("2026-01-15T00:00:00Z")))).toBe("2026-01-15T00:00:00.000Z");
  });

  it("daily at 00:00, weekly on the anchor's day", () => {
    const wednesday = new Date("2026-12-02T11:00:00Z");
    expect(iso(latestFireAt({ interval: "daily" }, wednesday))).toBe("2026-12-02T00:00:00.000Z");
    expect(iso(nextFireAt({ interval: "daily" }, wednesday))).toBe("2026-12-03T00:00:00.000Z");
    expect(iso(latestFireAt({ interval: "weekly", weeklyAnchor: "friday" }, wednesday))).toBe(
      "2026-11-27T00:00:00.000Z",
    );
    expect(iso(nextFireAt({ interval: "weekly", weeklyAnchor: "friday" }, wednesday))).toBe(
      "2026-12-04T00:00:00.000Z",
    );
    expect(iso(latestFireAt({ interval: "weekly", weeklyAnchor: "wednesday" }, wednesday))).toBe(
      "2026-12-02T00:00:00.000Z",
    );
  });

  it("property: latest ≤ now < next, both at 00:00 UTC on the cadence's day, and nothing fires between them", () => {
    fc.assert(
      fc.property(cadence, instant, (schedule, now) => {
        const latest = latestFireAt(schedule, now);
        const next = nextFireAt(schedule, now);
        expect(latest.getTime()).toBeLessThanOrEqual(now.getTime());
        expect(next.getTime()).toBeGreaterThan(now.getTime());
        for (const fire of [latest, next]) {
          expect(fire.getTime() % 86_400_000).toBe(0);
          if (schedule.interval === "weekly") expect(weekdays[fire.getUTCDay()]).toBe(schedule.weeklyAnchor);
          if (schedule.interval === "monthly") {
            expect(fire.getUTCDate()).toBe(Math.min(schedule.monthlyAnchor ?? 1, daysIn(fire)));
          }
        }
        // The period just before `next` is the one that ends at `latest`: no fire time in between.
        expect(latestFireAt(schedule, new Date(next.getTime() - 1)).getTime()).toBe(latest.getTime());
        expect(latestFireAt(schedule, next).getTime()).toBe(next.getTime());
      }),
      { numRuns: 1000 },
    );
  });
});
