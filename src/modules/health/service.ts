import { sql } from "drizzle-orm";
import { backgroundFunctions } from "../../../functions";
import type { Services } from "../../core/context";
import { summarizeRuns } from "../../core/functions";
import type { DependencyHealth, FunctionsHealth, Health } from "./schemas";

export const VERSION = "0.1.0";
const PROBE_TIMEOUT_MS = 2000;

async function probe(check: () => Promise<unknown>): Promise<DependencyHealth> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)),
          PROBE_TIMEOUT_MS,
        );
      }),
    ]);
    return { status: "ok", latency_ms: Math.round((performance.now() - started) * 10) / 10 };
  } catch (error) {
    // The message names the failure kind only; connection strings never reach a public endpoint.
    const message =
      error instanceof Error ? error.message.split("\n")[0]?.replace(/\w+:\/\/\S+/g, "<url>") : "unreachable";
    return { status: "down", latency_ms: null, error: message ?? "unreachable" };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The last success of each scheduled function; overdue means none within twice its interval
 * (never run included). Unknown when the database can't say.
 */
async function checkFunctions(services: Services): Promise<FunctionsHealth> {
  const scheduled = backgroundFunctions.filter((fn) => fn.schedule !== undefined);
  let summaries: Awaited<ReturnType<typeof summarizeRuns>>;
  try {
    summaries = await summarizeRuns(
      services.db,
      scheduled.map((fn) => fn.name),
    );
  } catch {
    return { status: "unknown", scheduled: [] };
  }
  const now = services.clock.now().getTime();
  const report = scheduled.map((fn) => {
    const summary = summaries.find((entry) => entry.functionName === fn.name);
    const intervalSeconds = fn.intervalSeconds ?? 60;
    const lastSucceededAt = summary?.lastSucceededAt ?? null;
    const lastRun = summary?.lastRun ?? null;
    return {
      name: fn.name,
      schedule: fn.schedule ?? "",
      interval_seconds: intervalSeconds,
      last_succeeded_at: lastSucceededAt?.toISOString() ?? null,
      last_run: lastRun && {
        status: lastRun.status,
        trigger: lastRun.trigger,
        started_at: lastRun.startedAt.toISOString(),
        error: lastRun.error,
      },
      overdue: !lastSucceededAt || now - lastSucceededAt.getTime() > 2 * intervalSeconds * 1000,
    };
  });
  return { status: report.some((entry) => entry.overdue) ? "overdue" : "ok", scheduled: report };
}

/**
 * One round trip to each dependency, in parallel, so an uptime checker can call it every few seconds.
 * Only the dependencies decide the status (and the 503): an overdue background function is reported
 * under `functions` for alerting, since the API itself still serves.
 */
export async function checkHealth(services: Services): Promise<Health> {
  const [database, redis, functions] = await Promise.all([
    probe(() => services.db.execute(sql`select 1`)),
    probe(() => services.redis.ping()),
    checkFunctions(services),
  ]);
  return {
    object: "health",
    status: database.status === "ok" && redis.status === "ok" ? "ok" : "degraded",
    version: VERSION,
    time: services.clock.now().toISOString(),
    dependencies: { database, redis },
    functions,
  };
}
