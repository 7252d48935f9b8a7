import { addBusinessDays, addDays, type CalendarId, holidayCalendars, isBusinessDay } from "./holidays";
import { localDate, zonedInstant } from "./zoned";

export const railIds = [
  "ach_standard",
  "ach_same_day",
  "sepa_credit",
  "sepa_instant",
  "sepa_debit",
  "bacs",
  "faster_payments",
  "wire",
] as const;
export type RailId = (typeof railIds)[number];

/** The return reason codes the rail families carry (ACH: Nacha R codes; SEPA: ISO 20022 reason codes). */
export const achReturnCodes = [
  "R01",
  "R02",
  "R03",
  "R04",
  "R05",
  "R07",
  "R08",
  "R10",
  "R11",
  "R16",
  "R20",
  "R29",
  "R51",
] as const;
/**
 * The unauthorized-debit reasons that may return an ACH debit up to 60 calendar days after
 * settlement (Nacha's extended return window); every other code keeps the rail's window.
 */
export const achUnauthorizedReturnCodes: readonly ReturnCode[] = ["R05", "R07", "R10", "R11", "R51"];
export const ACH_UNAUTHORIZED_RETURN_DAYS = 60;
export const sepaReturnCodes = [
  "AC01",
  "AC04",
  "AC06",
  "AG01",
  "AM04",
  "AM05",
  "MD06",
  "MD07",
  "MS02",
  "MS03",
] as const;
export type ReturnCode = (typeof achReturnCodes)[number] | (typeof sepaReturnCodes)[number];

export const returnCodeDescriptions: Record<ReturnCode, string> = {
  R01: "Insufficient funds",
  R02: "Account closed",
  R03: "No account / unable to locate account",
  R04: "Invalid account number",
  R05: "Unauthorized debit to consumer account using corporate SEC code",
  R07: "Authorization revoked by customer",
  R08: "Payment stopped",
  R10: "Customer advises not authorized",
  R11: "Customer advises entry not in accordance with the terms of the authorization",
  R16: "Account frozen",
  R20: "Non-transaction account",
  R29: "Corporate customer advises not authorized",
  R51: "Item related to RCK entry is ineligible or RCK entry is improper",
  AC01: "Incorrect account number",
  AC04: "Closed account number",
  AC06: "Blocked account",
  AG01: "Transaction forbidden on this account",
  AM04: "Insufficient funds",
  AM05: "Duplicate payment",
  MD06: "Refund request by end customer",
  MD07: "End customer deceased",
  MS02: "Not specified reason, customer generated",
  MS03: "Not specified reason, agent generated",
};

/** The return codes a rail's family carries; the UK schemes and wires carry none here. */
export function railReturnCodes(rail: Pick<Rail, "family">): readonly ReturnCode[] {
  if (rail.family === "ach") return achReturnCodes;
  if (rail.family === "sepa") return sepaReturnCodes;
  return [];
}

export interface Rail {
  id: RailId;
  family: "ach" | "sepa" | "uk" | "wire";
  direction: "credit" | "debit" | "both";
  currencies: readonly string[];
  /** Per payment, minor units of the rail's currency. */
  minAmount: number;
  maxAmount: number;
  /**
   * Business-day calendar and the zone its cut-offs are in. An `always_open` rail (instant
   * schemes) settles at any moment of any day, so it has neither.
   */
  calendar: CalendarId | "always_open";
  timeZone: string;
  /** Local `HH:MM` cut-offs: a payment submitted by one leaves in that window. */
  cutoffs: readonly string[];
  /** Business days from the window's day to the funds' arrival. */
  settlementDays: number;
  /** Business days after settlement during which the receiving bank may still return it. */
  returnWindowDays: number;
}

const MAX_BIGINT_AMOUNT = 99_999_999_999;

