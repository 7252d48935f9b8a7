import { and, eq, sql } from "drizzle-orm";
import type { z } from "zod";
import type { Services } from "./context";
import { newId } from "./ids";
import { functionRuns } from "./tables";

export type Trigger = "qstash" | "cron" | "manual";

export interface BackgroundFunction<Payload = unknown> {
  name: string;
  description: string;
  payload: z.ZodType<Payload>;
  /** Cron expression (UTC) for scheduled functions; the same string goes in wrangler.toml. */
  schedule?: string;
  handler: (services: Services, payload: Payload) => Promise<Record<string, unknown>>;
}

export function defineFunction<Payload>(fn: BackgroundFunction<Payload>): BackgroundFunction<Payload> {
  return fn;
}

export type RunOutcome =
  | { status: "succeeded"; runId: string; result: Record<string, unknown> }
  | { status: "failed"; runId: string; error: string }
  | { status: "skipped"; reason: string };

/** Scheduled runs share a window per minute, so the QStash schedule and the cron trigger run once between them. */
export function runWindow(fn: BackgroundFunction, at: Date): string | null {
  if (!fn.schedule) return null;
  return at.toISOString().slice(0, 16);
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
  const windowKey = runWindow(fn as BackgroundFunction, windowAt);
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
    const result = await fn.handler(services, payload);
    await db
      .update(functionRuns)
      .set({ status: "succeeded", result, finishedAt: clock.now() })
      .where(and(eq(functionRuns.id, claimed.id)));
    return { status: "succeeded", runId: claimed.id, result };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await db
      .update(functionRuns)
      .set({ status: "failed", error: message.slice(0, 2000), finishedAt: clock.now() })
      .where(eq(functionRuns.id, claimed.id));
    return { status: "failed", runId: claimed.id, error: message };
  }
}
