import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { client, createMerchant, expectError } from "../../../test/harness";

const clockAhead = (seconds: number) => ({ "x-test-clock-offset-seconds": String(seconds) });

// Credentials are cached in the isolate (AUTH_CACHE_SECONDS) and in Redis (AUTH_REDIS_CACHE_SECONDS):
// these tests use a key first, so that every later request is answered from the cache.
describe("credential cache", () => {
  it("a revoked key fails on the very next request, though it was cached", async () => {
    const m = await createMerchant();
    expect((await m.sandbox.request("GET", "/customers")).status).toBe(200);
    expect((await m.dashboard.request("POST", `/api-keys/${m.sandboxKey.id}/revoke`)).status).toBe(200);
    expectError(await m.sandbox.request("GET", "/customers"), 401, "api_key_revoked");
  });

  it("a rolled key's grace period holds from the cache, and ends when the clock passes it", async () => {
    const m = await createMerchant();
    expect((await m.sandbox.request("GET", "/customers")).status).toBe(200);
    const rolled = await m.dashboard.request<{ key_id: string; secret: string }>(
      "POST",
      `/api-keys/${m.sandboxKey.id}/roll`,
      { expires_in_seconds: 3600 },
    );
    expect(rolled.status).toBe(200);
    expect((await m.sandbox.request("GET", "/customers")).status).toBe(200);
    expect((await m.sandbox.request("GET", "/customers", undefined, clockAhead(3599))).status).toBe(200);
    expectError(
      await m.sandbox.request("GET", "/customers", undefined, clockAhead(3601)),
      401,
      "api_key_revoked",
    );
    const fresh = client({ "x-api-key": rolled.body.key_id, "x-api-secret": rolled.body.secret });
    expect((await fresh.request("GET", "/customers", undefined, clockAhead(3601))).status).toBe(200);
  });

  it("a cached key still needs its secret: a wrong one is refused", async () => {
    const m = await createMerchant();
    expect((await m.sandbox.request("GET", "/customers")).status).toBe(200);
    // Another last character, whatever the real one is (an "x" ending made the "wrong" secret right once in 62 runs).
    const last = m.sandboxKey.secret.slice(-1);
    const wrong = client({
      "x-api-key": m.sandboxKey.key_id,
      "x-api-secret": `${m.sandboxKey.secret.slice(0, -1)}${last === "x" ? "y" : "x"}`,
    });
    expectError(await wrong.request("GET", "/customers"), 401, "credentials_invalid");
  });

  it("a session ends at its expiry even when cached, and at logout at once", async () => {
    const m = await createMerchant();
    expect((await m.dashboard.request("GET", "/api-keys")).status).toBe(200);
    const [session] = await query<{ expires_at: Date }>(
      "select expires_at from sessions where merchant_id = $1 order by created_at desc limit 1",
      [m.merchantId],
    );
    if (!session) throw new Error("no session row");
    const left = Math.ceil((session.expires_at.getTime() - Date.now()) / 1000);
    expectError(
      await m.dashboard.request("GET", "/api-keys", undefined, clockAhead(left + 60)),
      401,
      "session_expired",
    );
    expect((await m.dashboard.request("DELETE", "/auth/sessions/current")).status).toBe(200);
    expectError(await m.dashboard.request("GET", "/api-keys"), 401, "credentials_invalid");
  });
});
