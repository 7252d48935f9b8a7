import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Client, Receiver } from "@upstash/qstash";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  defaultRetryDelayMs,
  evalRetryDelay,
  type LocalQStash,
  parseDuration,
  qstashBodyHash,
  signQStashJwt,
  startLocalQStash,
} from "./qstash-local";

const TOKEN = "qstash-test-token";
const CURRENT = "sig_currentTestKey123";
const NEXT = "sig_nextTestKey456";

interface Received {
  path: string;
  method: string;
  headers: IncomingMessage["headers"];
  body: string;
  signatureValid: boolean;
}

/** A destination that verifies every request with @upstash/qstash's Receiver and answers with `respond`. */
class Destination {
  received: Received[] = [];
  respond: (r: Received, index: number) => number | Promise<number> = () => 200;
  private server: Server | undefined;
  url = "";
  readonly receiver = new Receiver({ currentSigningKey: CURRENT, nextSigningKey: NEXT });

  async start(): Promise<void> {
    const server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", async () => {
        const body = Buffer.concat(chunks).toString("utf8");
        const signature = String(req.headers["upstash-signature"] ?? "");
        const url = `${this.url}${(req.url ?? "/").slice(1)}`;
        const signatureValid = await this.receiver.verify({ signature, body, url }).then(
          () => true,
          () => false,
        );
        const r: Received = {
          path: req.url ?? "/",
          method: req.method ?? "",
          headers: req.headers,
          body,
          signatureValid,
        };
        this.received.push(r);
        const status = signatureValid ? await this.respond(r, this.received.length - 1) : 401;
        res.writeHead(status, { "Content-Type": "text/plain" });
        res.end(status < 300 ? "ok" : "nope");
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  }

  reset(): void {
    this.received = [];
    this.respond = () => 200;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.close(() => resolve());
      this.server?.closeAllConnections();
    });
  }
}

let qstash: LocalQStash;
let client: Client;
const dest = new Destination();

beforeAll(async () => {
  await dest.start();
  // No real-time poller: everything below is driven by runDue/fastForward.
  qstash = await startLocalQStash({
    token: TOKEN,
    currentSigningKey: CURRENT,
    nextSigningKey: NEXT,
    pollIntervalMs: 0,
  });
  client = new Client({ baseUrl: qstash.url, token: TOKEN, retry: false });
});

afterEach(() => dest.reset());

afterAll(async () => {
  await qstash.close();
  await dest.stop();
});

describe("helpers", () => {
  it("parses QStash durations", () => {
    expect(parseDuration("10s")).toBe(10_000);
    expect(parseDuration("5m")).toBe(300_000);
    expect(parseDuration("1h30m")).toBe(5_400_000);
    expect(parseDuration("2d")).toBe(172_800_000);
    expect(parseDuration("250ms")).toBe(250);
    expect(parseDuration("30")).toBe(30_000);
    expect(parseDuration("10 seconds")).toBeUndefined();
    expect(parseDuration("")).toBeUndefined();
  });

  it("computes QStash's default backoff and custom retry delay expressions", () => {
    expect(defaultRetryDelayMs(1)).toBeCloseTo(Math.exp(2.5) * 1000); // ~12 s
    expect(defaultRetryDelayMs(2)).toBeCloseTo(Math.exp(5) * 1000); // ~2.5 min
    expect(defaultRetryDelayMs(10)).toBe(86_400_000); // capped at one day
    expect(evalRetryDelay("pow(2, retried) * 1000", 3)).toBe(8000);
    expect(evalRetryDelay("max(10, retried * 100) + 1", 1)).toBe(101);
    expect(() => evalRetryDelay("process.exit()", 1)).toThrow();
  });

  it("signs JWTs exactly in QStash's format", async () => {
    const jwt = await signQStashJwt({
      signingKey: CURRENT,
      url: "http://x.test/a",
      body: "{}",
      nowSeconds: 1_700_000_000,
    });
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: "HS256", typ: "JWT" });
    const claims = decodeJwt(jwt);
    expect(claims).toMatchObject({
      iss: "Upstash",
      sub: "http://x.test/a",
      iat: 1_700_000_000,
      nbf: 1_700_000_000,
      exp: 1_700_000_300,
      body: qstashBodyHash("{}"),
    });
    expect(claims.jti).toMatch(/^jwt_/);
    // base64url of SHA-256, with the "=" padding QStash keeps.
    expect(qstashBodyHash("{}")).toBe("RBNvo1WzZ4oRRq0W9-hknpT7T8If536DEMBg9hyq_4o=");
  });
});

