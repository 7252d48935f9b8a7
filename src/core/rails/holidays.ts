/**
 * Bank holiday calendars as data: every rule computes its date for any year (fixed dates with the
 * calendar's weekend rule, nth weekdays, days relative to Easter), plus one-off days proclaimed for a
 * single year. Dates are ISO `YYYY-MM-DD` strings: a bank holiday is a local calendar day.
 */

export const calendarIds = ["us", "target2", "uk"] as const;
export type CalendarId = (typeof calendarIds)[number];

/** 0 Sunday … 6 Saturday, as Date.getUTCDay. */
type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/**
 * What happens to a fixed-date holiday on a weekend:
 * - `none`: nothing (TARGET2 closes on the date itself, weekend or not);
 * - `fed`: Sunday moves to Monday, Saturday is not observed (the Federal Reserve's rule);
 * - `substitute`: the next weekday that is not already a holiday (UK substitute days).
 */
type WeekendRule = "none" | "fed" | "substitute";

export type HolidayRule =
  | { name: string; kind: "fixed"; month: number; day: number; from?: number }
  | { name: string; kind: "nth_weekday"; month: number; weekday: Weekday; nth: 1 | 2 | 3 | 4 | -1 }
  | { name: string; kind: "easter"; offset: number };

export interface HolidayCalendar {
  id: CalendarId;
  name: string;
  weekendRule: WeekendRule;
  rules: readonly HolidayRule[];
  /** Days proclaimed for one year only (coronations, jubilees, state funerals, moved holidays). */
  oneOff: readonly string[];
  /** Days a rule gives that were moved away by proclamation that year. */
  moved: readonly string[];
}

export const holidayCalendars: Record<CalendarId, HolidayCalendar> = {
  us: {
    id: "us",
    name: "Federal Reserve (US)",
    weekendRule: "fed",
    rules: [
      { name: "New Year's Day", kind: "fixed", month: 1, day: 1 },
      { name: "Martin Luther King Jr. Day", kind: "nth_weekday", month: 1, weekday: 1, nth: 3 },
      { name: "Washington's Birthday", kind: "nth_weekday", month: 2, weekday: 1, nth: 3 },
      { name: "Memorial Day", kind: "nth_weekday", month: 5, weekday: 1, nth: -1 },
      { name: "Juneteenth", kind: "fixed", month: 6, day: 19, from: 2022 },
      { name: "Independence Day", kind: "fixed", month: 7, day: 4 },
      { name: "Labor Day", kind: "nth_weekday", month: 9, weekday: 1, nth: 1 },
      { name: "Columbus Day", kind: "nth_weekday", month: 10, weekday: 1, nth: 2 },
      { name: "Veterans Day", kind: "fixed", month: 11, day: 11 },
      { name: "Thanksgiving Day", kind: "nth_weekday", month: 11, weekday: 4, nth: 4 },
      { name: "Christmas Day", kind: "fixed", month: 12, day: 25 },
    ],
    oneOff: [],
    moved: [],
  },
  target2: {
    id: "target2",
    name: "TARGET2 (EUR)",
    weekendRule: "none",
    rules: [
      { name: "New Year's Day", kind: "fixed", month: 1, day: 1 },
      { name: "Good Friday", kind: "easter", offset: -2 },
      { name: "Easter Monday", kind: "easter", offset: 1 },
      { name: "Labour Day", kind: "fixed", month: 5, day: 1 },
      { name: "Christmas Day", kind: "fixed", month: 12, day: 25 },
      { name: "Boxing Day", kind: "fixed", month: 12, day: 26 },
    ],
    oneOff: [],
    moved: [],
  },
  uk: {
    id: "uk",
    name: "UK bank holidays (England and Wales)",
    weekendRule: "substitute",
    rules: [
      { name: "New Year's Day", kind: "fixed", month: 1, day: 1 },
      { name: "Good Friday", kind: "easter", offset: -2 },
      { name: "Easter Monday", kind: "easter", offset: 1 },
      { name: "Early May bank holiday", kind: "nth_weekday", month: 5, weekday: 1, nth: 1 },
      { name: "Spring bank holiday", kind: "nth_weekday", month: 5, weekday: 1, nth: -1 },
      { name: "Summer bank holiday", kind: "nth_weekday", month: 8, weekday: 1, nth: -1 },
      { name: "Christmas Day", kind: "fixed", month: 12, day: 25 },
      { name: "Boxing Day", kind: "fixed", month: 12, day: 26 },
    ],
    // VE Day 75 (the early May holiday moved to 8 May 2020), the Platinum Jubilee (the spring
    // holiday moved to 2 June 2022, plus 3 June), the State Funeral, the Coronation.
    oneOff: ["2020-05-08", "2022-06-02", "2022-06-03", "2022-09-19", "2023-05-08"],
    moved: ["2020-05-04", "2022-05-30"],
  },
};

