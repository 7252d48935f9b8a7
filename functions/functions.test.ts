import { readFileSync } from "node:fs";
import { Client } from "@upstash/qstash";
import { CronExpressionParser } from "cron-parser";
import { sql } from "drizzle-orm";
import { SignJWT } from "jose";
import { describe, expect, inject, it } from "vitest";
import { z } from "zod";
import {
  type BackgroundFunction,
  defineFunction,
  runFunction,
  runWindow,
} from "../src/core/background-functions";
import { query } from "../test/db";
import type { ApiResponse } from "../test/harness";
import { baseUrl, call, expectError } from "../test/harness";
import { nodeServices } from "../test/node-services";
import { eventually } from "../test/qstash";
import { backgroundFunctions } from ".";

async function sha256Base64Url(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
  return btoa(String.fromCharCode(...digest))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");
}

async function signature(options: {
  url: string;
  body: string;
  key?: string;
  expiresIn?: number;
}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const key = options.key ?? inject("workerEnv").QSTASH_CURRENT_SIGNING_KEY ?? "";
  return new SignJWT({ body: await sha256Base64Url(options.body) })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setIssuer("Upstash")
    .setSubject(options.url)
    .setIssuedAt(now - 10)
    .setNotBefore(now - 10)
    .setExpirationTime(now + (options.expiresIn ?? 300))
    .setJti(`jwt_${crypto.randomUUID()}`)
    .sign(new TextEncoder().encode(key));
}

async function post(name: string, body: string, headers: Record<string, string>): Promise<ApiResponse> {
  const response = await fetch(`${baseUrl()}/internal/functions/${name}`, { method: "POST", body, headers });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text), text };
}

describe("background functions: the QStash trigger", () => {
  const url = () => `${baseUrl()}/internal/functions/sessions-prune`;

  it("refuses unsigned, badly signed, tampered, expired and replayed calls", async () => {
    expectError(await post("sessions-prune", "{}", {}), 401, "signature_invalid");
    const wrongKey = await signature({ url: url(), body: "{}", key: "sig_wrong" });
    expectError(
      await post("sessions-prune", "{}", { "upstash-signature": wrongKey }),
      401,
      "signature_invalid",
    );
    const tampered = await signature({ url: url(), body: "{}" });
    expectError(
      await post("sessions-prune", '{"x":1}', { "upstash-signature": tampered }),
      401,
      "signature_invalid",
    );
    const otherUrl = await signature({
      url: `${baseUrl()}/internal/functions/idempotency-prune`,
      body: "{}",
    });
    expectError(
      await post("sessions-prune", "{}", { "upstash-signature": otherUrl }),
      401,
      "signature_invalid",
    );
    const expired = await signature({ url: url(), body: "{}", expiresIn: -60 });
    expectError(
      await post("sessions-prune", "{}", { "upstash-signature": expired }),
      401,
      "signature_invalid",
    );

    const good = await signature({ url: url(), body: "{}" });
    const first = await post("sessions-prune", "{}", { "upstash-signature": good });
    expect(first.status).toBe(200);
    expectError(await post("sessions-prune", "{}", { "upstash-signature": good }), 401, "signature_invalid");
  });

  it("runs a function published through QStash, and records the run", async () => {
    const client = new Client({ baseUrl: inject("qstashUrl"), token: inject("qstashToken") });
    const target = `${baseUrl()}/internal/functions/idempotency-prune`;
    const since = new Date();
    await client.publishJSON({ url: target, body: {} });
    // Waits for the run QStash's call made to finish, however slow the machine.
    const run = await eventually(async () => {
      const [finished] = await query<{ status: string }>(
        "select status from function_runs where function_name = 'idempotency-prune' and trigger = 'qstash' and started_at >= $1 and status <> 'running'",
        [since],
      );
      return finished;
    }, 25_000);
    expect(run.status).toBe("succeeded");
  });

  it("the cron trigger runs every scheduled function once per window, whichever trigger came first", async () => {
    // An hour of its own (the triggers' scheduled time), so neither the wall clock turning an hour
    // nor another test's trigger shares the window.
    const hour = Date.UTC(2006, 0, 1) + Math.floor(Math.random() * 100_000) * 3_600_000;
    const fire = (at: number) =>
      fetch(`${baseUrl()}/internal/dev/scheduled?cron=${encodeURIComponent("0 * * * *")}&time=${at}`);
    expect((await fire(hour)).status).toBe(200);
    expect((await fire(hour + 25 * 60_000)).status).toBe(200);
    const hourly = backgroundFunctions.filter((fn) => fn.schedule === "0 * * * *").map((fn) => fn.name);
    // Hourly functions share one window per hour, whatever minute the triggers arrive in.
    const window = new Date(hour).toISOString().slice(0, 16);
    const runs = await query<{ function_name: string; runs: string }>(
      `select function_name, count(*) as runs from function_runs
        where window_key = $1 and function_name = any($2) group by function_name`,
      [window, hourly],
    );
    expect(new Set(runs.map((run) => run.function_name))).toEqual(new Set(hourly));
    expect(runs.every((run) => run.runs === "1")).toBe(true);
  });

  it("an unknown function is 404 once the signature checks out", async () => {
    const target = `${baseUrl()}/internal/functions/nope`;
    const signed = await signature({ url: target, body: "{}" });
    expectError(await post("nope", "{}", { "upstash-signature": signed }), 404, "function_unknown");
  });
});

