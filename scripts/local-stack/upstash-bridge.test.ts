import { randomBytes } from "node:crypto";
import { Ratelimit } from "@upstash/ratelimit";
import { Redis } from "@upstash/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisAnswers, startUpstashBridge, type UpstashBridge } from "./upstash-bridge";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const TOKEN = "test-token";
// The limiters' windows start at multiples of their length since 1970; one longer than that has its
// first edge centuries ahead, so a run of calls can never straddle one.
const EDGELESS_WINDOW = "10000000000 s";
// Without a Redis server the bridge would quietly fall back to memory: the real-Redis suite is
// then reported as skipped, with the reason in its name, instead of passing on the wrong backend.
const REAL_REDIS = await redisAnswers(REDIS_URL);

/** The bridge's behaviour, the same on either backend. */
function bridgeSuite({
  forceMemory,
  expected,
}: {
  forceMemory: boolean;
  expected: "redis" | "memory";
}): void {
  let bridge: UpstashBridge;
  let redis: Redis;
  let prefix: string;
  const k = (name: string) => `${prefix}${name}`;

  beforeAll(async () => {
    bridge = await startUpstashBridge({ token: TOKEN, redisUrl: REDIS_URL, forceMemory });
    redis = new Redis({ url: bridge.url, token: TOKEN });
    prefix = `lsx:${randomBytes(4).toString("hex")}:`;
  });

  afterAll(async () => {
    if (bridge.backend === "redis") {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
    }
    await bridge.close();
  });

  it(`uses the ${expected} backend`, () => {
    expect(bridge.backend).toBe(expected);
  });

  it("counts one round trip per REST call, a pipeline or transaction included, under its trace", async () => {
    const trace = `req_redis_${randomBytes(4).toString("hex")}`;
    // The trace in the base URL: @upstash/redis has no option for extra headers.
    const traced = new Redis({ url: `${bridge.url}/trace/${trace}`, token: TOKEN });
    await traced.set(k("rt"), "1");
    await traced.get(k("rt"));
    await traced.pipeline().incr(k("rt")).get(k("rt")).exec();
    await traced.multi().incr(k("rt")).expire(k("rt"), 60).exec();
    expect(await traced.get(k("rt"))).toBe(3);
    // The header form, for clients that can set one.
    const res = await fetch(`${bridge.url}/get/${encodeURIComponent(k("rt"))}`, {
      headers: { Authorization: `Bearer ${TOKEN}`, "X-MagnetPay-Trace": trace },
    });
    expect(await res.json()).toEqual({ result: "3" });
    expect(bridge.roundTrips.forTrace(trace)).toEqual({ trace, db_http: 0, db_ws: 0, redis: 6 });
  });

  it("delays every REST call by the injected latency", async () => {
    bridge.roundTrips.setLatency({ redisRttMs: 100 });
    try {
      const started = performance.now();
      await redis.get(k("missing"));
      await redis.get(k("missing"));
      // A lower bound only: the delay is a sleep, so it can never take less.
      expect(performance.now() - started).toBeGreaterThanOrEqual(2 * 100);
    } finally {
      bridge.roundTrips.setLatency({ redisRttMs: 0 });
    }
  });

  it("get / set / incr / expire / ttl", async () => {
    expect(await redis.set(k("s"), "héllo wörld")).toBe("OK");
    expect(await redis.get(k("s"))).toBe("héllo wörld");
    expect(await redis.get(k("missing"))).toBeNull();
    expect(await redis.incr(k("n"))).toBe(1);
    expect(await redis.incrby(k("n"), 41)).toBe(42);
    expect(await redis.expire(k("n"), 100)).toBe(1);
    const ttl = await redis.ttl(k("n"));
    expect(ttl).toBeGreaterThan(90);
    expect(ttl).toBeLessThanOrEqual(100);
    expect(await redis.set(k("nx"), "1", { nx: true, ex: 60 })).toBe("OK");
    expect(await redis.set(k("nx"), "2", { nx: true, ex: 60 })).toBeNull();
    expect(await redis.del(k("s"), k("nx"))).toBe(2);
  });

  it("round-trips JSON values, hashes and lists", async () => {
    await redis.set(k("json"), { id: "pay_1", amount: 1999, tags: ["a", "é"] });
    expect(await redis.get(k("json"))).toEqual({ id: "pay_1", amount: 1999, tags: ["a", "é"] });
    expect(await redis.hset(k("h"), { a: "1", b: "two" })).toBe(2);
    expect(await redis.hgetall(k("h"))).toEqual({ a: 1, b: "two" });
    expect(await redis.hmget(k("h"), "a", "nope")).toEqual({ a: 1, nope: null });
    expect(await redis.rpush(k("l"), "x", "y", "z")).toBe(3);
    expect(await redis.lrange(k("l"), 0, -1)).toEqual(["x", "y", "z"]);
    expect(await redis.mget(k("json"), k("missing"))).toEqual([
      { id: "pay_1", amount: 1999, tags: ["a", "é"] },
      null,
    ]);
  });

  it("pipeline", async () => {
    const results = await redis.pipeline().set(k("p"), 1).incr(k("p")).get(k("p")).exec();
    expect(results).toEqual(["OK", 2, 2]);
    // Per-command errors come back in place, without failing the other commands.
    const withErrors = await redis
      .pipeline()
      .set(k("str"), "not a number")
      .incr(k("str"))
      .get(k("str"))
      .exec({ keepErrors: true });
    expect(withErrors[0]?.result).toBe("OK");
    expect(withErrors[2]?.result).toBe("not a number");
    expect(withErrors[1]?.error).toMatch(/not an integer/);
    await redis.hset(k("hash"), { f: "v" });
    await expect(redis.get(k("hash"))).rejects.toThrow(/WRONGTYPE/);
  });

  it("multi (transaction)", async () => {
    const results = await redis.multi().set(k("m"), 10).incrby(k("m"), 5).get(k("m")).exec();
    expect(results).toEqual(["OK", 15, 15]);
  });

  it("eval, scriptLoad, evalsha, and NOSCRIPT for unknown scripts", async () => {
    expect(await redis.eval("return {KEYS[1], ARGV[1], 7}", [k("e")], ["arg"])).toEqual([k("e"), "arg", 7]);
    expect(await redis.eval("return redis.call('INCRBY', KEYS[1], ARGV[1])", [k("e2")], [5])).toBe(5);
    // Lua false -> nil, like Redis.
    expect(await redis.eval("return redis.call('GET', KEYS[1])", [k("nothing")], [])).toBeNull();

    const sha = await redis.scriptLoad("return tonumber(ARGV[1]) * 2");
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(await redis.evalsha(sha, [], [21])).toBe(42);
    expect(await redis.scriptExists(sha, "0".repeat(40))).toEqual([1, 0]);
    await expect(redis.evalsha("f".repeat(40), [], [])).rejects.toThrow(/^.*NOSCRIPT/);
  });

  it("@upstash/ratelimit slidingWindow and fixedWindow hit the limit", async () => {
    // Long windows: windows are aligned to the epoch, and a boundary falling between two calls
    // would refill the budget (a sliding window weighs the previous one down) and flake the test.
    for (const [name, limiter] of [
      ["slidingWindow", Ratelimit.slidingWindow(3, EDGELESS_WINDOW)],
      ["fixedWindow", Ratelimit.fixedWindow(3, EDGELESS_WINDOW)],
      ["tokenBucket", Ratelimit.tokenBucket(3, EDGELESS_WINDOW, 3)],
    ] as const) {
      const ratelimit = new Ratelimit({ redis, limiter, prefix: k(`rl:${name}`) });
      const outcomes: boolean[] = [];
      const remaining: number[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await ratelimit.limit("merchant_1");
        outcomes.push(r.success);
        remaining.push(r.remaining);
        expect(r.limit, name).toBe(3);
        expect(r.reset, name).toBeGreaterThan(Date.now() - 1000);
      }
      expect(outcomes, name).toEqual([true, true, true, false, false]);
      expect(remaining, name).toEqual([2, 1, 0, 0, 0]);
      // Another identifier has its own budget.
      expect((await ratelimit.limit("merchant_2")).success, name).toBe(true);
    }
  });

  it("ratelimit works from a cold script cache (EVALSHA -> NOSCRIPT -> EVAL)", async () => {
    // A fresh bridge knows no scripts, so the first call takes the NOSCRIPT fallback path.
    const fresh = await startUpstashBridge({ token: TOKEN, redisUrl: REDIS_URL, forceMemory });
    try {
      if (fresh.backend === "redis") {
        await fetch(fresh.url, {
          method: "POST",
          headers: { Authorization: `Bearer ${TOKEN}` },
          body: JSON.stringify(["SCRIPT", "FLUSH"]),
        });
      }
      const client = new Redis({ url: fresh.url, token: TOKEN });
      const rl = new Ratelimit({
        redis: client,
        limiter: Ratelimit.fixedWindow(1, EDGELESS_WINDOW),
        prefix: k("rl:cold"),
      });
      expect((await rl.limit("a")).success).toBe(true);
      expect((await rl.limit("a")).success).toBe(false);
    } finally {
      await fresh.close();
    }
  });

  it("requires the bearer token", async () => {
    const res = await fetch(bridge.url, { method: "POST", body: JSON.stringify(["PING"]) });
    expect(res.status).toBe(401);
    const wrong = await fetch(bridge.url, {
      method: "POST",
      headers: { Authorization: "Bearer nope" },
      body: JSON.stringify(["PING"]),
    });
    expect(wrong.status).toBe(401);
    await expect(new Redis({ url: bridge.url, token: "nope", retry: false }).get(k("x"))).rejects.toThrow(
      /Unauthorized/,
    );
  });

  it("speaks the raw REST protocol (JSON body, path style, base64, errors)", async () => {
    const auth = { Authorization: `Bearer ${TOKEN}` };
    const post = async (path: string, body: unknown, headers: Record<string, string> = {}) => {
      const res = await fetch(`${bridge.url}${path}`, {
        method: "POST",
        headers: { ...auth, ...headers },
        body: JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as unknown };
    };
    expect(await post("/", ["SET", k("raw"), "vålue"])).toEqual({ status: 200, json: { result: "OK" } });
    expect(await post("/", ["GET", k("raw")])).toEqual({ status: 200, json: { result: "vålue" } });
    // Upstash-Encoding: base64 encodes every string (at any depth) as base64 of its UTF-8 bytes.
    expect(await post("/", ["GET", k("raw")], { "Upstash-Encoding": "base64" })).toEqual({
      status: 200,
      json: { result: Buffer.from("vålue").toString("base64") },
    });
    await post("/", ["RPUSH", k("rawl"), "a", "b"]);
    expect(await post("/", ["LRANGE", k("rawl"), 0, -1], { "Upstash-Encoding": "base64" })).toEqual({
      status: 200,
      json: { result: ["YQ==", "Yg=="] },
    });
    expect(await post("/", ["INCR", k("rawn")], { "Upstash-Encoding": "base64" })).toEqual({
      status: 200,
      json: { result: 1 },
    });
    expect(await post("/", ["GET", k("nothing")], { "Upstash-Encoding": "base64" })).toEqual({
      status: 200,
      json: { result: null },
    });

    const path = await fetch(`${bridge.url}/get/${encodeURIComponent(k("raw"))}`, { headers: auth });
    expect(await path.json()).toEqual({ result: "vålue" });
    const pathSet = await fetch(`${bridge.url}/set/${encodeURIComponent(k("raw2"))}`, {
      method: "POST",
      headers: auth,
      body: "from body",
    });
    expect(await pathSet.json()).toEqual({ result: "OK" });
    expect(await redis.get(k("raw2"))).toBe("from body");

    const bad = await post("/", ["NOSUCHCOMMAND", "x"]);
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ error: expect.stringMatching(/unknown command/i) });
    expect((await post("/", { not: "an array" })).status).toBe(400);
    expect((await post("/", ["SUBSCRIBE", "chan"])).status).toBe(400);

    const pipe = await post("/pipeline", [["SET", k("pp"), "1"], ["NOSUCHCOMMAND"], ["GET", k("pp")]]);
    expect(pipe.status).toBe(200);
    expect(pipe.json).toEqual([
      { result: "OK" },
      { error: expect.stringMatching(/unknown command/i) },
      { result: "1" },
    ]);
  });
}

