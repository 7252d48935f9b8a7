import { type Weekday, weekdays } from "../../core/tables";
import type { PayoutInterval } from "./tables";

/** What decides when an automatic schedule fires: always at 00:00 UTC of its day. */
export interface PayoutCadence {
  interval: Exclude<PayoutInterval, "manual">;
  weeklyAnchor?: Weekday | null;
  monthlyAnchor?: number | null;
}

const DAY_MS = 86_400_000;

const startOfUtcDay = (at: Date) => Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());

/** The monthly fire day of a month: the anchor, or the month's last day when the month is shorter. */
function monthlyFire(year: number, month: number, anchor: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return Date.UTC(year, month, Math.min(anchor, lastDay));
}

/** The schedule's latest fire time at or before `now` (UTC): the end of the period it pays out. */
export function latestFireAt(cadence: PayoutCadence, now: Date): Date {
  const today = startOfUtcDay(now);
  if (cadence.interval === "daily") return new Date(today);
  if (cadence.interval === "weekly") {
    const anchor = weekdays.indexOf(cadence.weeklyAnchor ?? "monday");
    const back = (new Date(today).getUTCDay() - anchor + 7) % 7;
    return new Date(today - back * DAY_MS);
  }
  const anchor = cadence.monthlyAnchor ?? 1;
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth();
  const thisMonth = monthlyFire(year, month, anchor);
  return new Date(thisMonth <= now.getTime() ? thisMonth : monthlyFire(year, month - 1, anchor));
}

/** The schedule's next fire time after `now` (UTC). */
export function nextFireAt(cadence: PayoutCadence, now: Date): Date {
  const latest = latestFireAt(cadence, now);
  if (cadence.interval === "daily") return new Date(latest.getTime() + DAY_MS);
  if (cadence.interval === "weekly") return new Date(latest.getTime() + 7 * DAY_MS);
  return new Date(monthlyFire(latest.getUTCFullYear(), latest.getUTCMonth() + 1, cadence.monthlyAnchor ?? 1));
}