describe("background functions: the registry", () => {
  const scheduled = backgroundFunctions.filter((fn) => fn.schedule !== undefined);

  it("every schedule's interval matches its cron, and wrangler.toml has exactly the registry's crons", () => {
    for (const fn of scheduled) {
      const cron = CronExpressionParser.parse(fn.schedule ?? "", {
        tz: "UTC",
        currentDate: new Date("2026-03-01T00:00:30Z"),
      });
      const [a, b, c] = [cron.next(), cron.next(), cron.next()].map((tick) => tick.getTime() / 1000);
      const gaps = new Set([(b ?? 0) - (a ?? 0), (c ?? 0) - (b ?? 0)]);
      expect([...gaps], fn.name).toEqual([fn.intervalSeconds ?? 60]);
    }
    const toml = readFileSync(new URL("../wrangler.toml", import.meta.url), "utf8");
    const crons = [...(toml.match(/^crons\s*=\s*\[(.*)\]/m)?.[1] ?? "").matchAll(/"([^"]+)"/g)].map(
      (m) => m[1],
    );
    expect(new Set(crons)).toEqual(new Set(scheduled.map((fn) => fn.schedule)));
    expect(backgroundFunctions.map((fn) => fn.name)).toEqual(
      expect.arrayContaining(["webhook-deliver", "webhook-sweep", "events-prune"]),
    );
  });

  it("a trigger that arrives late in its slot shares the run window of the one on time", () => {
    const hourly = scheduled.find((fn) => fn.intervalSeconds === 3600);
    const daily = scheduled.find((fn) => fn.name === "events-prune");
    if (!hourly || !daily) throw new Error("registry changed");
    const onTime = new Date("2026-03-01T10:00:00.000Z");
    expect(runWindow(hourly, new Date("2026-03-01T10:01:40Z"))).toBe(runWindow(hourly, onTime));
    expect(runWindow(hourly, new Date("2026-03-01T11:00:00Z"))).not.toBe(runWindow(hourly, onTime));
    expect(runWindow(daily, new Date("2026-03-01T03:15:00Z"))).toBe(
      runWindow(daily, new Date("2026-03-01T03:17:00Z")),
    );
    const deliver = backgroundFunctions.find((fn) => fn.name === "webhook-deliver");
    if (!deliver) throw new Error("registry changed");
    expect(runWindow(deliver, onTime)).toBeNull();
  });

  it("a payload is part of the window: one run per slot and payload, and one per slot without one", async () => {
    const services = nodeServices();
    const ran: unknown[] = [];
    const perChain = defineFunction({
      name: `per-payload-${Date.now()}-${Math.random().toString(36).slice(2)}`,
      description: "test",
      payload: z.object({ chain: z.string().optional() }).strict(),
      schedule: "* * * * *",
      handler: async (_services, payload) => {
        ran.push(payload);
        return {};
      },
    });
    const slot = new Date("2026-03-01T10:00:05Z");
    const later = new Date("2026-03-01T10:00:50Z");
    const statuses = [];
    for (const [payload, at] of [
      [{ chain: "base" }, slot],
      [{ chain: "polygon" }, slot],
      [{ chain: "base" }, later],
      [{}, slot],
      [{}, later],
    ] as const) {
      statuses.push((await runFunction(services, perChain, payload, "qstash", at)).status);
    }
    expect(statuses).toEqual(["succeeded", "succeeded", "skipped", "succeeded", "skipped"]);
    expect(ran).toEqual([{ chain: "base" }, { chain: "polygon" }, {}]);
    expect(runWindow(perChain as BackgroundFunction, slot, {})).toBe("2026-03-01T10:00");
    expect(runWindow(perChain as BackgroundFunction, slot, { chain: "base" })).toBe(
      '2026-03-01T10:00 {"chain":"base"}',
    );
  });
});