describe.skipIf(!REAL_REDIS)(
  REAL_REDIS
    ? "Upstash REST bridge on real Redis"
    : `Upstash REST bridge on real Redis (skipped: no Redis answers at ${REDIS_URL})`,
  () => bridgeSuite({ forceMemory: false, expected: "redis" }),
);
describe("Upstash REST bridge on in-memory", () => bridgeSuite({ forceMemory: true, expected: "memory" }));

describe("in-memory backend", () => {
  it("keeps each bridge's data separate", async () => {
    const a = await startUpstashBridge({ token: TOKEN, forceMemory: true });
    const b = await startUpstashBridge({ token: TOKEN, forceMemory: true });
    try {
      await new Redis({ url: a.url, token: TOKEN }).set("shared-key", "a");
      expect(await new Redis({ url: b.url, token: TOKEN }).get("shared-key")).toBeNull();
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("is used when Redis is unreachable, unless Redis is required", async () => {
    const fallback = await startUpstashBridge({
      token: TOKEN,
      redisUrl: "redis://127.0.0.1:1",
      connectTimeoutMs: 500,
    });
    try {
      expect(fallback.backend).toBe("memory");
      expect(await new Redis({ url: fallback.url, token: TOKEN }).set("k", "v")).toBe("OK");
    } finally {
      await fallback.close();
    }
    await expect(
      startUpstashBridge({
        token: TOKEN,
        redisUrl: "redis://127.0.0.1:1",
        connectTimeoutMs: 500,
        requireRedis: true,
      }),
    ).rejects.toThrow(/cannot reach Redis at redis:\/\/127\.0\.0\.1:1/);
  });
});
