/**
 * `npm run profile`: a sampling CPU profile of the Worker in workerd under load, through the
 * DevTools inspector (Profiler domain), summed by the bundle section each sample falls in
 * (`// node_modules/<package>/…` or `// src/…` markers that wrangler's esbuild bundle keeps) and by
 * function. Shows where the Worker's own CPU goes; `npm run bench` measures throughput.
 * Knobs: PROFILE_SCENARIO (payments | health | balances | customers-create), PROFILE_SECONDS (10),
 * PROFILE_CONNECTIONS (10). Dev tooling only.
 */
import WebSocket from "ws";
import { BENCH_PAYMENT, cannon, type HttpCall, signUpMerchant } from "./bench/load";
import { freePort, startWorkerStack } from "./worker-stack";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; scriptId: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

class Inspector {
  private nextId = 1;
  private readonly pending = new Map<number, (result: unknown) => void>();
  private constructor(private readonly socket: WebSocket) {
    socket.on("message", (data) => {
      const message = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: unknown };
      if (message.id === undefined) return;
      const resolve = this.pending.get(message.id);
      this.pending.delete(message.id);
      resolve?.(message.error ? Promise.reject(new Error(JSON.stringify(message.error))) : message.result);
    });
  }

  static async connect(port: number): Promise<Inspector> {
    const targets = (await (await fetch(`http://127.0.0.1:${port}/json`)).json()) as {
      webSocketDebuggerUrl: string;
      title?: string;
    }[];
    // wrangler lists the user Worker first; its internal proxy Workers carry a leading "__".
    const target = targets.find((t) => !t.title?.startsWith("__")) ?? targets[0];
    if (!target) throw new Error("no inspector target");
    const socket = new WebSocket(target.webSocketDebuggerUrl);
    await new Promise((resolve, reject) => socket.once("open", resolve).once("error", reject));
    return new Inspector(socket);
  }

  send<T>(method: string, params: Record<string, unknown> = {}): Promise<T> {
    const id = this.nextId++;
    this.socket.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve) => this.pending.set(id, resolve as (result: unknown) => void));
  }

  close(): void {
    this.socket.close();
  }
}

/** The section marker (`// node_modules/drizzle-orm/…`, `// src/modules/payments/…`) above each line. */
function sectionsOf(source: string): string[] {
  const sections: string[] = [];
  let current = "(bundle prelude)";
  for (const line of source.split("\n")) {
    const marker = /^\/\/ (\S+)$/.exec(line);
    if (marker?.[1] && /[/.]/.test(marker[1])) {
      const file = marker[1].replace(/^(\.\.\/)+/, "");
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1];
      current = pkg ?? file.split("/").slice(0, 3).join("/");
    }
    sections.push(current);
  }
  return sections;
}

function top(totals: Map<string, number>, all: number, limit: number): string[] {
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, limit)
    .map(([name, micros]) => `${((micros / all) * 100).toFixed(1).padStart(5)} %  ${name}`);
}

async function main(): Promise<void> {
  const scenario = process.env.PROFILE_SCENARIO ?? "payments";
  const seconds = Number(process.env.PROFILE_SECONDS ?? 10);
  const connections = Number(process.env.PROFILE_CONNECTIONS ?? 10);
  const inspectorPort = await freePort();
  const stack = await startWorkerStack({
    databaseUrl: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
    freshDatabase: true,
    logLevel: "none",
    inspectorPort,
    extraVars: {
      RATE_LIMIT_SANDBOX_PER_SECOND: "1000000",
      SIGNUP_LIMIT_EXEMPT_IPS: "127.0.0.1,::1,::ffff:127.0.0.1,unknown",
    },
  });
  try {
    const merchant = await signUpMerchant(stack.baseUrl, 0);
    const json = { ...merchant.headers, "content-type": "application/json" };
    const calls: Record<string, HttpCall> = {
      payments: {
        method: "POST",
        path: "/api/v1/payments",
        headers: json,
        body: JSON.stringify(BENCH_PAYMENT),
      },
      health: { method: "GET", path: "/api/v1/health", headers: {} },
      balances: { method: "GET", path: "/api/v1/balances", headers: merchant.headers },
      "customers-create": {
        method: "POST",
        path: "/api/v1/customers",
        headers: json,
        body: JSON.stringify({ email: "profile@example.com" }),
      },
    };
    const call = calls[scenario];
    if (!call) throw new Error(`PROFILE_SCENARIO: one of ${Object.keys(calls).join(", ")}`);
    // Warm the isolate (JIT, caches) before sampling.
    await cannon("warm-up", `${stack.baseUrl}${call.path}`, [call], { seconds: 2, connections });

    const inspector = await Inspector.connect(inspectorPort);
    await inspector.send("Profiler.enable");
    await inspector.send("Debugger.enable");
    await inspector.send("Profiler.setSamplingInterval", { interval: 200 });
    await inspector.send("Profiler.start");
    const measured = await cannon(scenario, `${stack.baseUrl}${call.path}`, [call], { seconds, connections });
    const { profile } = await inspector.send<{ profile: Profile }>("Profiler.stop");

    const sourceCache = new Map<string, string[]>();
    const sectionFor = async (node: ProfileNode): Promise<string> => {
      const { scriptId, lineNumber, url } = node.callFrame;
      if (!scriptId || scriptId === "0") return "(runtime)";
      let sections = sourceCache.get(scriptId);
      if (!sections) {
        const { scriptSource } = await inspector.send<{ scriptSource: string }>("Debugger.getScriptSource", {
          scriptId,
        });
        sections = sectionsOf(scriptSource);
        sourceCache.set(scriptId, sections);
      }
      return sections[lineNumber] ?? url;
    };
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const bySection = new Map<string, number>();
    const byFunction = new Map<string, number>();
    let all = 0;
    for (let i = 0; i < profile.samples.length; i++) {
      const node = byId.get(profile.samples[i] ?? -1);
      const micros = profile.timeDeltas[i] ?? 0;
      if (!node) continue;
      all += micros;
      const { functionName } = node.callFrame;
      const section = functionName.startsWith("(") ? functionName : await sectionFor(node);
      bySection.set(section, (bySection.get(section) ?? 0) + micros);
      const fn = `${functionName || "(anonymous)"} [${section}]`;
      byFunction.set(fn, (byFunction.get(fn) ?? 0) + micros);
    }
    inspector.close();
    const busy = all - (bySection.get("(idle)") ?? 0) - (bySection.get("(program)") ?? 0);
    process.stdout.write(
      [
        `## Worker CPU profile: ${scenario}, ${connections} connections, ${seconds} s`,
        "",
        `${measured.requestsPerSecond} req/s, p50 ${measured.p50} ms; ${measured.requests} requests; ` +
          `${(busy / 1000 / measured.requests).toFixed(2)} ms of JavaScript per request (samples outside idle and program).`,
        "",
        "Self time by bundle section (share of all samples):",
        ...top(bySection, all, 25),
        "",
        "Self time by function:",
        ...top(byFunction, all, 40),
        "",
      ].join("\n"),
    );
  } finally {
    await stack.close();
  }
}

await main();
