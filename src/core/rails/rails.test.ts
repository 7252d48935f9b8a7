import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { holidayCalendars } from "./holiday-calendars";
import { calendarIds, easterSunday, holidaysIn, isBusinessDay, isWeekend } from "./holidays";
import { allRails, rails, returnDeadlineOn, scheduleOnRail } from "./rails";
import { achReturnCodes, achUnauthorizedReturnCodes } from "./return-codes";
import { magicAmount, simulateOutcome } from "./simulator";
import { localDate } from "./zoned";

describe("holiday calendars", () => {
  it("Easter Sunday for known years", () => {
    expect(["2019", "2024", "2025", "2026", "2038"].map((year) => easterSunday(Number(year)))).toEqual([
      "2019-04-21",
      "2024-03-31",
      "2025-04-20",
      "2026-04-05",
      "2038-04-25",
    ]);
  });

  it("the Federal Reserve's 2026 and 2027 holidays: Sunday moves to Monday, Saturday is not observed", () => {
    expect(holidaysIn(holidayCalendars.us, 2026)).toEqual([
      "2026-01-01",
      "2026-01-19",
      "2026-02-16",
      "2026-05-25",
      "2026-06-19",
      "2026-09-07",
      "2026-10-12",
      "2026-11-11",
      "2026-11-26",
      "2026-12-25",
    ]);
    // 4 July 2026 is a Saturday: the Fed is open on Friday the 3rd.
    expect(isBusinessDay(holidayCalendars.us, "2026-07-03")).toBe(true);
    // 19 June 2022 was a Sunday: observed Monday the 20th; before 2022 Juneteenth was no holiday.
    expect(holidaysIn(holidayCalendars.us, 2022)).toContain("2022-06-20");
    expect(holidaysIn(holidayCalendars.us, 2021)).not.toContain("2021-06-18");
    expect(holidaysIn(holidayCalendars.us, 2027)).toContain("2027-07-05");
  });

  it("TARGET2 closes on its six days, on weekends too", () => {
    expect(holidaysIn(holidayCalendars.target2, 2026)).toEqual([
      "2026-01-01",
      "2026-04-03",
      "2026-04-06",
      "2026-05-01",
      "2026-12-25",
      "2026-12-26",
    ]);
  });

  it("UK substitute days and proclaimed days", () => {
    expect(holidaysIn(holidayCalendars.uk, 2026)).toEqual([
      "2026-01-01",
      "2026-04-03",
      "2026-04-06",
      "2026-05-04",
      "2026-05-25",
      "2026-08-31",
      "2026-12-25",
      "2026-12-28",
    ]);
    // Christmas on a Saturday and Boxing Day on a Sunday: Monday and Tuesday.
    expect(holidaysIn(holidayCalendars.uk, 2027).slice(-2)).toEqual(["2027-12-27", "2027-12-28"]);
    // Christmas on a Sunday: Boxing Day stays on Monday, Christmas moves to Tuesday.
    expect(holidaysIn(holidayCalendars.uk, 2022)).toEqual(
      expect.arrayContaining([
        "2022-01-03",
        "2022-06-02",
        "2022-06-03",
        "2022-09-19",
        "2022-12-26",
        "2022-12-27",
      ]),
    );
    expect(holidaysIn(holidayCalendars.uk, 2022)).not.toContain("2022-05-30");
  });
});

