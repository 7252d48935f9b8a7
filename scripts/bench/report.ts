// The bench's markdown report: API scenarios next to their floors, the floors themselves, and the
// hot-balance ledger run. Dev tooling only.
import { cpuParts } from "./cpu";
import type { LedgerBench } from "./ledger";
import type { FloorResult, ScenarioResult } from "./options";
import type { SettlementBench } from "./settlement";
import type { UsageBench } from "./usage";

const fmt = (value: number, digits = 1): string =>
  Number.isFinite(value) ? String(Math.round(value * 10 ** digits) / 10 ** digits) : "–";

function ratio(scenario: ScenarioResult, floor: FloorResult): string {
  const throughput =
    floor.requestsPerSecond > 0 ? (scenario.requestsPerSecond / floor.requestsPerSecond) * 100 : 0;
  if (scenario.name.startsWith("GET /api/v1/health")) {
    const delta = scenario.p50 - floor.p50;
    return `p50 ${delta >= 0 ? "+" : ""}${fmt(delta)} ms, ${fmt(throughput, 0)} % req/s`;
  }
  return `${fmt(throughput, 0)} %`;
}

function row(cells: string[]): string {
  return `| ${cells.map((cell) => cell.replaceAll("|", "\\|")).join(" | ")} |`;
}

export interface ReportInput {
  header: string[];
  scenarios: ScenarioResult[];
  floors: FloorResult[];
  ledger?: LedgerBench;
  usage?: UsageBench;
  settlement?: SettlementBench;
  notes: string[];
}

