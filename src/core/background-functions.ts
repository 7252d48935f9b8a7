import { and, eq, sql } from "drizzle-orm";
import { z } from "zod";
import type { Services } from "./context";
import { type Executor, execute } from "./db";
import { newId } from "./ids";
import { errorText } from "./log";
import { invalidateChangedStatuses } from "./status";
import { functionRuns } from "./tables";

export type Trigger = "qstash" | "cron" | "manual";

export interface BackgroundFunction<Payload = unknown> {
  name: string;
  description: string;
  payload: z.ZodType<Payload>;
  /** Cron expression (UTC) for scheduled functions; the same string goes in wrangler.toml. */
  schedule?: string;
  /**
   * Seconds between two scheduled runs (the cron's period; default 60). It sizes the dedupe window
   * and tells health when a function is overdue (no success within twice this).
   */
  intervalSeconds?: number;
  /**
   * One QStash schedule per payload (default one, with `{}`), e.g. deposit-poll's one per chain, so
   * a slow chain never delays another; the cron fallback runs `{}`.
   */
  schedulePayloads?: readonly Record<string, string>[];
  handler: (services: Services, payload: Payload) => Promise<Record<string, unknown>>;
}

/**
 * The payload of a function that works merchant by merchant: `merchant` limits a run to one (an
 * operator's re-run, or a test that must not touch other merchants).
 */
export const oneMerchantPayload = z
  .object({
    merchant: z
      .string()
      .regex(/^mer_[0-9A-Za-z]+$/)
      .optional(),
  })
  .strict();

export function defineFunction<Payload>(fn: BackgroundFunction<Payload>): BackgroundFunction<Payload> {
  return fn;
}

export type RunOutcome =
  | { status: "succeeded"; runId: string; result: Record<string, unknown> }
  | { status: "failed"; runId: string; error: string }
  | { status: "skipped"; reason: string };

/**
 * A scheduled run's window is its schedule slot (the time floored to the function's interval), so the
 * QStash schedule and the cron trigger firing for one slot run it once between them, even when one
 * of them is late by less than a slot. A payload with fields is part of the window (its JSON with
 * sorted keys after the slot): one schedule per payload, e.g. deposit-poll's `{"chain": "base"}`,
 * runs once per slot each. An empty payload keeps the bare slot.
 */
export function runWindow(fn: BackgroundFunction, at: Date, payload: unknown = {}): string | null {
  if (!fn.schedule) return null;
  const intervalMs = (fn.intervalSeconds ?? 60) * 1000;
  const slot = new Date(Math.floor(at.getTime() / intervalMs) * intervalMs).toISOString().slice(0, 16);
  if (typeof payload !== "object" || payload === null || Object.keys(payload).length === 0) return slot;
  return `${slot} ${JSON.stringify(payload, Object.keys(payload).sort())}`;
}

/**
 * Runs one function and records the run. A scheduled function whose window already has a
 * running or succeeded run is skipped; a failed one may run again (QStash's retry).
 */
export async function runFunction<Payload>(
  services: Services,
  fn: BackgroundFunction<Payload>,
  payload: Payload,
  trigger: Trigger,
  windowAt: Date,
): Promise<RunOutcome> {
  const { db, clock } = services;
  const windowKey = runWindow(fn as BackgroundFunction, windowAt, payload);
  const startedAt = clock.now();
  const [claimed] = await db
    .insert(functionRuns)
    .values({
      id: newId("functionRun"),
      functionName: fn.name,
      trigger,
      windowKey,
      status: "running",
      startedAt,
    })
    .onConflictDoUpdate({
      target: [functionRuns.functionName, functionRuns.windowKey],
      targetWhere: sql`window_key is not null`,
      set: { status: "running", trigger, startedAt, finishedAt: null, error: null },
      setWhere: eq(functionRuns.status, "failed"),
    })
    .returning({ id: functionRuns.id });
  if (!claimed) return { status: "skipped", reason: `already ran in window ${windowKey}` };

  try {
    const result = await fn.handler(services, payload).finally(() => invalidateChangedStatuses(services));
    await db
      .update(functionRuns)
      .set({ status: "succeeded", result, finishedAt: clock.now() })
      .where(and(eq(functionRuns.id, claimed.id)));
    return { status: "succeeded", runId: claimed.id, result };
  } catch (error) {
    const message = errorText(error);
    await db
      .update(functionRuns)
      .set({ status: "failed", error: message.slice(0, 2000), finishedAt: clock.now() })
      .where(eq(functionRuns.id, claimed.id));
    return { status: "failed", runId: claimed.id, error: message };
  }
}

export interface FunctionRunSummary {
  functionName: string;
  lastSucceededAt: Date | null;
  lastRun: { status: string; trigger: string; startedAt: Date; error: string | null } | null;
}

/** The latest run and the latest success of each named function, in one round trip. */
export async function summarizeRuns(names: string[], db: Executor): Promise<FunctionRunSummary[]> {
  if (names.length === 0) return [];
  const result = await execute<{
    function_name: string;
    last_succeeded_at: Date | string | null;
    status: string | null;
    trigger: string | null;
    started_at: Date | string | null;
    error: string | null;
  }>(
    sql`
    select n.name as function_name, s.finished_at as last_succeeded_at,
           l.status, l.trigger, l.started_at, l.error
      from unnest(array[${sql.join(
        names.map((name) => sql`${name}`),
        sql`, `,
      )}]::text[]) as n(name)
      left join lateral (
        select finished_at from function_runs
         where function_name = n.name and status = 'succeeded'
         order by started_at desc limit 1) s on true
      left join lateral (
        select status, trigger, started_at, error from function_runs
         where function_name = n.name
         order by started_at desc limit 1) l on true`,
    db,
  );
  return result.rows.map((row) => ({
    functionName: row.function_name,
    lastSucceededAt: row.last_succeeded_at === null ? null : new Date(row.last_succeeded_at),
    lastRun:
      row.status === null || row.trigger === null || row.started_at === null
        ? null
        : { status: row.status, trigger: row.trigger, startedAt: new Date(row.started_at), error: row.error },
  }));
}

/**
 * Deletes up to `limit` runs that finished before the cutoff, oldest first; returns how many.
 * The latest run and the latest success of each function stay whatever their age, so health
 * (`summarizeRuns`) reports the same before and after. Running rows are never touched.
 */
export async function pruneFunctionRuns(cutoff: Date, limit: number, db: Executor): Promise<number> {
  const deleted = await execute(
    sql`
    delete from ${functionRuns} where ${functionRuns.id} in (
      select r.id from ${functionRuns} r
       where r.status in ('succeeded', 'failed') and r.finished_at < ${cutoff}
         and exists (
           select 1 from ${functionRuns} later
            where later.function_name = r.function_name and later.started_at > r.started_at)
         and (r.status = 'failed' or exists (
           select 1 from ${functionRuns} later
            where later.function_name = r.function_name and later.status = 'succeeded'
              and later.started_at > r.started_at))
       order by r.finished_at limit ${limit})`,
    db,
  );
  return deleted.rowCount ?? 0;
}
