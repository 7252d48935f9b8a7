import { Client } from "@upstash/qstash";
import { SignJWT } from "jose";
import { describe, expect, inject, it } from "vitest";
import { query } from "../test/db";
import type { ApiResponse } from "../test/harness";
import { baseUrl, expectError } from "../test/harness";

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
    await client.publishJSON({ url: target, body: {} });
    let runs: Array<{ status: string; trigger: string }> = [];
    for (let i = 0; i < 50 && runs.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      runs = await query(
        "select status, trigger from function_runs where function_name = 'idempotency-prune' and started_at > now() - interval '1 minute'",
      );
    }
    expect(runs.some((run) => run.status === "succeeded")).toBe(true);
  });

  it("the cron trigger runs every scheduled function once per window, whichever trigger came first", async () => {
    const fire = () =>
      fetch(`${baseUrl()}/cdn-cgi/handler/scheduled?cron=${encodeURIComponent("0 * * * *")}`);
    expect((await fire()).status).toBe(200);
    expect((await fire()).status).toBe(200);
    const runs = await query<{ function_name: string; runs: string }>(
      `select function_name, window_key, count(*) as runs from function_runs
        where window_key >= to_char((now() - interval '1 minute') at time zone 'utc', 'YYYY-MM-DD"T"HH24:MI')
        group by function_name, window_key`,
    );
    expect(new Set(runs.map((run) => run.function_name))).toEqual(
      new Set(["idempotency-prune", "sessions-prune"]),
    );
    expect(runs.every((run) => run.runs === "1")).toBe(true);
  });

  it("an unknown function is 404 once the signature checks out", async () => {
    const target = `${baseUrl()}/internal/functions/nope`;
    const signed = await signature({ url: target, body: "{}" });
    expectError(await post("nope", "{}", { "upstash-signature": signed }), 404, "function_unknown");
  });
});
