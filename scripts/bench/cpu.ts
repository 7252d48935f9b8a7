// CPU time per process family during a load, read from /proc (Linux): where a request's CPU goes on
// a box whose cores workerd, the local adapters, PostgreSQL, Redis and autocannon share. Dev tooling only.
import { readdirSync, readFileSync } from "node:fs";

/** The families a request's CPU is split into. */
export const cpuParts = ["workerd", "adapters", "autocannon", "postgres", "redis"] as const;
export type CpuPart = (typeof cpuParts)[number];
export type CpuTicks = Record<CpuPart, number>;

// USER_HZ: /proc reports utime and stime in 1/100 s on every Linux this bench runs on.
const MS_PER_TICK = 10;

interface ProcStat {
  comm: string;
  /** utime + stime of the process or thread itself. */
  own: number;
  /** cutime + cstime: children that exited and were waited for (PostgreSQL's ended backends). */
  children: number;
}

function readStat(file: string): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return undefined; // it ended between the directory listing and the read
  }
  // comm is in parentheses and may hold spaces; the numeric fields follow the last ")".
  const close = text.lastIndexOf(")");
  const comm = text.slice(text.indexOf("(") + 1, close);
  const fields = text
    .slice(close + 2)
    .split(" ")
    .map(Number);
  // fields[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17.
  const at = (field: number) => fields[field - 3] ?? 0;
  return { comm, own: at(14) + at(15), children: at(16) + at(17) };
}

function numericEntries(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
}

/**
 * CPU ticks so far, by family. The bench's own process is split by thread: its main thread runs the
 * local adapters (SQL over HTTP, WebSocket proxy, Upstash bridge, QStash), the rest is autocannon's
 * worker thread and Node's helpers. undefined where /proc is not there to read.
 */
export function cpuTicks(): CpuTicks | undefined {
  const pids = numericEntries("/proc");
  if (pids.length === 0) return undefined;
  const ticks: CpuTicks = { workerd: 0, adapters: 0, autocannon: 0, postgres: 0, redis: 0 };
  for (const pid of pids) {
    const stat = readStat(`/proc/${pid}/stat`);
    if (!stat) continue;
    if (Number(pid) === process.pid) {
      // The process's own total keeps the time of threads that have ended (an autocannon run's).
      const main = readStat(`/proc/${pid}/task/${pid}/stat`)?.own ?? 0;
      ticks.adapters += main;
      ticks.autocannon += stat.own - main;
    } else if (stat.comm === "workerd") ticks.workerd += stat.own;
    else if (stat.comm === "redis-server") ticks.redis += stat.own;
    else if (stat.comm === "postgres") ticks.postgres += stat.own + stat.children;
  }
  return ticks;
}

/** CPU milliseconds per request between two readings, by family. */
export function cpuMsPerRequest(
  before: CpuTicks | undefined,
  after: CpuTicks | undefined,
  requests: number,
): CpuTicks | undefined {
  if (!before || !after || requests <= 0) return undefined;
  const per = {} as CpuTicks;
  for (const part of cpuParts) per[part] = ((after[part] - before[part]) * MS_PER_TICK) / requests;
  return per;
}
