import { describe, expect, it } from "vitest";
import { call, client, createMerchant, expectError } from "../../../test/harness";
import { requestClock, systemClock } from "../../core/clock";

// SESSION_TTL_SECONDS: the default 12 hours (the test stack does not change it).
const TTL = 12 * 60 * 60;

/** Sessions expire by time passing on the Worker's clock (X-Test-Clock-Offset-Seconds), not by editing rows. */
describe("session expiry", () => {
  it("a session works until its TTL has passed on the clock, then is session_expired", async () => {
    const m = await createMerchant();
    const login = await call<{ token: string; expires_at: string }>("POST", "/api/v1/auth/sessions", {
      body: { email: m.email, password: m.password },
    });
    expect(login.status).toBe(200);
    const session = client({ authorization: `Bearer ${login.body.token}` });
    const at = (seconds: number) => ({ "x-test-clock-offset-seconds": String(seconds) });
    expect((await session.request("GET", "/customers", undefined, at(TTL - 60))).status).toBe(200);
    expectError(await session.request("GET", "/customers", undefined, at(TTL + 1)), 401, "session_expired");
    expectError(await session.request("GET", "/api-keys", undefined, at(TTL + 3600)), 401, "session_expired");
    // Time passing is all it took: the same token, now, still works.
    expect((await session.request("GET", "/customers")).status).toBe(200);
    // API keys do not expire with time.
    expect((await m.sandbox.request("GET", "/customers", undefined, at(TTL + 3600))).status).toBe(200);
  });

  it("the clock header is honoured in development only", () => {
    const now = Date.now();
    expect(requestClock("production", "86400")).toBe(systemClock);
    expect(requestClock("development", undefined)).toBe(systemClock);
    expect(requestClock("development", "-5")).toBe(systemClock);
    expect(requestClock("development", "86400").now().getTime()).toBeGreaterThanOrEqual(now + 86_400_000);
  });
});
