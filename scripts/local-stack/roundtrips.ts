// Round trips between the Worker and its backing services, counted at the local adapters and
// attributed to the Worker request that caused them, plus the latency the bench injects into each.
// A round trip is the unit that costs milliseconds at the edge, so counts are what tests assert on
// (deterministic), never timings. Dev tooling only (Node); never bundled into the Worker.

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { listen } from "./http";

export type RoundTripKind = "db_http" | "db_ws" | "redis";
export type RoundTripCounts = Record<RoundTripKind, number>;
export interface TraceRoundTrips extends RoundTripCounts {
  trace: string;
}
export interface RoundTripTotals extends RoundTripCounts {
  /** Traces currently remembered (at most `maxTraces`). */
  traces: number;
}

/** Header the Worker sets on SQL-over-HTTP and Upstash REST calls (Node lower-cases header names). */
export const TRACE_HEADER = "x-magnetpay-trace";
/** Query parameter the Worker adds to the WebSocket proxy URL. */
export const TRACE_PARAM = "trace";
/** Bucket for calls that carry no trace: their round trips still show in the totals. */
export const NO_TRACE = "none";

// Request ids are short; a cap keeps a misbehaving client from filling memory with one huge key.
const MAX_TRACE_LENGTH = 128;

export interface InjectedLatency {
  /** Added to every database round trip (HTTP SQL request, WebSocket proxy round trip). */
  dbRttMs: number;
  /** Added to every Upstash REST call. */
  redisRttMs: number;
}

export interface RoundTripsOptions extends Partial<InjectedLatency> {
  /** How many traces to remember; the least recently used is forgotten first (default 10,000). */
  maxTraces?: number;
}

function zero(): RoundTripCounts {
  return { db_http: 0, db_ws: 0, redis: 0 };
}

/** Reads BENCH_DB_RTT_MS / BENCH_REDIS_RTT_MS; unset means no injected delay. */
export function latencyFromEnv(env: NodeJS.ProcessEnv = process.env): InjectedLatency {
  const read = (name: string): number => {
    const raw = env[name];
    if (raw === undefined || raw === "") return 0;
    const ms = Number(raw);
    if (!Number.isFinite(ms) || ms < 0)
      throw new Error(`${name} must be a non-negative number of ms, got ${raw}`);
    return ms;
  };
  return { dbRttMs: read("BENCH_DB_RTT_MS"), redisRttMs: read("BENCH_REDIS_RTT_MS") };
}

export function normalizeTrace(raw: string | string[] | null | undefined): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value === null || value === "") return NO_TRACE;
  return value.slice(0, MAX_TRACE_LENGTH);
}

const PROTOCOL_V3 = 196608;

const TRACE_OPTION = /(?:^|\s)-c\s*magnetpay\.trace=(\S+)/;

/**
 * The trace a client names in its PostgreSQL StartupMessage (Int32 length, Int32 protocol, then
 * NUL-terminated name/value pairs) as `options=-c magnetpay.trace=<trace>`; undefined otherwise.
 */
export function traceFromStartupMessage(message: Buffer): string | undefined {
  if (message.length < 8 || message.readInt32BE(4) !== PROTOCOL_V3) return undefined;
  const length = Math.min(message.readInt32BE(0), message.length);
  const fields = message.subarray(8, length).toString("utf8").split("\0");
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const traced = fields[i] === "options" ? TRACE_OPTION.exec(fields[i + 1] ?? "") : null;
    if (traced?.[1]) return traced[1];
  }
  return undefined;
}

export class RoundTrips {
  private readonly maxTraces: number;
  // A Map iterates in insertion order; re-inserting on every use makes the first key the LRU one.
  private readonly byTrace = new Map<string, RoundTripCounts>();
  private total = zero();
  private latency: InjectedLatency;

  constructor(opts: RoundTripsOptions = {}) {
    this.maxTraces = opts.maxTraces ?? 10_000;
    this.latency = { dbRttMs: opts.dbRttMs ?? 0, redisRttMs: opts.redisRttMs ?? 0 };
  }

  record(kind: RoundTripKind, trace: string): void {
    const counts = this.byTrace.get(trace) ?? zero();
    this.byTrace.delete(trace);
    this.byTrace.set(trace, counts);
    if (this.byTrace.size > this.maxTraces) {
      const oldest = this.byTrace.keys().next();
      if (!oldest.done) this.byTrace.delete(oldest.value);
    }
    counts[kind] += 1;
    this.total[kind] += 1;
  }

  /** Moves one counted round trip to another trace (a connection that names its trace late). */
  reattribute(kind: RoundTripKind, from: string, to: string): void {
    const counts = this.byTrace.get(from);
    if (!counts || counts[kind] === 0 || from === to) return;
    counts[kind] -= 1;
    this.total[kind] -= 1;
    this.record(kind, to);
  }

  /** The injected delay for one round trip of this kind. */
  delayMs(kind: RoundTripKind): number {
    return kind === "redis" ? this.latency.redisRttMs : this.latency.dbRttMs;
  }

  /** Counts one round trip, then waits the injected delay (if any) before the adapter serves it. */
  async roundTrip(kind: RoundTripKind, trace: string): Promise<void> {
    this.record(kind, trace);
    const ms = this.delayMs(kind);
    if (ms > 0) await sleep(ms);
  }

  setLatency(latency: Partial<InjectedLatency>): void {
    this.latency = { ...this.latency, ...latency };
  }

  forTrace(trace: string): TraceRoundTrips {
    return { trace, ...(this.byTrace.get(trace) ?? zero()) };
  }

  totals(): RoundTripTotals {
    return { ...this.total, traces: this.byTrace.size };
  }

  reset(): void {
    this.byTrace.clear();
    this.total = zero();
  }
}

export interface RoundTripStatsServer {
  /** Base URL: GET /roundtrips?trace=…, GET /roundtrips/totals, POST /roundtrips/reset. */
  url: string;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Serves the counters over HTTP, so tests in other vitest workers (and the bench) can read what the
 * adapters in the global-setup process counted. Loopback only and read-mostly, hence no token.
 */
export async function startRoundTripStats(
  roundTrips: RoundTrips,
  opts: { port?: number; host?: string } = {},
): Promise<RoundTripStatsServer> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://stats.local");
    const route = `${req.method ?? "GET"} ${url.pathname}`;
    if (route === "GET /roundtrips") {
      sendJson(res, 200, roundTrips.forTrace(normalizeTrace(url.searchParams.get(TRACE_PARAM))));
    } else if (route === "GET /roundtrips/totals") {
      sendJson(res, 200, roundTrips.totals());
    } else if (route === "POST /roundtrips/reset") {
      roundTrips.reset();
      sendJson(res, 200, roundTrips.totals());
    } else {
      sendJson(res, 404, { error: `no route ${route}` });
    }
  });
  const port = await listen(server, opts.port, opts.host);
  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

/** Client side, for tests in any process: the round trips counted for one Worker request id. */
export async function fetchRoundTrips(statsUrl: string, trace: string): Promise<TraceRoundTrips> {
  const res = await fetch(`${statsUrl}/roundtrips?${TRACE_PARAM}=${encodeURIComponent(trace)}`);
  if (!res.ok) throw new Error(`round-trip stats: HTTP ${res.status} ${await res.text()}`);
  return (await res.json()) as TraceRoundTrips;
}