describe("publish", () => {
  it("delivers a delayed publishJSON with a signature the Receiver accepts", async () => {
    const { messageId } = await client.publishJSON({
      url: `${dest.url}jobs/fx-refresh?src=test`,
      body: { merchant: "m_1", amount: 1999 },
      delay: "10s",
      headers: { "X-Trace": "abc" },
    });
    expect(messageId).toMatch(/^msg_/);

    await qstash.runDue();
    expect(dest.received).toHaveLength(0);
    await qstash.fastForward(9_000);
    expect(dest.received).toHaveLength(0);
    await qstash.fastForward(1_000);
    expect(dest.received).toHaveLength(1);

    const r = dest.received[0];
    expect(r?.signatureValid).toBe(true);
    expect(r?.path).toBe("/jobs/fx-refresh?src=test");
    expect(r?.method).toBe("POST");
    expect(JSON.parse(r?.body ?? "")).toEqual({ merchant: "m_1", amount: 1999 });
    expect(r?.headers["content-type"]).toBe("application/json");
    expect(r?.headers["x-trace"]).toBe("abc");
    expect(r?.headers["upstash-message-id"]).toBe(messageId);
    expect(r?.headers["upstash-retried"]).toBe("0");
    expect(r?.headers["user-agent"]).toBe("Upstash-QStash");

    const m = qstash.messages().find((x) => x.id === messageId);
    expect(m).toMatchObject({ status: "delivered", attempts: 1, retried: 0 });
  });

  it("retries failures with QStash's backoff, then succeeds", async () => {
    dest.respond = (_r, i) => (i < 2 ? 500 : 200); // fail twice
    const { messageId } = await client.publishJSON({ url: `${dest.url}retry`, body: { n: 1 }, retries: 3 });

    await qstash.runDue();
    let m = qstash.messages().find((x) => x.id === messageId);
    expect(m).toMatchObject({ status: "pending", attempts: 1, retried: 1, lastError: "HTTP 500: nope" });
    // First retry is due e^2.5 s (~12.2 s) later, not before.
    expect((m?.nextDeliveryAt ?? 0) - qstash.now()).toBeGreaterThan(11_000);
    await qstash.fastForward(11_000);
    expect(dest.received).toHaveLength(1);
    await qstash.fastForward(1_500);
    expect(dest.received).toHaveLength(2);

    // The second retry (~148 s later) happens inside a longer jump, without sleeping.
    await qstash.fastForward(60 * 60 * 1000);
    expect(dest.received.map((r) => r.headers["upstash-retried"])).toEqual(["0", "1", "2"]);
    expect(dest.received.every((r) => r.signatureValid)).toBe(true);
    m = qstash.messages().find((x) => x.id === messageId);
    expect(m).toMatchObject({ status: "delivered", attempts: 3, retried: 2 });
    expect(m?.lastError).toBeUndefined();
  });

  it("moves a message to the DLQ when retries are exhausted", async () => {
    dest.respond = () => 503;
    const { messageId } = await client.publish({ url: `${dest.url}always-fails`, body: "x", retries: 2 });
    await qstash.fastForward(24 * 60 * 60 * 1000);
    expect(dest.received).toHaveLength(3);
    const m = qstash.messages().find((x) => x.id === messageId);
    expect(m).toMatchObject({ status: "failed", attempts: 3, lastResponseStatus: 503 });
    expect(qstash.dlq().map((x) => x.id)).toContain(messageId);

    const { messages } = await client.dlq.listMessages();
    const entry = messages.find((x) => x.messageId === messageId);
    expect(entry).toMatchObject({ url: `${dest.url}always-fails`, responseStatus: 503 });
    await client.dlq.delete(entry?.dlqId ?? "");
    expect(qstash.dlq().map((x) => x.id)).not.toContain(messageId);
  });

  it("treats network errors and timeouts as failures", async () => {
    const { messageId } = await client.publish({
      url: "http://127.0.0.1:1/nothing-listens",
      body: "x",
      retries: 0,
    });
    await qstash.runDue();
    expect(qstash.messages().find((x) => x.id === messageId)).toMatchObject({
      status: "failed",
      attempts: 1,
    });

    dest.respond = () => new Promise((resolve) => setTimeout(() => resolve(200), 3000));
    const slow = await client.publish({ url: `${dest.url}slow`, body: "x", retries: 0, timeout: "1s" });
    await qstash.runDue();
    const m = qstash.messages().find((x) => x.id === slow.messageId);
    expect(m?.status).toBe("failed");
    expect(m?.lastError).toMatch(/TimeoutError|aborted/i);
  });

  it("publishes a deduplicated message only once", async () => {
    const first = await client.publishJSON({
      url: `${dest.url}dedup`,
      body: { a: 1 },
      deduplicationId: "pay_123",
    });
    const second = await client.publishJSON({
      url: `${dest.url}dedup`,
      body: { a: 2 },
      deduplicationId: "pay_123",
    });
    expect(second.messageId).toBe(first.messageId);
    expect((second as { deduplicated?: boolean }).deduplicated).toBe(true);

    const c1 = await client.publishJSON({
      url: `${dest.url}dedup`,
      body: { c: 1 },
      contentBasedDeduplication: true,
    });
    const c2 = await client.publishJSON({
      url: `${dest.url}dedup`,
      body: { c: 1 },
      contentBasedDeduplication: true,
    });
    const c3 = await client.publishJSON({
      url: `${dest.url}dedup`,
      body: { c: 2 },
      contentBasedDeduplication: true,
    });
    expect(c2.messageId).toBe(c1.messageId);
    expect(c3.messageId).not.toBe(c1.messageId);

    await qstash.runDue();
    expect(dest.received.map((r) => r.body)).toEqual(['{"a":1}', '{"c":1}', '{"c":2}']);
  });

  it("gets and cancels pending messages", async () => {
    const { messageId } = await client.publishJSON({ url: `${dest.url}later`, body: { x: 1 }, delay: 60 });
    const got = await client.messages.get(messageId);
    expect(got).toMatchObject({ messageId, url: `${dest.url}later`, method: "POST", body: '{"x":1}' });
    await client.messages.delete(messageId);
    await qstash.fastForward(120_000);
    expect(dest.received).toHaveLength(0);
    expect(qstash.messages().find((x) => x.id === messageId)?.status).toBe("cancelled");
    await expect(client.messages.get(messageId)).rejects.toThrow(/not found/);
  });

  it("fast-forwards only the messages whose body matches, keeping their spacing; the others wait in real time", async () => {
    const publish = async (path: string, merchant: string, delay: number) =>
      (await client.publishJSON({ url: `${dest.url}${path}`, body: { merchant_id: merchant }, delay }))
        .messageId;
    const first = await publish("mine-1", "mer_A", 3_600);
    const second = await publish("mine-2", "mer_A", 3 * 3_600);
    const other = await publish("other", "mer_B", 3_600);
    try {
      const clockBefore = qstash.now();
      // Two hours reach the first (one hour away), not the second (three).
      await qstash.fastForward(2 * 3_600_000, { match: "mer_A" });
      expect(dest.received.map((r) => r.path)).toEqual(["/mine-1"]);
      // The second is now about two hours away (give or take the milliseconds the calls took).
      await qstash.fastForward(3 * 3_600_000, { match: "mer_A" });
      expect(dest.received.map((r) => r.path)).toEqual(["/mine-1", "/mine-2"]);
      expect(qstash.now() - clockBefore).toBeLessThan(60_000);
      const byId = new Map(qstash.messages().map((message) => [message.id, message]));
      const spacing = (id: string) => (byId.get(id)?.nextDeliveryAt ?? 0) - (byId.get(id)?.createdAt ?? 0);
      expect(spacing(first)).toBe(3_600_000);
      expect(spacing(second)).toBe(3 * 3_600_000);
      expect(byId.get(other)?.status).toBe("pending");
    } finally {
      await client.messages.delete(other);
    }
  });

  it("requires the bearer token", async () => {
    const bad = new Client({ baseUrl: qstash.url, token: "wrong", retry: false });
    await expect(bad.publishJSON({ url: `${dest.url}x`, body: {} })).rejects.toThrow(/Unauthorized/);
  });
});

