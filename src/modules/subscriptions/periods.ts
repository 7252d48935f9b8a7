import type { RecurringInterval } from "../prices/tables";

const DAY_MS = 86_400_000;

function daysInMonth(year: number, monthIndex: number): number {
  return new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
}

/**
 * The n-th period boundary after `anchor` (n may be negative), always computed from the anchor,
 * never from the previous boundary, so a month-end anchor clamps and comes back:
 * Jan 31 → Feb 28 (29 in a leap year) → Mar 31 → Apr 30. The time of day is the anchor's.
 */
export function periodBoundary(anchor: Date, interval: RecurringInterval, count: number, n: number): Date {
  const steps = count * n;
  if (interval === "day") return new Date(anchor.getTime() + steps * DAY_MS);
  if (interval === "week") return new Date(anchor.getTime() + steps * 7 * DAY_MS);
  const months = interval === "year" ? steps * 12 : steps;
  const monthIndex = anchor.getUTCMonth() + months;
  const year = anchor.getUTCFullYear() + Math.floor(monthIndex / 12);
  const month = ((monthIndex % 12) + 12) % 12;
  const day = Math.min(anchor.getUTCDate(), daysInMonth(year, month));
  return new Date(
    Date.UTC(
      year,
      month,
      day,
      anchor.getUTCHours(),
      anchor.getUTCMinutes(),
      anchor.getUTCSeconds(),
      anchor.getUTCMilliseconds(),
    ),
  );
}

/** Whole seconds from `from` to `to`: proration is to the second. */
export function secondsBetween(from: Date, to: Date): bigint {
  return BigInt(Math.floor(to.getTime() / 1000) - Math.floor(from.getTime() / 1000));
}

/**
 * amount × part ÷ whole, rounded half away from zero, so that the proration of −x is exactly the
 * negation of the proration of x: a change and its reversal at the same second net to zero.
 */
export function prorate(amount: number, part: bigint, whole: bigint): number {
  if (whole <= 0n) throw new Error("proration over an empty period");
  const numerator = BigInt(amount) * part;
  const magnitude = numerator < 0n ? -numerator : numerator;
  const rounded = (2n * magnitude + whole) / (2n * whole);
  return Number(numerator < 0n ? -rounded : rounded);
}