const DAY_MS = 86_400_000;

export function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function dateOf(iso: string): Date {
  return new Date(`${iso}T00:00:00Z`);
}

export function addDays(iso: string, days: number): string {
  return isoDate(new Date(dateOf(iso).getTime() + days * DAY_MS));
}

export function weekdayOf(iso: string): Weekday {
  return dateOf(iso).getUTCDay() as Weekday;
}

export function isWeekend(iso: string): boolean {
  const weekday = weekdayOf(iso);
  return weekday === 0 || weekday === 6;
}

/** Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm, "Meeus/Jones/Butcher"). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return isoDate(new Date(Date.UTC(year, month - 1, day)));
}

function nthWeekday(year: number, month: number, weekday: Weekday, nth: number): string {
  if (nth > 0) {
    const first = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
    return isoDate(new Date(Date.UTC(year, month - 1, 1 + ((weekday - first + 7) % 7) + (nth - 1) * 7)));
  }
  const lastDay = new Date(Date.UTC(year, month, 0));
  const back = (lastDay.getUTCDay() - weekday + 7) % 7;
  return isoDate(new Date(lastDay.getTime() - back * DAY_MS));
}

/** The rule's date in `year` before any weekend rule, or undefined when it does not apply that year. */
function ruleDate(rule: HolidayRule, year: number): string | undefined {
  switch (rule.kind) {
    case "fixed":
      if (rule.from !== undefined && year < rule.from) return undefined;
      return isoDate(new Date(Date.UTC(year, rule.month - 1, rule.day)));
    case "nth_weekday":
      return nthWeekday(year, rule.month, rule.weekday, rule.nth);
    case "easter":
      return addDays(easterSunday(year), rule.offset);
  }
}

/** The days the calendar's banks are closed in `year`, weekends aside, sorted. */
export function holidaysIn(calendar: HolidayCalendar, year: number): string[] {
  const actual = calendar.rules.flatMap((rule) => {
    const date = ruleDate(rule, year);
    return date === undefined ? [] : [{ date, fixed: rule.kind === "fixed" }];
  });
  const closed = new Set(actual.filter((holiday) => !isWeekend(holiday.date)).map((holiday) => holiday.date));
  for (const day of calendar.moved) closed.delete(day);
  for (const day of calendar.oneOff) if (day.startsWith(`${year}-`)) closed.add(day);
  const onWeekends = actual
    .filter((holiday) => holiday.fixed && isWeekend(holiday.date))
    .map((holiday) => holiday.date)
    .sort();
  for (const date of onWeekends) {
    if (calendar.weekendRule === "none") closed.add(date);
    else if (calendar.weekendRule === "fed") {
      if (weekdayOf(date) === 0) closed.add(addDays(date, 1));
    } else {
      let substitute = addDays(date, 1);
      while (isWeekend(substitute) || closed.has(substitute)) substitute = addDays(substitute, 1);
      closed.add(substitute);
    }
  }
  return [...closed].sort();
}

const holidayCache = new Map<string, ReadonlySet<string>>();

function holidaySet(calendar: HolidayCalendar, year: number): ReadonlySet<string> {
  const key = `${calendar.id}:${year}`;
  let set = holidayCache.get(key);
  if (!set) {
    set = new Set(holidaysIn(calendar, year));
    holidayCache.set(key, set);
  }
  return set;
}

export function isBusinessDay(calendar: HolidayCalendar, iso: string): boolean {
  if (isWeekend(iso)) return false;
  const set = holidaySet(calendar, Number(iso.slice(0, 4)));
  return !set.has(iso);
}

/** The first business day on or after `iso`. */
export function onOrNextBusinessDay(calendar: HolidayCalendar, iso: string): string {
  let day = iso;
  while (!isBusinessDay(calendar, day)) day = addDays(day, 1);
  return day;
}

/** `days` business days after `iso` (0: `iso` itself when it is one, else the next one). */
export function addBusinessDays(calendar: HolidayCalendar, iso: string, days: number): string {
  let day = onOrNextBusinessDay(calendar, iso);
  for (let left = days; left > 0; left--) day = onOrNextBusinessDay(calendar, addDays(day, 1));
  return day;
}
