import { describe, expect, it } from "vitest";
import { latencyFromEnv, normalizeTrace, RoundTrips, startRoundTripStats } from "./roundtrips";

describe("RoundTrips", () => {
  it("counts per trace and in total", () => {
    const rt = new RoundTrips();
    rt.record("db_http", "req_a");
    rt.record("db_http", "req_a");
    rt.record("redis", "req_a");
    rt.record("db_ws", "none");
    expect(rt.forTrace("req_a")).toEqual({ trace: "req_a", db_http: 2, db_ws: 0, redis: 1 });
    expect(rt.forTrace("req_other")).toEqual({ trace: "req_other", db_http: 0, db_ws: 0, redis: 0 });
    expect(rt.totals()).toEqual({ db_http: 2, db_ws: 1, redis: 1, traces: 2 });
    rt.reset();
    expect(rt.totals()).toEqual({ db_http: 0, db_ws: 0, redis: 0, traces: 0 });
  });

  it("forgets the least recently used trace beyond its bound, but not its totals", () => {
    const rt = new RoundTrips({ maxTraces: 2 });
    rt.record("db_http", "a");
    rt.record("db_http", "b");
    rt.record("redis", "a");
    rt.record("db_ws", "c");
    expect(rt.forTrace("b")).toMatchObject({ db_http: 0 });
    expect(rt.forTrace("a")).toMatchObject({ db_http: 1, redis: 1 });
    expect(rt.totals()).toEqual({ db_http: 2, db_ws: 1, redis: 1, traces: 2 });
  });

  it("takes the trace as given, with absent traces under none and long ones cut", () => {
    expect(normalizeTrace("req_1")).toBe("req_1");
    expect(normalizeTrace(["req_2", "req_3"])).toBe("req_2");
    expect(normalizeTrace(undefined)).toBe("none");
    expect(normalizeTrace(null)).toBe("none");
    expect(normalizeTrace("")).toBe("none");
    expect(normalizeTrace("x".repeat(500))).toHaveLength(128);
  });

  it("reads the injected latency from BENCH_DB_RTT_MS and BENCH_REDIS_RTT_MS", () => {
    expect(latencyFromEnv({})).toEqual({ dbRttMs: 0, redisRttMs: 0 });
    expect(latencyFromEnv({ BENCH_DB_RTT_MS: "10", BENCH_REDIS_RTT_MS: "2.5" })).toEqual({
      dbRttMs: 10,
      redisRttMs: 2.5,
    });
    expect(() => latencyFromEnv({ BENCH_DB_RTT_MS: "-1" })).toThrow(/BENCH_DB_RTT_MS/);
    expect(() => latencyFromEnv({ BENCH_REDIS_RTT_MS: "fast" })).toThrow(/BENCH_REDIS_RTT_MS/);
    const rt = new RoundTrips({ dbRttMs: 10, redisRttMs: 3 });
    expect([rt.delayMs("db_http"), rt.delayMs("db_ws"), rt.delayMs("redis")]).toEqual([10, 10, 3]);
  });
});

describe("stats server", () => {
  it("serves one trace, the totals and a reset", async () => {
    const rt = new RoundTrips();
    const stats = await startRoundTripStats(rt);
    try {
      rt.record("db_http", "req_s");
      const one = await fetch(`${stats.url}/roundtrips?trace=req_s`);
      expect(await one.json()).toEqual({ trace: "req_s", db_http: 1, db_ws: 0, redis: 0 });
      expect(await (await fetch(`${stats.url}/roundtrips`)).json()).toMatchObject({ trace: "none" });
      expect(await (await fetch(`${stats.url}/roundtrips/totals`)).json()).toEqual({
        db_http: 1,
        db_ws: 0,
        redis: 0,
        traces: 1,
      });
      const reset = await fetch(`${stats.url}/roundtrips/reset`, { method: "POST" });
      expect(await reset.json()).toMatchObject({ db_http: 0, traces: 0 });
      expect((await fetch(`${stats.url}/nope`)).status).toBe(404);
    } finally {
      await stats.close();
    }
  });
});
