export { type RailAdapter, type RailCredit, RailProviderError, type RailStatus } from "./adapter";
export { holidayCalendars } from "./holiday-calendars";
export {
  addBusinessDays,
  type CalendarId,
  calendarIds,
  easterSunday,
  type HolidayCalendar,
  holidaysIn,
  isBusinessDay,
} from "./holidays";
export {
  arrivalFailure,
  dueReturn,
  hasArrived,
  nextAfter,
  RAIL_RUN_LIMIT,
  type RailRun,
  type RailTable,
  railDayStart,
  railRunScope,
  simulatedReturn,
  submissionIds,
  utcDayBound,
} from "./progress";
export { railAdapterFor } from "./providers";
export {
  allRails,
  isSwiftCurrency,
  type Rail,
  type RailId,
  type RailSchedule,
  railBusinessDaysAfter,
  railFor,
  railIds,
  railOf,
  rails,
  railToday,
  returnDeadlineOn,
  type SingleCentreRail,
  type SingleCentreRailId,
  type SwiftCurrency,
  scheduleOnRail,
  singleCentreRailIds,
  swiftCurrencies,
  swiftRails,
} from "./rails";
export { type RailAccount, railReaches } from "./reach";
export {
  ACH_UNAUTHORIZED_RETURN_DAYS,
  achReturnCodes,
  achUnauthorizedReturnCodes,
  bacsReturnCodes,
  type ReturnCode,
  railReturnCodes,
  returnCodeDescriptions,
  sepaReturnCodes,
} from "./return-codes";
export {
  type MagicFamily,
  type MagicTiming,
  magicAmount,
  magicEntries,
  returningMagic,
  type SimulatedOutcome,
  simulateOutcome,
} from "./simulator";
