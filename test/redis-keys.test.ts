import { Redis } from "@upstash/redis";
import { describe, expect, inject, it } from "vitest";
import { call, createMerchant } from "./harness";

describe("Redis keys", () => {
  it("all carry this run's REDIS_KEY_PREFIX, so runs sharing one Redis never meet", async () => {
    const env = inject("workerEnv");
    const prefix = env.REDIS_KEY_PREFIX ?? "";
    expect(prefix).toMatch(/^test:[0-9a-z]+:\d+:$/);
    const redis = new Redis({
      url: env.UPSTASH_REDIS_REST_URL ?? "",
      token: env.UPSTASH_REDIS_REST_TOKEN ?? "",
    });

    const m = await createMerchant();
    await call("POST", "/api/v1/auth/sessions", { body: { email: m.email, password: m.password } });
    const deposit = await m.sandbox.request<{ id: string }>("POST", "/funding/deposits", {
      amount: 1_000,
      currency: "EUR",
      method: "sepa",
    });
    expect((await m.sandbox.request("GET", `/status/${deposit.body.id}`)).status).toBe(200);

    // What this merchant left behind: its status cache, the login limit of its email and the
    // request limit of its key, whatever their prefix.
    const [statusKeys, loginKeys, keyLimitKeys] = await Promise.all([
      redis.keys(`*status:${m.merchantId}:*`),
      redis.keys(`*rl:login:${m.email.toLowerCase()}:*`),
      redis.keys(`*rl:*:${m.sandboxKey.id}:*`),
    ]);
    for (const found of [statusKeys, loginKeys, keyLimitKeys]) {
      expect(found.length).toBeGreaterThan(0);
      for (const key of found) expect(key.startsWith(prefix), key).toBe(true);
    }
  });
});