/** The rails as data (docs/money-out.md prints this table). */
export const rails: Record<RailId, Rail> = {
  ach_standard: {
    id: "ach_standard",
    family: "ach",
    direction: "both",
    currencies: ["USD"],
    minAmount: 1,
    maxAmount: MAX_BIGINT_AMOUNT,
    calendar: "us",
    timeZone: "America/New_York",
    cutoffs: ["10:30", "14:45", "16:45"],
    settlementDays: 1,
    returnWindowDays: 2,
  },
  ach_same_day: {
    id: "ach_same_day",
    family: "ach",
    direction: "both",
    currencies: ["USD"],
    minAmount: 1,
    maxAmount: 100_000_000,
    calendar: "us",
    timeZone: "America/New_York",
    cutoffs: ["10:30", "14:45", "16:45"],
    settlementDays: 0,
    returnWindowDays: 2,
  },
  sepa_credit: {
    id: "sepa_credit",
    family: "sepa",
    direction: "credit",
    currencies: ["EUR"],
    minAmount: 1,
    maxAmount: MAX_BIGINT_AMOUNT,
    calendar: "target2",
    timeZone: "Europe/Berlin",
    cutoffs: ["15:00"],
    settlementDays: 1,
    returnWindowDays: 3,
  },
  sepa_instant: {
    id: "sepa_instant",
    family: "sepa",
    direction: "credit",
    currencies: ["EUR"],
    minAmount: 1,
    maxAmount: 10_000_000,
    calendar: "always_open",
    timeZone: "Europe/Berlin",
    cutoffs: [],
    settlementDays: 0,
    returnWindowDays: 0,
  },
  sepa_debit: {
    id: "sepa_debit",
    family: "sepa",
    direction: "debit",
    currencies: ["EUR"],
    minAmount: 1,
    maxAmount: MAX_BIGINT_AMOUNT,
    calendar: "target2",
    timeZone: "Europe/Berlin",
    cutoffs: ["11:00"],
    settlementDays: 1,
    // Eight weeks for an authorized debit's refund right, counted in TARGET2 days.
    returnWindowDays: 40,
  },
  bacs: {
    id: "bacs",
    family: "uk",
    direction: "both",
    currencies: ["GBP"],
    minAmount: 1,
    maxAmount: 2_000_000_000,
    calendar: "uk",
    timeZone: "Europe/London",
    cutoffs: ["22:30"],
    settlementDays: 2,
    returnWindowDays: 3,
  },
  faster_payments: {
    id: "faster_payments",
    family: "uk",
    direction: "credit",
    currencies: ["GBP"],
    minAmount: 1,
    maxAmount: 100_000_000,
    calendar: "always_open",
    timeZone: "Europe/London",
    cutoffs: [],
    settlementDays: 0,
    returnWindowDays: 0,
  },
  wire: {
    id: "wire",
    family: "wire",
    direction: "credit",
    currencies: ["USD"],
    minAmount: 1,
    maxAmount: MAX_BIGINT_AMOUNT,
    calendar: "us",
    timeZone: "America/New_York",
    cutoffs: ["17:00"],
    settlementDays: 0,
    returnWindowDays: 0,
  },
};

export interface RailSchedule {
  /** The cut-off whose window carries the payment: the first one at or after submission. */
  windowAt: Date;
  /** The rail's local day of that window. */
  windowDate: string;
  /** When the funds arrive: a business day of the rail's calendar, in its local days. */
  arrivalDate: string;
  /** The last day the receiving bank may return it (the arrival date on rails without returns). */
  returnDeadline: string;
}

/** Enough to cross any run of weekends and holidays; a calendar with a longer closure is a data error. */
const MAX_CLOSED_DAYS = 14;

/** When a payment submitted at `submittedAt` leaves, arrives and stops being returnable on `rail`. */
export function scheduleOnRail(rail: Rail, submittedAt: Date): RailSchedule {
  if (rail.calendar === "always_open") {
    const day = localDate(submittedAt, rail.timeZone);
    return { windowAt: submittedAt, windowDate: day, arrivalDate: day, returnDeadline: day };
  }
  const calendar = holidayCalendars[rail.calendar];
  let day = localDate(submittedAt, rail.timeZone);
  for (let tried = 0; tried <= MAX_CLOSED_DAYS; tried++, day = addDays(day, 1)) {
    if (!isBusinessDay(calendar, day)) continue;
    for (const cutoff of rail.cutoffs) {
      const windowAt = zonedInstant(day, cutoff, rail.timeZone);
      if (windowAt.getTime() < submittedAt.getTime()) continue;
      const arrivalDate = addBusinessDays(calendar, day, rail.settlementDays);
      return {
        windowAt,
        windowDate: day,
        arrivalDate,
        returnDeadline: addBusinessDays(calendar, arrivalDate, rail.returnWindowDays),
      };
    }
  }
  throw new Error(`rail ${rail.id}: no business day within ${MAX_CLOSED_DAYS} days of ${day}`);
}

/** The rail's local day at `at`: what "today" means for its arrival dates. */
export function railToday(rail: Rail, at: Date): string {
  return localDate(at, rail.timeZone);
}

/** A later business day of the rail (`days` after `date`); calendar days on always-open rails. */
export function railBusinessDaysAfter(rail: Rail, date: string, days: number): string {
  if (rail.calendar === "always_open") return addDays(date, days);
  return addBusinessDays(holidayCalendars[rail.calendar], date, days);
}

/**
 * The last rail-local day the receiving bank may return a payment that arrived on `arrivalDate`:
 * with `code`, for that reason; without, for any reason (what the payment stores). An ACH debit may
 * come back unauthorized (R05, R07, R10, R11, R51) for 60 calendar days; everything else within
 * the rail's return window in business days.
 */
export function returnDeadlineOn(
  rail: Rail,
  payment: { direction: "credit" | "debit"; arrivalDate: string },
  code?: ReturnCode,
): string {
  const unauthorized = code === undefined || achUnauthorizedReturnCodes.includes(code);
  if (rail.family === "ach" && payment.direction === "debit" && unauthorized) {
    return addDays(payment.arrivalDate, ACH_UNAUTHORIZED_RETURN_DAYS);
  }
  return railBusinessDaysAfter(rail, payment.arrivalDate, rail.returnWindowDays);
}
