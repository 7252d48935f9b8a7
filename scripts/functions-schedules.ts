/**
 * `npm run functions:schedules`: creates or updates one QStash schedule per scheduled function of
 * the registry (functions/), or one per payload where the function lists them (deposit-poll: one
 * per chain), so a deploy needs no clicking. Schedule ids are deterministic (`magnetpay-<function>`,
 * then the payload's values), so running it again updates in place; schedules with that prefix
 * that the registry no longer asks for are deleted. Reads QSTASH_URL (default QStash), QSTASH_TOKEN, PUBLIC_URL.
 */
import { fileURLToPath } from "node:url";
import { Client } from "@upstash/qstash";
import { backgroundFunctions } from "../functions";
import type { BackgroundFunction } from "../src/core/background-functions";
import { functionUrl } from "../src/core/jobs";

export const SCHEDULE_PREFIX = "magnetpay-";

export interface ScheduleSyncOptions {
  qstashUrl: string;
  qstashToken: string;
  publicUrl: string;
  functions?: readonly BackgroundFunction[];
}

export interface ScheduleSyncResult {
  upserted: Array<{ scheduleId: string; cron: string; destination: string }>;
  deleted: string[];
}

/** `magnetpay-<function>`, then the payload's values for a function with one schedule per payload. */
export function scheduleId(fn: BackgroundFunction, payload: Record<string, string> = {}): string {
  return [`${SCHEDULE_PREFIX}${fn.name}`, ...Object.values(payload)].join("-");
}

/** Every schedule a registry asks for: one per payload of each scheduled function. */
export function wantedSchedules(functions: readonly BackgroundFunction[]) {
  return functions
    .filter((fn) => fn.schedule !== undefined)
    .flatMap((fn) =>
      (fn.schedulePayloads ?? [{}]).map((payload) => ({ fn, payload, id: scheduleId(fn, payload) })),
    );
}

export async function syncSchedules(options: ScheduleSyncOptions): Promise<ScheduleSyncResult> {
  const client = new Client({ baseUrl: options.qstashUrl, token: options.qstashToken });
  const upserted: ScheduleSyncResult["upserted"] = [];
  for (const { fn, payload, id } of wantedSchedules(options.functions ?? backgroundFunctions)) {
    const cron = fn.schedule ?? "";
    const destination = functionUrl(options.publicUrl, fn.name);
    await client.schedules.create({
      scheduleId: id,
      destination,
      cron,
      body: JSON.stringify(payload),
      headers: { "content-type": "application/json" },
      // A failed run answers 500; QStash retries it within the same run window.
      retries: 3,
    });
    upserted.push({ scheduleId: id, cron, destination });
  }
  const wanted = new Set(upserted.map((entry) => entry.scheduleId));
  const deleted: string[] = [];
  for (const schedule of await client.schedules.list()) {
    if (schedule.scheduleId.startsWith(SCHEDULE_PREFIX) && !wanted.has(schedule.scheduleId)) {
      await client.schedules.delete(schedule.scheduleId);
      deleted.push(schedule.scheduleId);
    }
  }
  return { upserted, deleted };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const qstashToken = process.env.QSTASH_TOKEN;
  const publicUrl = process.env.PUBLIC_URL;
  if (!qstashToken || !publicUrl) {
    console.error("Set QSTASH_TOKEN and PUBLIC_URL (and QSTASH_URL for a non-default QStash).");
    process.exit(1);
  }
  const result = await syncSchedules({
    qstashUrl: process.env.QSTASH_URL ?? "https://qstash.upstash.io",
    qstashToken,
    publicUrl,
  });
  for (const entry of result.upserted)
    console.log(`schedule ${entry.scheduleId}  "${entry.cron}"  ${entry.destination}`);
  for (const id of result.deleted) console.log(`deleted ${id} (no such function any more)`);
}
