import { and, eq, isNull, type SQL } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import type { Environment } from "../tables";
import { onlyMerchant } from "../tenancy";
import { type Rail, type RailId, railOf, railToday } from "./rails";
import { type SimulatedOutcome, simulateOutcome } from "./simulator";
import { zonedInstant } from "./zoned";

/**
 * What a rail batch (payouts, bank transfers) decides on its clock, shared so that both read the
 * rails the same way. Pure: the callers read their rows and apply each change as a compare-and-set.
 */

/** Rows per step and run; the next run (every minute) takes the rest. */
export const RAIL_RUN_LIMIT = 200;

/**
 * One run of a rail batch: the instant it runs at and, when an operator re-runs it for one
 * merchant, that merchant (every step's read then filters on it). A test clock's run (its hook, as
 * the clock advances) works on that clock's objects only; a real-time run leaves them all alone.
 */
export interface RailRun {
  now: Date;
  merchantId?: string | undefined;
  testClock?: { id: string; merchantId: string; environment: Environment } | undefined;
}

/** A table a rail batch moves: tenant columns and the test clock its rows may belong to. */
export interface RailTable {
  merchantId: AnyPgColumn;
  environment: AnyPgColumn;
  testClockId: AnyPgColumn;
}

/** The rows a run may touch: its clock's (of the clock's merchant), or those on no clock. */
export function railRunScope(table: RailTable, run: RailRun): SQL | undefined {
  const clock = run.testClock;
  if (!clock) return and(onlyMerchant(table, run.merchantId), isNull(table.testClockId));
  return and(
    eq(table.merchantId, clock.merchantId),
    eq(table.environment, clock.environment),
    eq(table.testClockId, clock.id),
  );
}

/** The instant a rail-local day begins: when a payment due that day is due on a clock. */
export function railDayStart(rail: Rail, day: string): Date {
  return zonedInstant(day, "00:00", rail.timeZone);
}

/**
 * The earliest of `candidates` after `at`, or null: a clock hook's answer of when its area next
 * has work (the next cut-off, arrival day or due return of the clock's objects).
 */
export function nextAfter(at: Date, candidates: ReadonlyArray<Date | null>): Date | null {
  let next: Date | null = null;
  for (const candidate of candidates) {
    if (candidate === null || candidate.getTime() <= at.getTime()) continue;
    if (next === null || candidate.getTime() < next.getTime()) next = candidate;
  }
  return next;
}

const DAY_MS = 86_400_000;

/**
 * A UTC day `shiftDays` from `at`. Rail-local days lie within a day of the UTC day, so a scan bounds
 * its rows by this and then decides each one with `railToday`.
 */
export function utcDayBound(at: Date, shiftDays: number): string {
  return new Date(at.getTime() + shiftDays * DAY_MS).toISOString().slice(0, 10);
}

/**
 * One submission id per environment, rail and cut-off, in the rows' order: the payments that leave
 * in the same window travel together.
 */
export function submissionIds(
  rows: ReadonlyArray<{ environment: Environment; rail: RailId; windowAt: Date }>,
  newSubmissionId: () => string,
): string[] {
  const groups = new Map<string, string>();
  return rows.map((row) => {
    const group = `${row.environment}|${row.rail}|${row.windowAt.toISOString()}`;
    const id = groups.get(group) ?? newSubmissionId();
    groups.set(group, id);
    return id;
  });
}

/** Whether a payment due on `arrivalDate` (rail-local) has arrived on its rail at `now`. */
export function hasArrived(rail: Rail, arrivalDate: string, now: Date): boolean {
  return arrivalDate <= railToday(rail, now);
}

/** A payment on a rail as the simulator sees it; payouts are credits, bank transfers say (push or pull). */
interface RailPayment {
  rail: RailId;
  currency: string;
  amount: number;
  arrivalDate: string;
  direction?: "push" | "pull";
}

function simulated(payment: RailPayment): SimulatedOutcome {
  return simulateOutcome(railOf(payment), {
    ...payment,
    direction: payment.direction === "pull" ? "debit" : "credit",
  });
}

/** The simulated bank's verdict at arrival: rejected with a return code, or arrived. */
export function arrivalFailure(payment: RailPayment): SimulatedOutcome["failure"] {
  return simulated(payment).failure;
}

/**
 * The return the simulated bank makes of an arrived payment when it is due at `now` and falls
 * inside its return window; null otherwise.
 */
export function dueReturn(
  payment: RailPayment & { returnDeadline: string },
  now: Date,
): SimulatedOutcome["returned"] {
  const returned = simulatedReturn(payment);
  if (!returned || returned.on > railToday(railOf(payment), now)) return null;
  return returned;
}

/** The return the simulated bank makes of an arrived payment inside its return window, whenever due; null: none. */
export function simulatedReturn(
  payment: RailPayment & { returnDeadline: string },
): SimulatedOutcome["returned"] {
  const { returned } = simulated(payment);
  if (!returned || returned.on > payment.returnDeadline) return null;
  return returned;
}
