import { CronExpressionParser } from "cron-parser";
import type { SettlementInterval, Weekday } from "./tables";
import { weekdays } from "./tables";

/** Merchants without a schedule settle daily at 00:00 UTC. */
export const DEFAULT_SETTLEMENT_CRON = "0 0 * * *";

/**
 * A custom cron: five fields (UTC), and a single minute so that it fires at most once an hour
 * (settlement-run looks for due merchants every five minutes).
 */
export function customCronProblem(cron: string): string | null {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) return "A cron has five fields: minute hour day-of-month month day-of-week.";
  if (!/^\d{1,2}$/.test(fields[0] ?? "") || Number(fields[0]) > 59) {
    return "The minute field must be one number from 0 to 59: settlements run at most once an hour.";
  }
  try {
    CronExpressionParser.parse(fields.join(" "), { tz: "UTC" });
  } catch (error) {
    return `Not a valid cron: ${error instanceof Error ? error.message : String(error)}.`;
  }
  return null;
}

/** The cron settlement-run evaluates for a schedule; the custom one must have passed customCronProblem. */
export function scheduleCron(input: {
  interval: SettlementInterval;
  weeklyAnchor?: Weekday | null;
  cron?: string | null;
}): string {
  if (input.interval === "daily") return DEFAULT_SETTLEMENT_CRON;
  if (input.interval === "weekly") return `0 0 * * ${weekdays.indexOf(input.weeklyAnchor ?? "monday")}`;
  return (input.cron ?? "").trim().split(/\s+/).join(" ");
}

export interface SettlementPeriod {
  start: Date;
  /** The schedule's latest fire time at or before now: funds available by then settle. */
  end: Date;
}

/** The schedule's last completed period at `now`: (previous fire, latest fire]. */
export function periodAt(cron: string, now: Date): SettlementPeriod {
  const expression = CronExpressionParser.parse(cron, {
    currentDate: new Date(now.getTime() + 1),
    tz: "UTC",
  });
  const end = expression.prev().toDate();
  const start = expression.prev().toDate();
  return { start, end };
}

/** The schedule's next fire time after `now`. */
export function nextRunAt(cron: string, now: Date): Date {
  return CronExpressionParser.parse(cron, { currentDate: now, tz: "UTC" }).next().toDate();
}