export function renderReport(input: ReportInput): string {
  const lines: string[] = [...input.header, ""];
  if (input.scenarios.length > 0) {
    lines.push(
      "### API scenarios (the Worker in workerd, autocannon)",
      "",
      row([
        "pass",
        "scenario",
        "req/s",
        "p50 ms",
        "p99 ms",
        "p99/p50",
        "DB rt/req (http + ws)",
        "Redis rt/req",
        "after response (DB / Redis)",
        "errors / non-2xx",
        "floor (same run)",
        "floor req/s",
        "floor p50 ms",
        "vs floor",
      ]),
      row([
        "---",
        "---",
        "---:",
        "---:",
        "---:",
        "---:",
        "---:",
        "---:",
        "---:",
        "---:",
        "---",
        "---:",
        "---:",
        "---:",
      ]),
    );
    for (const scenario of input.scenarios) {
      const rt = scenario.roundTrips;
      const floors = scenario.floors;
      lines.push(
        row([
          scenario.pass,
          scenario.name,
          String(scenario.requestsPerSecond),
          fmt(scenario.p50),
          fmt(scenario.p99),
          scenario.p50 > 0 ? fmt(scenario.p99 / scenario.p50) : "–",
          rt ? `${fmt(rt.dbHttp + rt.dbWs, 2)} (${fmt(rt.dbHttp, 2)} + ${fmt(rt.dbWs, 2)})` : "–",
          rt ? fmt(rt.redis, 2) : "–",
          rt ? `${fmt(rt.afterDb, 2)} / ${fmt(rt.afterRedis, 2)}` : "–",
          `${scenario.errors}${rt && rt.failed > 0 ? ` (+${rt.failed} of the sampled)` : ""}`,
          floors.map((floor) => floor.name).join("<br>") || "–",
          floors.map((floor) => String(floor.requestsPerSecond)).join("<br>") || "–",
          floors.map((floor) => fmt(floor.p50)).join("<br>") || "–",
          floors.map((floor) => ratio(scenario, floor)).join("<br>") || "–",
        ]),
      );
    }
    lines.push("");
  }
  if (input.floors.length > 0) {
    lines.push(
      "### Floors (no Worker: the same work done as directly as possible, same run)",
      "",
      row(["pass", "floor", "how", "DB rt/op", "req/s", "p50 ms", "p99 ms", "p99/p50", "errors"]),
      row(["---", "---", "---", "---:", "---:", "---:", "---:", "---:", "---:"]),
    );
    for (const floor of input.floors) {
      lines.push(
        row([
          floor.pass,
          floor.name,
          floor.description,
          String(floor.dbRoundTrips),
          String(floor.requestsPerSecond),
          fmt(floor.p50),
          fmt(floor.p99),
          floor.p50 > 0 ? fmt(floor.p99 / floor.p50) : "–",
          String(floor.errors),
        ]),
      );
    }
    lines.push("");
  }
  // In the ledger rows, "autocannon" is the posting client's worker thread and a request is a posting.
  const ledgerRuns = (input.ledger?.results ?? []).map((result) => ({ ...result, pass: "ledger" }));
  const withCpu = [...input.scenarios, ...input.floors, ...ledgerRuns].filter((measured) => measured.cpu);
  if (withCpu.length > 0) {
    lines.push(
      "### CPU per request, by process (ms; /proc utime + stime over the load)",
      "",
      row(["pass", "scenario or floor", ...cpuParts, "total", "cores busy (total × req/s)"]),
      row(["---", "---", ...cpuParts.map(() => "---:"), "---:", "---:"]),
    );
    for (const measured of withCpu) {
      const cpu = measured.cpu;
      if (!cpu) continue;
      const total = cpuParts.reduce((sum, part) => sum + cpu[part], 0);
      lines.push(
        row([
          measured.pass,
          measured.name,
          ...cpuParts.map((part) => fmt(cpu[part], 2)),
          fmt(total, 2),
          fmt((total * measured.requestsPerSecond) / 1000, 2),
        ]),
      );
    }
    lines.push("");
  }
  if (input.ledger) {
    const { results, invariants, balance } = input.ledger;
    lines.push(
      "### Ledger postings on one hot balance (src/core/ledger post, no HTTP in front; goal ≥ 1,000/s)",
      "",
      row(["via", "in flight", "postings/s", "p50 ms", "p99 ms", "errors"]),
      row(["---", "---:", "---:", "---:", "---:", "---:"]),
    );
    for (const result of results) {
      lines.push(
        row([
          result.via,
          String(result.inFlight),
          String(result.requestsPerSecond),
          fmt(result.p50),
          fmt(result.p99),
          String(result.errors),
        ]),
      );
    }
    lines.push(
      "",
      `Invariants after the run: ${invariants.ok ? "hold" : "VIOLATED"} (${invariants.transactions_checked} transactions, ${invariants.accounts_checked} accounts, ${invariants.violations.length} violations); merchant_available ${balance.actual} = sum posted ${balance.expected}: ${balance.actual === balance.expected ? "yes" : "NO"}.`,
      "",
    );
  }
  if (input.usage) {
    const usage = input.usage;
    lines.push(
      "### Usage records through POST /api/v1/usage-records/batch (goal ≥ 2,000 records/s)",
      "",
      row(["batches in flight", "records/s", "batches/s", "p50 ms", "p99 ms", "errors", "rejected records"]),
      row(["---:", "---:", "---:", "---:", "---:", "---:", "---:"]),
      row([
        String(usage.inFlight),
        String(usage.recordsPerSecond),
        String(usage.requestsPerSecond),
        fmt(usage.p50),
        fmt(usage.p99),
        String(usage.errors),
        String(usage.rejected),
      ]),
      "",
    );
  }
  if (input.settlement) {
    const { settlement: run } = input;
    const netMatches = run.settlement.net === run.settlement.expectedNet;
    lines.push(
      `### A settlement run over ${run.entries} matured pending entries (runSettlements in Node, then the CSV export through the Worker)`,
      "",
      row([
        "entries",
        "seed s",
        "run s",
        "peak RSS MB (growth)",
        "PostgreSQL temp MB",
        "CSV export s",
        "CSV MB",
        "CSV lines",
      ]),
      row(["---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:"]),
      row([
        String(run.entries),
        fmt(run.seedSeconds, 2),
        fmt(run.runSeconds, 2),
        `${fmt(run.peakRssMb)} (${fmt(run.rssGrowthMb)})`,
        fmt(run.postgresTempMb),
        run.csv.status === 200 ? fmt(run.csv.seconds, 2) : `HTTP ${run.csv.status}`,
        fmt(run.csv.megabytes),
        String(run.csv.lines),
      ]),
      "",
      `Settlement ${run.settlement.id}: ${run.settlement.charges} charges, net ${run.settlement.net} = the matured entries' net ${run.settlement.expectedNet}: ${netMatches ? "yes" : "NO"}; reconciles with the ledger: ${run.reconciled ? "yes" : "NO"}; ledger invariants after the run: ${run.invariantsOk ? "hold" : "VIOLATED"}.`,
      "",
    );
  }
  if (input.notes.length > 0) lines.push("Notes:", "", ...input.notes.map((note) => `- ${note}`), "");
  return lines.join("\n");
}
