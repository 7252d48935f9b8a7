// Knobs and shared shapes of `npm run bench` (scripts/bench.ts). Dev tooling only.
import type { CpuTicks } from "./cpu";

function readNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`${name} must be a non-negative number, got ${raw}`);
  return value;
}

/** A comma-separated list of positive integers, e.g. "4,16". */
function readLevels(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  return raw.split(",").map((part) => {
    const value = Number(part.trim());
    if (!Number.isInteger(value) || value < 1)
      throw new Error(`${name} must be a comma-separated list of positive integers, got ${raw}`);
    return value;
  });
}

/** Every scenario name BENCH_ONLY accepts. A floor runs with the scenario it is the floor of. */
export const scenarioNames = [
  "health",
  "customers-create",
  "customers-get",
  "balances",
  "payments",
  "payments-10",
  "payouts",
  "issuing-authorizations",
  "ledger",
  "usage-records",
  "settlement",
  "chain",
] as const;
export type ScenarioName = (typeof scenarioNames)[number];

export interface BenchOptions {
  seconds: number;
  connections: number;
  only: ReadonlySet<ScenarioName>;
  /** The injected latency of the second pass; both 0 skips that pass. */
  rtt: { dbRttMs: number; redisRttMs: number };
  /** Postings in flight in the hot-balance ledger scenario: one run per level. */
  ledgerInFlight: number[];
  /** Sequential requests whose round trips are read from the adapters' counters. */
  samples: number;
  /** Matured pending entries the settlement scenario settles in one run. */
  settlementEntries: number;
}

export function readOptions(): BenchOptions {
  const only = (process.env.BENCH_ONLY ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  for (const name of only) {
    if (!(scenarioNames as readonly string[]).includes(name)) {
      throw new Error(`BENCH_ONLY: unknown scenario ${name}; known: ${scenarioNames.join(", ")}`);
    }
  }
  return {
    seconds: readNumber("BENCH_SECONDS", 10),
    connections: Math.max(1, Math.round(readNumber("BENCH_CONNECTIONS", 10))),
    only: new Set((only.length > 0 ? only : scenarioNames) as ScenarioName[]),
    rtt: { dbRttMs: readNumber("BENCH_DB_RTT_MS", 10), redisRttMs: readNumber("BENCH_REDIS_RTT_MS", 5) },
    ledgerInFlight: readLevels("BENCH_LEDGER_IN_FLIGHT", [4, 16]),
    samples: Math.max(1, Math.round(readNumber("BENCH_SAMPLES", 20))),
    settlementEntries: Math.max(1, Math.round(readNumber("BENCH_SETTLEMENT_ENTRIES", 100_000))),
  };
}

/** Round trips per request, read from the local adapters' counters (exact, not timed). */
export interface RoundTripSample {
  dbHttp: number;
  dbWs: number;
  redis: number;
  /** Off the request path (`<request id>.after`): event dispatch after the response. */
  afterDb: number;
  afterRedis: number;
  /** Sampled requests that did not answer 2xx (their counts are still included). */
  failed: number;
}

/** One measured load: an API scenario through the Worker, or a floor outside it. */
export interface Measurement {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  requests: number;
  /** Transport errors, timeouts and non-2xx answers. */
  errors: number;
  /** CPU milliseconds per request by process family during the load (Linux /proc). */
  cpu?: CpuTicks;
}

export interface ScenarioResult extends Measurement {
  pass: string;
  roundTrips?: RoundTripSample;
  /** Floors measured in the same run for this scenario, the first one being the main comparison. */
  floors: FloorResult[];
}

export interface FloorResult extends Measurement {
  pass: string;
  /** Database round trips per operation, by construction. */
  dbRoundTrips: number;
  description: string;
}
