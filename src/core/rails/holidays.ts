/**
 * Bank holiday calendars as data: every rule computes its date for any year (fixed dates with the
 * calendar's weekend rule, nth weekdays, days relative to Easter), plus one-off days proclaimed for a
 * single year. Dates are ISO `YYYY-MM-DD` strings: a bank holiday is a local calendar day.
 */

export const calendarIds = ["us", "target2", "uk", "ch", "ca", "au", "jp", "sg", "hk"] as const;
export type CalendarId = (typeof calendarIds)[number];

/** 0 Sunday … 6 Saturday, as Date.getUTCDay. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/**
 * What happens to a date-bound holiday (fixed, lunar, solar) on a weekend:
 * - `none`: nothing (TARGET2 and Swiss banks close on the date itself, weekend or not);
 * - `fed`: Sunday moves to Monday, Saturday is not observed (the Federal Reserve's rule);
 * - `substitute`: the next weekday that is not already a holiday (UK, Canadian, Australian substitute days);
 * - `sunday`: Sunday moves to the next weekday that is not already a holiday, Saturday is not observed
 *   (Japan's furikae kyūjitsu, Singapore, Hong Kong).
 */
type WeekendRule = "none" | "fed" | "substitute" | "sunday";

/**
 * One holiday, computed for any year. `keepsDate`: a weekend date is not moved (Japan's bank
 * closures of 2–3 Jan and 31 Dec, Anzac Day). `weekday_before`: the last `weekday` on or before
 * the date (Victoria Day: the Monday on or before 24 May). `lunar`: a day of the Chinese calendar
 * (months 1–9, which fall inside their Gregorian year). `equinox`, `qingming`: solar days.
 */
export type HolidayRule =
  | { name: string; kind: "fixed"; month: number; day: number; from?: number; keepsDate?: true }
  | { name: string; kind: "nth_weekday"; month: number; weekday: Weekday; nth: 1 | 2 | 3 | 4 | -1 }
  | { name: string; kind: "weekday_before"; month: number; day: number; weekday: Weekday }
  | { name: string; kind: "easter"; offset: number }
  | { name: string; kind: "lunar"; month: number; day: number }
  | { name: string; kind: "equinox"; season: "vernal" | "autumnal" }
  | { name: string; kind: "qingming" };

export interface HolidayCalendar {
  id: CalendarId;
  name: string;
  weekendRule: WeekendRule;
  rules: readonly HolidayRule[];
  /** Days proclaimed for one year only (coronations, jubilees, state funerals, moved holidays). */
  oneOff: readonly string[];
  /** Days a rule gives that were moved away by proclamation that year. */
  moved: readonly string[];
  /** A weekday between two holidays is one too (Japan's kokumin no kyūjitsu). */
  bridgeDays?: true;
}

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

/** The last `weekday` on or before `month`/`day` of `year`. */
function weekdayOnOrBefore(year: number, month: number, day: number, weekday: Weekday): string {
  const date = new Date(Date.UTC(year, month - 1, day));
  const back = (date.getUTCDay() - weekday + 7) % 7;
  return isoDate(new Date(date.getTime() - back * DAY_MS));
}

/**
 * The equinox day in Japan (JST), by the National Astronomical Observatory's approximation, exact for
 * 1980–2099 (the Cabinet proclaims the day a year ahead from the same ephemeris).
 */
function equinoxDay(year: number, season: "vernal" | "autumnal"): string {
  const base = season === "vernal" ? 20.8431 : 23.2488;
  const day = Math.floor(base + 0.242194 * (year - 1980) - Math.floor((year - 1980) / 4));
  return isoDate(new Date(Date.UTC(year, season === "vernal" ? 2 : 8, day)));
}

/** Qingming (the sun at 15° longitude, 4 or 5 April), by the standard solar-term approximation for 1901–2100. */
function qingmingDay(year: number): string {
  const y = year % 100;
  const base = year < 2001 ? 5.59 : 4.81;
  const day = Math.floor(y * 0.2422 + base) - Math.floor((year < 2001 ? y - 1 : y) / 4);
  return isoDate(new Date(Date.UTC(year, 3, day)));
}