describe("background functions: a failed run", () => {
  it("keeps a database error's SQLSTATE, never the query's values (health shows the stored error)", async () => {
    const services = nodeServices();
    const secret = `sk_live_${crypto.randomUUID()}`;
    const failing = defineFunction({
      name: `failing-query-${Date.now()}-${Math.random().toString(36).slice(2)}`,
      description: "test",
      payload: z.object({}).strict(),
      handler: async (run) => {
        await run.db.execute(sql`select ${secret}::int`);
        return {};
      },
    });
    const outcome = await runFunction(services, failing, {}, "manual", new Date());
    expect(outcome).toMatchObject({ status: "failed", error: expect.stringContaining("22P02") });
    const [stored] = await query<{ error: string }>(
      "select error from function_runs where function_name = $1",
      [failing.name],
    );
    expect(stored?.error).toContain("22P02");
    expect(JSON.stringify(outcome)).not.toContain(secret);
    expect(stored?.error).not.toContain(secret);
    await services.close();
  });
});

interface HealthBody {
  status: string;
  functions: {
    status: string;
    scheduled: Array<{
      name: string;
      schedule: string;
      interval_seconds: number;
      last_succeeded_at: string | null;
      last_run: { status: string; trigger: string } | null;
      overdue: boolean;
    }>;
  };
}

describe("events-prune, and health reporting scheduled functions", () => {
  it("deletes events and deliveries older than 30 days; health shows the run and flags the functions still overdue", async () => {
    const before = await call<HealthBody>("GET", "/api/v1/health");
    expect(before.status).toBe(200);
    const names = backgroundFunctions.filter((fn) => fn.schedule).map((fn) => fn.name);
    expect(before.body.functions.scheduled.map((fn) => fn.name).sort()).toEqual([...names].sort());

    const suffix = Math.random().toString(36).slice(2, 10);
    const insertEvent = (id: string, age: string) =>
      query(
        `insert into events (id, merchant_id, environment, type, object_id, object_type, data, api_version, dispatched_at, created_at)
         values ($1, 'mer_prune', 'sandbox', 'customer.created', 'cus_prune', 'customer', '{}', '2026-11-01', now(), now() - $2::interval)`,
        [id, age],
      );
    await insertEvent(`evt_old${suffix}`, "31 days");
    await insertEvent(`evt_new${suffix}`, "29 days");
    await query(
      `insert into webhook_deliveries (id, merchant_id, environment, endpoint_id, event_id, event_type, status, attempt_count, created_at, updated_at)
       values ($1, 'mer_prune', 'sandbox', 'we_prune', $2, 'customer.created', 'failed', 1, now() - interval '31 days', now())`,
      [`whd_old${suffix}`, `evt_old${suffix}`],
    );
    await query(
      `insert into webhook_delivery_attempts (id, merchant_id, environment, delivery_id, number, trigger, status, scheduled_for, created_at)
       values ($1, 'mer_prune', 'sandbox', $2, 1, 'automatic', 'failed', now() - interval '31 days', now() - interval '31 days')`,
      [`wha_old${suffix}`, `whd_old${suffix}`],
    );

    const fired = await fetch(`${baseUrl()}/internal/dev/scheduled?cron=${encodeURIComponent("15 3 * * *")}`);
    expect(fired.status).toBe(200);
    const left = await query<{ id: string }>("select id from events where id in ($1, $2)", [
      `evt_old${suffix}`,
      `evt_new${suffix}`,
    ]);
    expect(left.map((row) => row.id)).toEqual([`evt_new${suffix}`]);
    expect(await query("select 1 from webhook_deliveries where id = $1", [`whd_old${suffix}`])).toEqual([]);
    expect(
      await query("select 1 from webhook_delivery_attempts where id = $1", [`wha_old${suffix}`]),
    ).toEqual([]);

    const askedFrom = Date.now();
    const after = await call<HealthBody>("GET", "/api/v1/health");
    const answeredBy = Date.now();
    // An overdue function is reported, never a 503: the API itself still serves.
    expect(after.status).toBe(200);
    expect(after.body.status).toBe("ok");
    const prune = after.body.functions.scheduled.find((fn) => fn.name === "events-prune");
    expect(prune).toMatchObject({ schedule: "15 3 * * *", interval_seconds: 86_400, overdue: false });
    expect(prune?.last_run).toMatchObject({ status: "succeeded", trigger: "cron" });
    expect(prune?.last_succeeded_at).not.toBeNull();
    const neverRun = after.body.functions.scheduled.filter((fn) => fn.last_succeeded_at === null);
    expect(neverRun.every((fn) => fn.overdue)).toBe(true);
    // Other test files run the other functions whenever they do, so whether a function that ran is
    // overdue depends on when: check the rule itself (no success within twice the interval), on a
    // bracket around the health call, rather than the overall status those runs happen to give.
    for (const fn of after.body.functions.scheduled) {
      if (fn.last_succeeded_at === null) continue;
      const allowedMs = 2 * fn.interval_seconds * 1000;
      if (answeredBy - Date.parse(fn.last_succeeded_at) <= allowedMs) expect(fn.overdue, fn.name).toBe(false);
      if (askedFrom - Date.parse(fn.last_succeeded_at) > allowedMs) expect(fn.overdue, fn.name).toBe(true);
    }
    const anyOverdue = after.body.functions.scheduled.some((fn) => fn.overdue);
    expect(after.body.functions.status).toBe(anyOverdue ? "overdue" : "ok");
  });
});