describe("schedules", () => {
  it("creates a cron schedule that fires on fastForward, and can be deleted", async () => {
    const { scheduleId } = await client.schedules.create({
      destination: `${dest.url}cron/settlement`,
      cron: "*/5 * * * *",
      body: JSON.stringify({ job: "settlement" }),
      headers: { "Content-Type": "application/json" },
    });
    expect(scheduleId).toMatch(/^scd_/);
    const listed = await client.schedules.list();
    expect(listed.map((s) => s.scheduleId)).toContain(scheduleId);
    const got = await client.schedules.get(scheduleId);
    expect(got).toMatchObject({ scheduleId, cron: "*/5 * * * *", destination: `${dest.url}cron/settlement` });
    expect(got.nextScheduleTime).toBeGreaterThan(qstash.now() - 1);

    await qstash.fastForward(5 * 60 * 1000);
    expect(dest.received).toHaveLength(1);
    await qstash.fastForward(10 * 60 * 1000);
    expect(dest.received).toHaveLength(3);
    for (const r of dest.received) {
      expect(r.signatureValid).toBe(true);
      expect(r.headers["upstash-schedule-id"]).toBe(scheduleId);
      expect(JSON.parse(r.body)).toEqual({ job: "settlement" });
    }

    // Upsert with the same id keeps one schedule.
    await client.schedules.create({
      destination: `${dest.url}cron/settlement`,
      cron: "0 * * * *",
      scheduleId,
    });
    expect((await client.schedules.list()).filter((s) => s.scheduleId === scheduleId)).toHaveLength(1);

    await client.schedules.delete(scheduleId);
    await qstash.fastForward(2 * 60 * 60 * 1000);
    expect(dest.received).toHaveLength(3);
    await expect(client.schedules.get(scheduleId)).rejects.toThrow(/not found/);
  });

  it("rejects invalid crons", async () => {
    await expect(
      client.schedules.create({ destination: `${dest.url}x`, cron: "every minute" }),
    ).rejects.toThrow(/invalid cron/);
  });
});

