import { backgroundFunctions } from "../../../functions";
import { type FunctionRunSummary, summarizeRuns } from "../../core/background-functions";
import type { Services } from "../../core/context";
import type { DependencyHealth, FunctionsHealth, Health } from "./schemas";

export const VERSION = "0.1.0";
const PROBE_TIMEOUT_MS = 2000;

async function probe<T>(
  check: () => Promise<T>,
): Promise<{ health: DependencyHealth; result: T | undefined }> {
  const started = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const result = await Promise.race([
      check(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`no answer within ${PROBE_TIMEOUT_MS} ms`)),
          PROBE_TIMEOUT_MS,
        );
      }),
    ]);
    return {
      health: { status: "ok", latency_ms: Math.round((performance.now() - started) * 10) / 10 },
      result: result as T,
    };
  } catch (error) {
    // The message names the failure kind only; connection strings never reach a public endpoint.
    const message =
      error instanceof Error ? error.message.split("\n")[0]?.replace(/\w+:\/\/\S+/g, "<url>") : "unreachable";
    return {
      health: { status: "down", latency_ms: null, error: message ?? "unreachable" },
      result: undefined,
    };
  } finally {
    clearTimeout(timer);
  }
}

const scheduled = backgroundFunctions.filter((fn) => fn.schedule !== undefined);

/**
 * The last success of each scheduled function; overdue means none within twice its interval
 * (never run included). Unknown when the database can't say.
 */
function functionsHealth(services: Services, summaries: FunctionRunSummary[] | undefined): FunctionsHealth {
  if (!summaries) return { status: "unknown", scheduled: [] };
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
 * One round trip to each dependency, in parallel, so an uptime checker can call it every few seconds:
 * the database probe is the function-run summary itself, over HTTP (no WebSocket).
 * Only the dependencies decide the status (and the 503): an overdue background function is reported
 * under `functions` for alerting, since the API itself still serves.
 */
export async function checkHealth(services: Services): Promise<Health> {
  const [database, redis] = await Promise.all([
    probe(() =>
      summarizeRuns(
        scheduled.map((fn) => fn.name),
        services.db,
      ),
    ),
    probe(() => services.redis.ping()),
  ]);
  const functions = functionsHealth(services, database.result);
  return {
    object: "health",
    status: database.health.status === "ok" && redis.health.status === "ok" ? "ok" : "degraded",
    version: VERSION,
    time: services.clock.now().toISOString(),
    dependencies: { database: database.health, redis: redis.health },
    functions,
  };
}