const chineseCalendar = new Map<number, ReadonlyMap<string, string>>();

/**
 * The Gregorian days of `year` by their Chinese-calendar month and day (`"4-8"`), leap months left
 * out, from Intl's Chinese calendar (ICU, in the Workers runtime too). Months 1–9 of a lunar year all
 * fall inside the Gregorian year its New Year is in, so each key there is unique.
 */
function chineseDays(year: number): ReadonlyMap<string, string> {
  let days = chineseCalendar.get(year);
  if (days) return days;
  const format = new Intl.DateTimeFormat("en-u-ca-chinese", {
    timeZone: "UTC",
    month: "numeric",
    day: "numeric",
  });
  const found = new Map<string, string>();
  for (let at = Date.UTC(year, 0, 1); at < Date.UTC(year + 1, 0, 1); at += DAY_MS) {
    const parts = Object.fromEntries(
      format.formatToParts(new Date(at)).map((part) => [part.type, part.value]),
    );
    // A leap month prints as "4bis" (ICU); its days are not the festival's.
    if (/^\d+$/.test(parts.month ?? ""))
      found.set(`${Number(parts.month)}-${Number(parts.day)}`, isoDate(new Date(at)));
  }
  days = found;
  chineseCalendar.set(year, days);
  return days;
}

/** The rule's date in `year` before any weekend rule, or undefined when it does not apply that year. */
function ruleDate(rule: HolidayRule, year: number): string | undefined {
  switch (rule.kind) {
    case "fixed":
      if (rule.from !== undefined && year < rule.from) return undefined;
      return isoDate(new Date(Date.UTC(year, rule.month - 1, rule.day)));
    case "nth_weekday":
      return nthWeekday(year, rule.month, rule.weekday, rule.nth);
    case "weekday_before":
      return weekdayOnOrBefore(year, rule.month, rule.day, rule.weekday);
    case "easter":
      return addDays(easterSunday(year), rule.offset);
    case "lunar":
      return chineseDays(year).get(`${rule.month}-${rule.day}`);
    case "equinox":
      return equinoxDay(year, rule.season);
    case "qingming":
      return qingmingDay(year);
  }
}

/** Where a holiday that falls on `date`, a weekend day, is observed under `rule` (undefined: not at all). */
function observedFor(rule: WeekendRule, date: string, closed: ReadonlySet<string>): string | undefined {
  if (rule === "none") return date;
  if (rule === "fed") return weekdayOf(date) === 0 ? addDays(date, 1) : undefined;
  if (rule === "sunday" && weekdayOf(date) === 6) return undefined;
  let substitute = addDays(date, 1);
  while (isWeekend(substitute) || closed.has(substitute)) substitute = addDays(substitute, 1);
  return substitute;
}

/** The days the calendar's banks are closed in `year`, weekends aside, sorted. */
export function holidaysIn(calendar: HolidayCalendar, year: number): string[] {
  const actual = calendar.rules.flatMap((rule) => {
    const date = ruleDate(rule, year);
    return date === undefined ? [] : [{ date, moves: !(rule.kind === "fixed" && rule.keepsDate) }];
  });
  const closed = new Set(actual.filter((holiday) => !isWeekend(holiday.date)).map((holiday) => holiday.date));
  for (const day of calendar.moved) closed.delete(day);
  for (const day of calendar.oneOff) if (day.startsWith(`${year}-`)) closed.add(day);
  const onWeekends = actual
    .filter((holiday) => holiday.moves && isWeekend(holiday.date))
    .map((holiday) => holiday.date)
    .sort();
  for (const date of onWeekends) {
    const observed = observedFor(calendar.weekendRule, date, closed);
    if (observed !== undefined) closed.add(observed);
  }
  if (calendar.bridgeDays) {
    for (const date of [...closed]) {
      const between = addDays(date, 1);
      if (closed.has(addDays(date, 2)) && !isWeekend(between)) closed.add(between);
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
