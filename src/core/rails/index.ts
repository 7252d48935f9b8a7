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
  achReturnCodes,
  type Rail,
  type RailId,
  type RailSchedule,
  type ReturnCode,
  railBusinessDaysAfter,
  railIds,
  rails,
  railToday,
  returnCodeDescriptions,
  scheduleOnRail,
  sepaReturnCodes,
} from "./rails";
export { type RailAccount, railReaches } from "./reach";
export { type MagicTiming, magicAmount, type SimulatedOutcome, simulateOutcome } from "./simulator";