describe("function-runs-prune", () => {
  it("deletes finished runs past the retention, but keeps each function's latest run and latest success", async () => {
    const suffix = Math.random().toString(36).slice(2, 10);
    const idle = `test-idle-${suffix}`;
    const busy = `test-busy-${suffix}`;
    const insertRun = (id: string, name: string, status: string, age: string) =>
      query(
        `insert into function_runs (id, function_name, trigger, status, started_at, finished_at)
         values ($1, $2, 'cron', $3, now() - $4::interval,
                 case when $3 = 'running' then null else now() - $4::interval + interval '1 second' end)`,
        [`fnr_${suffix}${id}`, name, status, age],
      );
    // Idle since long ago: only the old runs that are neither its latest run nor its latest success go.
    await insertRun("i0", idle, "failed", "30 days");
    await insertRun("i1", idle, "succeeded", "20 days");
    await insertRun("i2", idle, "succeeded", "16 days");
    await insertRun("i3", idle, "failed", "15 days");
    // Still running on schedule: every finished run past 14 days goes; a stuck running row stays.
    await insertRun("b0", busy, "succeeded", "20 days");
    await insertRun("b1", busy, "running", "18 days");
    await insertRun("b2", busy, "failed", "15 days");
    await insertRun("b3", busy, "succeeded", "13 days");
    await insertRun("b4", busy, "succeeded", "1 hour");

    // A slot of its own (scheduledTime), so an hourly run other tests already made can't skip this one.
    const slot = Date.UTC(2000, 0, 1);
    const fired = await fetch(
      `${baseUrl()}/internal/dev/scheduled?cron=${encodeURIComponent("0 * * * *")}&time=${slot}`,
    );
    expect(fired.status).toBe(200);
    const [run] = await query<{ status: string }>(
      "select status from function_runs where function_name = 'function-runs-prune' and window_key = $1",
      [new Date(slot).toISOString().slice(0, 16)],
    );
    expect(run?.status).toBe("succeeded");

    const left = await query<{ id: string }>(
      "select id from function_runs where function_name = any($1) order by id",
      [[idle, busy]],
    );
    expect(left.map((row) => row.id.slice(`fnr_${suffix}`.length))).toEqual(["b1", "b3", "b4", "i2", "i3"]);
  });
});
