import { sql } from "drizzle-orm";
import type { Services } from "../../core/context";
import type { DependencyHealth, Health } from "./schemas";

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

/** One round trip to each dependency, in parallel, so an uptime checker can call it every few seconds. */
export async function checkHealth(services: Services): Promise<Health> {
  const [database, redis] = await Promise.all([
    probe(() => services.db.execute(sql`select 1`)),
    probe(() => services.redis.ping()),
  ]);
  return {
    object: "health",
    status: database.status === "ok" && redis.status === "ok" ? "ok" : "degraded",
    version: VERSION,
    time: services.clock.now().toISOString(),
    dependencies: { database, redis },
  };
}
