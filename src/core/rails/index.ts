export {
  addBusinessDays,
  type CalendarId,
  calendarIds,
  easterSunday,
  type HolidayCalendar,
  holidayCalendars,
  holidaysIn,
  isBusinessDay,
} from "./holidays";
export {
  arrivalFailure,
  dueReturn,
  hasArrived,
  RAIL_RUN_LIMIT,
  type RailRun,
  submissionIds,
  utcDayBound,
} from "./progress";
export {
  ACH_UNAUTHORIZED_RETURN_DAYS,
  achReturnCodes,
  achUnauthorizedReturnCodes,
  type Rail,
  type RailId,
  type RailSchedule,
  type ReturnCode,
  railBusinessDaysAfter,
  railIds,
  railReturnCodes,
  rails,
  railToday,
  returnCodeDescriptions,
  returnDeadlineOn,
  scheduleOnRail,
  sepaReturnCodes,
} from "./rails";
export { type RailAccount, railReaches } from "./reach";
export {
  type MagicTiming,
  magicAmount,
  returningMagic,
  type SimulatedOutcome,
  simulateOutcome,
} from "./simulator";
