import { holidayCalendars } from "./holiday-calendars";
import { addBusinessDays, addDays, type CalendarId, isBusinessDay } from "./holidays";
import { ACH_UNAUTHORIZED_RETURN_DAYS, achUnauthorizedReturnCodes, type ReturnCode } from "./return-codes";
import { localDate, zonedInstant } from "./zoned";

/** The rails with one settlement centre; `swift` settles each currency in its own (swiftRails). */
export const singleCentreRailIds = [
  "ach_standard",
  "ach_same_day",
  "sepa_credit",
  "sepa_instant",
  "sepa_debit",
  "bacs",
  "faster_payments",
  "wire",
] as const;
export type SingleCentreRailId = (typeof singleCentreRailIds)[number];
export const railIds = [...singleCentreRailIds, "swift"] as const;
export type RailId = (typeof railIds)[number];

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

export type SingleCentreRail = Rail & { id: SingleCentreRailId };

const MAX_BIGINT_AMOUNT = 99_999_999_999;

/** The single-centre rails as data (docs/money-out.md prints this table). */
export const rails: { [Id in SingleCentreRailId]: SingleCentreRail & { id: Id } } = {
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
    // ARUCS returns come by day 5 of the Bacs cycle: two business days after arrival (day 3).
    returnWindowDays: 2,
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

/** The currencies SWIFT wires carry, USD aside (the domestic `wire`, Fedwire, carries it). */
export const swiftCurrencies = ["EUR", "GBP", "CHF", "CAD", "AUD", "JPY", "SGD", "HKD"] as const;
export type SwiftCurrency = (typeof swiftCurrencies)[number];

/**
 * A SWIFT wire in one currency settles in that currency's centre: its calendar, a cut-off in its
 * zone, the same business day (Europe, Canada) or the next (Asia-Pacific, where our correspondent's
 * day ends before the centre's cut-off is reached from Europe), final once paid.
 */
function swiftCentre(
  currency: SwiftCurrency,
  centre: {
    calendar: CalendarId;
    timeZone: string;
    cutoff: string;
    settlementDays: number;
    maxAmount: number;
  },
): Rail {
  return {
    id: "swift",
    family: "wire",
    direction: "credit",
    currencies: [currency],
    minAmount: 1,
    maxAmount: centre.maxAmount,
    calendar: centre.calendar,
    timeZone: centre.timeZone,
    cutoffs: [centre.cutoff],
    settlementDays: centre.settlementDays,
    returnWindowDays: 0,
  };
}

/** The SWIFT rail per currency (docs/money-out.md prints this table); limits in minor units (JPY has none). */
export const swiftRails: Record<SwiftCurrency, Rail> = {
  EUR: swiftCentre("EUR", {
    calendar: "target2",
    timeZone: "Europe/Berlin",
    cutoff: "16:00",
    settlementDays: 0,
    maxAmount: 1_000_000_000,
  }),
  GBP: swiftCentre("GBP", {
    calendar: "uk",
    timeZone: "Europe/London",
    cutoff: "15:30",
    settlementDays: 0,
    maxAmount: 1_000_000_000,
  }),
  CHF: swiftCentre("CHF", {
    calendar: "ch",
    timeZone: "Europe/Zurich",
    cutoff: "14:00",
    settlementDays: 0,
    maxAmount: 1_000_000_000,
  }),
  CAD: swiftCentre("CAD", {
    calendar: "ca",
    timeZone: "America/Toronto",
    cutoff: "15:00",
    settlementDays: 0,
    maxAmount: 1_500_000_000,
  }),
  AUD: swiftCentre("AUD", {
    calendar: "au",
    timeZone: "Australia/Sydney",
    cutoff: "15:00",
    settlementDays: 1,
    maxAmount: 1_500_000_000,
  }),
  JPY: swiftCentre("JPY", {
    calendar: "jp",
    timeZone: "Asia/Tokyo",
    cutoff: "14:00",
    settlementDays: 1,
    maxAmount: 1_500_000_000,
  }),
  SGD: swiftCentre("SGD", {
    calendar: "sg",
    timeZone: "Asia/Singapore",
    cutoff: "15:00",
    settlementDays: 1,
    maxAmount: 1_500_000_000,
  }),
  HKD: swiftCentre("HKD", {
    calendar: "hk",
    timeZone: "Asia/Hong_Kong",
    cutoff: "15:00",
    settlementDays: 1,
    maxAmount: 8_000_000_000,
  }),
};

export function isSwiftCurrency(currency: string): currency is SwiftCurrency {
  return (swiftCurrencies as readonly string[]).includes(currency);
}

/** Rail `id` for a payment in `currency`: SWIFT's centre for it, undefined when SWIFT does not carry it. */
export function railFor(id: RailId, currency: string): Rail | undefined {
  if (id !== "swift") return rails[id];
  return isSwiftCurrency(currency) ? swiftRails[currency] : undefined;
}

/** The rail a stored payment travels on (its currency was checked against it at creation). */
export function railOf(payment: { rail: RailId; currency: string }): Rail {
  const rail = railFor(payment.rail, payment.currency);
  if (!rail) throw new Error(`${payment.rail} carries no ${payment.currency}`);
  return rail;
}

/** Every rail with its own calendar: the single-centre rails and each SWIFT centre. */
export const allRails: readonly Rail[] = [...Object.values(rails), ...Object.values(swiftRails)];

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
