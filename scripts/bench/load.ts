// HTTP side of the bench: merchants signed up through the API, autocannon runs, and round trips
// per request read from the local adapters' counters by X-Request-Id. Dev tooling only.
import { setTimeout as sleep } from "node:timers/promises";
import autocannon from "autocannon";
import { fetchRoundTrips } from "../local-stack";
import { cpuMsPerRequest, cpuTicks } from "./cpu";
import type { Measurement, RoundTripSample } from "./options";

/** The bench's payment: card 4242…, confirmed, captured automatically (the payment scenarios, the settlement's template). */
export const BENCH_PAYMENT = {
  amount: 10_000,
  currency: "USD",
  confirm: true,
  capture_method: "automatic",
  payment_method_data: {
    type: "card",
    card: { number: "4242424242424242", exp_month: 12, exp_year: 2030, cvc: "123" },
  },
};

export interface BenchMerchant {
  merchantId: string;
  /** X-Api-Key / X-Api-Secret of a sandbox key pair. */
  headers: Record<string, string>;
}

async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/**
 * A merchant signed up the way test/harness.ts createMerchant() does: POST /auth/signup (202), the
 * token from the development mailbox to POST /auth/signup/verify, then one sandbox key pair.
 */
export async function signUpMerchant(baseUrl: string, index: number): Promise<BenchMerchant> {
  const email = `bench-${Date.now().toString(36)}-${process.pid}-${index}@example.com`;
  const started = await postJson(`${baseUrl}/api/v1/auth/signup`, {
    business_name: `Bench ${index}`,
    email,
    password: "bench password correct horse",
  });
  if (started.status !== 202) throw new Error(`signup: ${started.status} ${JSON.stringify(started.body)}`);
  const mailbox = await fetch(`${baseUrl}/internal/dev/mailbox?to=${encodeURIComponent(email)}`);
  const messages = ((await mailbox.json()) as { data?: { template: string; data: Record<string, string> }[] })
    .data;
  const token = messages?.find((message) => message.template === "signup_verification")?.data.token;
  if (!token) throw new Error(`no verification email for ${email}`);
  const verified = await postJson(`${baseUrl}/api/v1/auth/signup/verify`, { token });
  const session = verified.body as { token?: string; merchant?: { id?: string } };
  if (verified.status !== 200 || !session.token || !session.merchant?.id) {
    throw new Error(`signup verify: ${verified.status} ${JSON.stringify(verified.body)}`);
  }
  const key = await postJson(
    `${baseUrl}/api/v1/api-keys`,
    { environment: "sandbox", name: "bench" },
    { authorization: `Bearer ${session.token}` },
  );
  const pair = key.body as { key_id?: string; secret?: string };
  if (key.status !== 200 || !pair.key_id || !pair.secret) {
    throw new Error(`api key: ${key.status} ${JSON.stringify(key.body)}`);
  }
  return {
    merchantId: session.merchant.id,
    headers: { "x-api-key": pair.key_id, "x-api-secret": pair.secret },
  };
}

export interface HttpCall {
  method: "GET" | "POST";
  path: string;
  headers: Record<string, string>;
  body?: string;
}

async function send(baseUrl: string, call: HttpCall): Promise<Response> {
  const response = await fetch(`${baseUrl}${call.path}`, {
    method: call.method,
    headers: call.headers,
    ...(call.body !== undefined ? { body: call.body } : {}),
  });
  await response.arrayBuffer();
  return response;
}

/**
 * Round trips per request: a warm-up, then `samples` sequential requests (cycling through `calls`),
 * each one's counts read by its X-Request-Id once the work it left for after the response is done.
 */
export async function sampleRoundTrips(
  baseUrl: string,
  statsUrl: string,
  calls: HttpCall[],
  samples: number,
): Promise<RoundTripSample> {
  for (const call of calls) await send(baseUrl, call);
  const traces: string[] = [];
  let failed = 0;
  for (let i = 0; i < samples; i++) {
    const call = calls[i % calls.length];
    if (!call) break;
    const response = await send(baseUrl, call);
    if (!response.ok) failed += 1;
    const id = response.headers.get("x-request-id");
    if (id) traces.push(id);
  }
  // The `.after` work (event dispatch) runs in waitUntil after the response: let it finish.
  await sleep(1_000);
  const total = { dbHttp: 0, dbWs: 0, redis: 0, afterDb: 0, afterRedis: 0 };
  for (const trace of traces) {
    const on = await fetchRoundTrips(statsUrl, trace);
    const after = await fetchRoundTrips(statsUrl, `${trace}.after`);
    total.dbHttp += on.db_http;
    total.dbWs += on.db_ws;
    total.redis += on.redis;
    total.afterDb += after.db_http + after.db_ws;
    total.afterRedis += after.redis;
  }
  const per = (value: number) => (traces.length === 0 ? 0 : Math.round((value / traces.length) * 100) / 100);
  return {
    dbHttp: per(total.dbHttp),
    dbWs: per(total.dbWs),
    redis: per(total.redis),
    afterDb: per(total.afterDb),
    afterRedis: per(total.afterRedis),
    failed: failed + (samples - traces.length),
  };
}

/** autocannon for `seconds` at `connections`; several calls are spread across the connections' turns. */
export async function cannon(
  name: string,
  url: string,
  calls: HttpCall[],
  options: { seconds: number; connections: number },
): Promise<Measurement> {
  const first = calls[0];
  if (!first) throw new Error(`${name}: no request`);
  const cpuBefore = cpuTicks();
  const result = await autocannon({
    url,
    connections: options.connections,
    duration: options.seconds,
    workers: 1,
    method: first.method,
    headers: first.headers,
    ...(first.body !== undefined ? { body: first.body } : {}),
    ...(calls.length > 1
      ? {
          requests: calls.map((call) => ({
            method: call.method,
            path: call.path,
            headers: call.headers,
            ...(call.body !== undefined ? { body: call.body } : {}),
          })),
        }
      : {}),
  });
  const cpu = cpuMsPerRequest(cpuBefore, cpuTicks(), result.requests.total);
  return {
    name,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx,
    ...(cpu ? { cpu } : {}),
  };
}