describe("signatures", () => {
  it("are rejected by the Receiver when body, url or token are tampered with", async () => {
    await client.publishJSON({ url: `${dest.url}sig`, body: { amount: 100 } });
    await qstash.runDue();
    const r = dest.received[0];
    const signature = String(r?.headers["upstash-signature"]);
    const body = r?.body ?? "";
    const url = `${dest.url}sig`;
    const receiver = new Receiver({ currentSigningKey: CURRENT, nextSigningKey: NEXT });

    await expect(receiver.verify({ signature, body, url })).resolves.toBe(true);
    await expect(receiver.verify({ signature, body: body.replace("100", "900"), url })).rejects.toThrow(
      /body hash/,
    );
    await expect(receiver.verify({ signature, body, url: `${dest.url}other` })).rejects.toThrow(
      /invalid subject/,
    );

    const [h, p, s] = signature.split(".");
    const claims = JSON.parse(Buffer.from(p ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
    const forgedPayload = Buffer.from(JSON.stringify({ ...claims, sub: `${dest.url}admin` })).toString(
      "base64url",
    );
    await expect(
      receiver.verify({ signature: `${h}.${forgedPayload}.${s}`, body, url: `${dest.url}admin` }),
    ).rejects.toThrow();

    const otherKeys = new Receiver({ currentSigningKey: "sig_other1", nextSigningKey: "sig_other2" });
    await expect(otherKeys.verify({ signature, body, url })).rejects.toThrow();
    // Key rotation: a receiver that already has our key as its *next* key still accepts.
    const rotated = new Receiver({ currentSigningKey: "sig_other1", nextSigningKey: CURRENT });
    await expect(rotated.verify({ signature, body, url })).resolves.toBe(true);
  });
});

describe("control endpoints (for tests in another process)", () => {
  it("fast-forwards and lists messages over HTTP", async () => {
    const auth = { Authorization: `Bearer ${TOKEN}` };
    const { messageId } = await client.publishJSON({ url: `${dest.url}remote`, body: {}, delay: "1h" });
    const before = (await (await fetch(`${qstash.url}/local/now`, { headers: auth })).json()) as {
      now: number;
    };
    const ff = await fetch(`${qstash.url}/local/fast-forward`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ ms: 60 * 60 * 1000 }),
    });
    expect(ff.status).toBe(200);
    expect(((await ff.json()) as { now: number }).now).toBeGreaterThanOrEqual(before.now + 3_600_000);
    expect(dest.received).toHaveLength(1);
    const list = (await (await fetch(`${qstash.url}/local/messages`, { headers: auth })).json()) as {
      messages: { id: string; status: string }[];
    };
    expect(list.messages.find((m) => m.id === messageId)?.status).toBe("delivered");
    expect(
      (await fetch(`${qstash.url}/local/fast-forward?ms=-1`, { method: "POST", headers: auth })).status,
    ).toBe(400);
    expect((await fetch(`${qstash.url}/local/run-due`, { method: "POST" })).status).toBe(401);
  });
});

describe("real-time delivery", () => {
  it("delivers due messages without fastForward when the poller runs", async () => {
    const live = await startLocalQStash({ token: TOKEN, currentSigningKey: CURRENT, nextSigningKey: NEXT });
    try {
      const liveClient = new Client({ baseUrl: live.url, token: TOKEN, retry: false });
      await liveClient.publishJSON({ url: `${dest.url}now`, body: { now: true } });
      await expect.poll(() => dest.received.length, { timeout: 3000 }).toBe(1);
      expect(dest.received[0]?.signatureValid).toBe(true);
    } finally {
      await live.close();
    }
  });
});
