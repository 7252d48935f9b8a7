import { execFile } from "node:child_process";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { promisify } from "node:util";
import { Client, Receiver } from "@upstash/qstash";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backgroundFunctions } from "../functions";
import { SCHEDULE_PREFIX, syncSchedules, wantedSchedules } from "./functions-schedules";
import { type LocalQStash, startLocalQStash } from "./local-stack";

// What `npm run functions:schedules` runs (tsx), without npm's and npx's start-up on top: on a
// loaded machine those made two runs take half the test's time budget.
const SCRIPT = ["--import", "tsx", "scripts/functions-schedules.ts"];

const keys = { token: "test-token", currentSigningKey: "sig_current_test", nextSigningKey: "sig_next_test" };

interface Call {
  path: string;
  body: string;
  signature: string;
}

describe("npm run functions:schedules", () => {
  // A QStash of its own (delivering only when told) and a stand-in for the Worker, so moving this
  // QStash's clock never fires anything in the shared test stack.
  let qstash: LocalQStash;
  let publicUrl: string;
  const calls: Call[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      calls.push({
        path: request.url ?? "",
        body: Buffer.concat(chunks).toString("utf8"),
        signature: String(request.headers["upstash-signature"] ?? ""),
      });
      response.end("{}");
    });
  });

  beforeAll(async () => {
    qstash = await startLocalQStash({ ...keys, pollIntervalMs: 0 });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    publicUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await qstash.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const scheduled = backgroundFunctions.filter((fn) => fn.schedule !== undefined);
  const wanted = wantedSchedules(backgroundFunctions);

  it("creates one schedule per scheduled function, updates them in place, and removes stale ones", async () => {
    const client = new Client({ baseUrl: qstash.url, token: keys.token });
    await client.schedules.create({
      scheduleId: `${SCHEDULE_PREFIX}retired-function`,
      destination: `${publicUrl}/internal/functions/retired-function`,
      cron: "0 0 * * *",
    });
    await client.schedules.create({
      scheduleId: "someone-else",
      destination: `${publicUrl}/x`,
      cron: "0 0 * * *",
    });

    const options = { qstashUrl: qstash.url, qstashToken: keys.token, publicUrl };
    const first = await syncSchedules(options);
    expect(first.deleted).toEqual([`${SCHEDULE_PREFIX}retired-function`]);
    const second = await syncSchedules(options);
    expect(second.deleted).toEqual([]);
    expect(second.upserted).toEqual(first.upserted);

    const schedules = qstash.schedules();
    expect(schedules.map((s) => s.scheduleId).sort()).toEqual(
      [...wanted.map((entry) => entry.id), "someone-else"].sort(),
    );
    for (const { fn, id } of wanted) {
      const schedule = schedules.find((s) => s.scheduleId === id);
      expect(schedule).toMatchObject({
        cron: fn.schedule,
        destination: `${publicUrl}/internal/functions/${fn.name}`,
        method: "POST",
      });
    }
    // deposit-poll: one schedule per chain, so a slow chain never delays another.
    const polls = wanted.filter((entry) => entry.fn.name === "deposit-poll");
    expect(polls.map((entry) => entry.id)).toContain(`${SCHEDULE_PREFIX}deposit-poll-base`);
    expect(polls.length).toBeGreaterThanOrEqual(8);
  });

  it("the schedules call the functions' endpoints with QStash-signed JSON bodies: {} or their payload", async () => {
    await qstash.fastForward(61_000);
    const receiver = new Receiver({
      currentSigningKey: keys.currentSigningKey,
      nextSigningKey: keys.nextSigningKey,
    });
    const everyMinute = scheduled.filter((fn) => fn.schedule === "* * * * *").map((fn) => fn.name);
    expect(everyMinute).toContain("webhook-sweep");
    for (const { fn, payload } of wanted.filter((entry) => everyMinute.includes(entry.fn.name))) {
      const name = fn.name;
      const body = JSON.stringify(payload);
      const call = calls.find((c) => c.path === `/internal/functions/${name}` && c.body === body);
      if (!call) throw new Error(`${name} was not called with ${body}`);
      expect(
        await receiver.verify({
          signature: call.signature,
          body: call.body,
          url: `${publicUrl}/internal/functions/${name}`,
        }),
      ).toBe(true);
    }
  });

  it("runs as a command reading QSTASH_URL, QSTASH_TOKEN and PUBLIC_URL", async () => {
    const { stdout } = await promisify(execFile)(process.execPath, SCRIPT, {
      env: { ...process.env, QSTASH_URL: qstash.url, QSTASH_TOKEN: keys.token, PUBLIC_URL: publicUrl },
    });
    for (const fn of scheduled) expect(stdout).toContain(`${SCHEDULE_PREFIX}${fn.name}`);
    await expect(
      promisify(execFile)(process.execPath, SCRIPT, {
        env: { ...process.env, QSTASH_TOKEN: "", PUBLIC_URL: "" },
      }),
    ).rejects.toThrow();
    // Two cold tsx starts of the whole registry: slow on a loaded 2-core machine.
  }, 90_000);
});
