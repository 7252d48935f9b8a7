import { describe, expect, it } from "vitest";
import { holidayCalendars } from "./holiday-calendars";
import { holidaysIn, isBusinessDay } from "./holidays";
import { railFor, rails, scheduleOnRail, swiftCurrencies, swiftRails } from "./rails";
import { bacsReturnCodes } from "./return-codes";
import { magicAmount, magicEntries, simulateOutcome } from "./simulator";
import { zonedInstant } from "./zoned";

describe("the SWIFT centres' calendars", () => {
  it("computes a holiday of each added centre, with its weekend rule", () => {
    const closed = (id: keyof typeof holidayCalendars, day: string) =>
      !isBusinessDay(holidayCalendars[id], day);
    // Zurich: Ascension and Whit Monday from Easter; no substitute for 1 August on a Saturday.
    expect(["2026-05-14", "2026-05-25"].every((day) => closed("ch", day))).toBe(true);
    expect(closed("ch", "2026-08-03")).toBe(false);
    // Canada: Victoria Day is the Monday on or before 24 May; Boxing Day on a Saturday moves to Monday.
    expect(closed("ca", "2026-05-18")).toBe(true);
    expect(holidaysIn(holidayCalendars.ca, 2026).slice(-2)).toEqual(["2026-12-25", "2026-12-28"]);
    // Sydney: the King's Birthday (2nd Monday of June); Anzac Day on a Saturday stays there.
    expect(closed("au", "2026-06-08")).toBe(true);
    expect(closed("au", "2026-04-27")).toBe(false);
    // Tokyo: Constitution Day on a Sunday moves past Greenery and Children's Day to the 6th; the
    // day between Respect for the Aged Day and the autumnal equinox is a citizens' holiday.
    expect(["2026-05-06", "2026-09-22", "2026-09-23", "2026-03-20"].every((day) => closed("jp", day))).toBe(
      true,
    );
    expect(closed("jp", "2027-03-22")).toBe(true);
    // Singapore: Chinese New Year from the lunar calendar; National Day on a Sunday → Monday.
    expect(["2026-02-17", "2026-02-18", "2026-08-10"].every((day) => closed("sg", day))).toBe(true);
    // Hong Kong: three days of Lunar New Year, Ching Ming on a Sunday after Easter Monday → Tuesday.
    expect(["2026-02-19", "2026-04-07", "2026-05-25", "2026-10-19"].every((day) => closed("hk", day))).toBe(
      true,
    );
    expect(holidaysIn(holidayCalendars.hk, 2027).slice(1, 3)).toEqual(["2027-02-08", "2027-02-09"]);
  });
});

describe("SWIFT wires", () => {
  it("carry each currency on its centre's calendar, with the cut-off in its zone", () => {
    // [currency, submitted at (local), its zone, window day, arrival day]: each window skips a holiday.
    const cases: Array<[string, string, string, string]> = [
      ["EUR", "2026-04-02T16:01", "2026-04-07", "2026-04-07"], // Good Friday, Easter Monday (TARGET2)
      ["GBP", "2026-05-22T15:31", "2026-05-26", "2026-05-26"], // spring bank holiday
      ["CHF", "2026-05-13T14:01", "2026-05-15", "2026-05-15"], // Ascension Day
      ["CAD", "2026-05-15T15:01", "2026-05-19", "2026-05-19"], // Victoria Day
      ["AUD", "2026-06-05T15:01", "2026-06-09", "2026-06-10"], // King's Birthday
      ["JPY", "2026-09-18T14:01", "2026-09-24", "2026-09-25"], // Silver Week: 21, 22 (citizens'), 23 Sep
      ["SGD", "2026-08-07T15:01", "2026-08-11", "2026-08-12"], // National Day observed on Monday
      ["HKD", "2026-02-16T15:01", "2026-02-20", "2026-02-23"], // Lunar New Year
    ];
    for (const [currency, local, windowDate, arrivalDate] of cases) {
      const rail = railFor("swift", currency);
      if (!rail) throw new Error(`no SWIFT rail for ${currency}`);
      const [day, time] = local.split("T") as [string, string];
      const submittedAt = zonedInstant(day, time, rail.timeZone);
      const schedule = scheduleOnRail(rail, submittedAt);
      expect({ currency, window: schedule.windowDate, arrival: schedule.arrivalDate }).toEqual({
        currency,
        window: windowDate,
        arrival: arrivalDate,
      });
      expect(schedule.windowAt).toEqual(zonedInstant(windowDate, rail.cutoffs[0] ?? "", rail.timeZone));
      expect(schedule.returnDeadline).toBe(schedule.arrivalDate);
      // A minute before the cut-off it leaves that same day.
      const before = scheduleOnRail(
        rail,
        new Date(zonedInstant(day, rail.cutoffs[0] ?? "", rail.timeZone).getTime() - 60_000),
      );
      expect(before.windowDate).toBe(day);
    }
  });

  it("carry exactly the SWIFT currencies; USD stays on the domestic wire", () => {
    expect(swiftCurrencies.map((currency) => railFor("swift", currency)?.currencies)).toEqual(
      swiftCurrencies.map((currency) => [currency]),
    );
    expect(railFor("swift", "USD")).toBeUndefined();
    expect(railFor("wire", "USD")).toBe(rails.wire);
    expect(swiftRails.JPY.maxAmount).toBe(1_500_000_000);
  });
});

describe("the sandbox simulator's magic amounts", () => {
  it("no two entries of one family, nor of two families, share their last four digits", () => {
    const families = (["ach", "sepa", "bacs"] as const).map((family) => magicEntries(family));
    for (const entries of families) {
      expect(new Set(entries.map((entry) => entry.digits)).size).toBe(entries.length);
      for (const entry of entries) expect(entry.digits % 100).not.toBe(0);
    }
    const all = families.flat().map((entry) => entry.digits);
    expect(new Set(all).size).toBe(all.length);
  });

  it("Bacs returns its ARUCS codes, which no other rail takes from the same amounts", () => {
    const arrivalDate = "2026-05-20";
    for (const code of bacsReturnCodes) {
      const credit = { arrivalDate, direction: "credit" as const };
      expect(
        simulateOutcome(rails.bacs, { ...credit, amount: 10_000 + magicAmount(code, "fail") }).failure?.code,
      ).toBe(code);
      expect(
        simulateOutcome(rails.bacs, { ...credit, amount: magicAmount(code, "return") }).returned,
      ).toMatchObject({
        code,
        on: "2026-05-21",
      });
      // The last day of the window: two business days after arrival (day 5 of the Bacs cycle).
      expect(
        simulateOutcome(rails.bacs, { ...credit, amount: magicAmount(code, "late_return") }).returned?.on,
      ).toBe("2026-05-22");
      for (const other of [rails.faster_payments, rails.ach_standard, rails.sepa_credit]) {
        expect(simulateOutcome(other, { ...credit, amount: magicAmount(code, "fail") })).toEqual({
          failure: null,
          returned: null,
        });
      }
    }
    expect(
      simulateOutcome(rails.bacs, { arrivalDate, direction: "credit", amount: magicAmount("R01", "fail") })
        .failure,
    ).toBeNull();
  });
});