describe("rail schedules", () => {
  const sameDay = rails.ach_same_day;

  it("ACH same-day: each of the three New York cut-offs, then the next business day", () => {
    // Tuesday 1 December 2026, New York is UTC−5.
    const at = (utc: string) => scheduleOnRail(sameDay, new Date(utc));
    expect(at("2026-12-01T15:00:00Z")).toMatchObject({
      windowAt: new Date("2026-12-01T15:30:00Z"),
      arrivalDate: "2026-12-01",
    });
    expect(at("2026-12-01T15:31:00Z").windowAt).toEqual(new Date("2026-12-01T19:45:00Z"));
    expect(at("2026-12-01T21:00:00Z").windowAt).toEqual(new Date("2026-12-01T21:45:00Z"));
    expect(at("2026-12-01T21:46:00Z")).toMatchObject({
      windowAt: new Date("2026-12-02T15:30:00Z"),
      arrivalDate: "2026-12-02",
    });
    // Friday evening before Christmas 2026 (Friday the 25th closed): Monday the 28th.
    expect(at("2026-12-24T23:00:00Z")).toMatchObject({ windowDate: "2026-12-28", arrivalDate: "2026-12-28" });
    // Summer time: 10:30 EDT is 14:30 UTC.
    expect(at("2026-07-01T12:00:00Z").windowAt).toEqual(new Date("2026-07-01T14:30:00Z"));
  });

  it("ACH standard arrives the next business day, across a weekend and a holiday", () => {
    // Friday 22 May 2026 after the last window: Tuesday's window (Monday is Memorial Day), Wednesday's arrival.
    expect(scheduleOnRail(rails.ach_standard, new Date("2026-05-22T22:00:00Z"))).toMatchObject({
      windowDate: "2026-05-26",
      arrivalDate: "2026-05-27",
      returnDeadline: "2026-05-29",
    });
  });

  it("ACH debits returned unauthorized (R05, R07, R10, R11, R51) have 60 calendar days; R29 (corporate), other codes and credits the rail's window", () => {
    const arrivalDate = "2026-05-27";
    const debit = { direction: "debit" as const, arrivalDate };
    const credit = { direction: "credit" as const, arrivalDate };
    expect(returnDeadlineOn(rails.ach_standard, debit)).toBe("2026-07-26");
    for (const code of achReturnCodes) {
      const unauthorized = achUnauthorizedReturnCodes.includes(code);
      expect(returnDeadlineOn(rails.ach_standard, debit, code)).toBe(
        unauthorized ? "2026-07-26" : "2026-05-29",
      );
      expect(returnDeadlineOn(rails.ach_same_day, credit, code)).toBe("2026-05-29");
      // The simulator's late return of a debit comes on the code's last day.
      const late = simulateOutcome(rails.ach_standard, {
        ...debit,
        amount: magicAmount(code, "late_return"),
      });
      expect(late.returned?.on).toBe(unauthorized ? "2026-07-26" : "2026-05-29");
    }
    expect(returnDeadlineOn(rails.ach_standard, credit)).toBe("2026-05-29");
    expect(returnDeadlineOn(rails.sepa_debit, debit, "MD06")).toBe(returnDeadlineOn(rails.sepa_debit, debit));
  });

  it("SEPA Credit Transfer skips Easter on TARGET2; SCT Inst arrives at once, every day", () => {
    expect(scheduleOnRail(rails.sepa_credit, new Date("2026-04-02T16:00:00Z"))).toMatchObject({
      windowDate: "2026-04-07",
      arrivalDate: "2026-04-08",
    });
    const easterSunday = new Date("2026-04-05T10:00:00Z");
    expect(scheduleOnRail(rails.sepa_instant, easterSunday)).toMatchObject({
      windowAt: easterSunday,
      arrivalDate: "2026-04-05",
    });
  });

  const instants = fc
    .integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2040, 11, 31) })
    .map((ms) => new Date(ms));

  it("property: arrival is a business day of the rail's calendar, never before the window or submission", () => {
    fc.assert(
      fc.property(fc.constantFrom(...allRails), instants, (rail, submittedAt) => {
        const schedule = scheduleOnRail(rail, submittedAt);
        expect(schedule.windowAt.getTime()).toBeGreaterThanOrEqual(submittedAt.getTime());
        expect(schedule.arrivalDate >= schedule.windowDate).toBe(true);
        expect(schedule.windowDate >= localDate(submittedAt, rail.timeZone)).toBe(true);
        expect(schedule.returnDeadline >= schedule.arrivalDate).toBe(true);
        if (rail.calendar !== "always_open") {
          const calendar = holidayCalendars[rail.calendar];
          for (const day of [schedule.windowDate, schedule.arrivalDate, schedule.returnDeadline]) {
            expect(isWeekend(day)).toBe(false);
            expect(holidaysIn(calendar, Number(day.slice(0, 4)))).not.toContain(day);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });

  it("property: monotonic in submission time (a later payment never arrives earlier)", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...allRails),
        instants,
        fc.integer({ min: 0, max: 10 * 86_400_000 }),
        (rail, first, later) => {
          const a = scheduleOnRail(rail, first);
          const b = scheduleOnRail(rail, new Date(first.getTime() + later));
          expect(b.windowAt.getTime()).toBeGreaterThanOrEqual(a.windowAt.getTime());
          expect(b.arrivalDate >= a.arrivalDate).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("property: every calendar's holidays, any year, are weekdays (but where dates are not moved) and unique", () => {
    fc.assert(
      fc.property(fc.constantFrom(...calendarIds), fc.integer({ min: 1990, max: 2100 }), (id, year) => {
        const calendar = holidayCalendars[id];
        const days = holidaysIn(calendar, year);
        expect(new Set(days).size).toBe(days.length);
        if (calendar.weekendRule !== "none") for (const day of days) expect(isWeekend(day)).toBe(false);
        for (const day of days) expect(day.startsWith(String(year))).toBe(true);
      }),
    );
  });
});
