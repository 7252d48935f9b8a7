import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { call, client, createMerchant, expectError, signUp, uniqueEmail } from "../../../test/harness";
import { configSchema } from "../../core/config";
import { rateLimitCeiling } from "../../core/ratelimit";

describe("auth: sign-up and sessions", () => {
  it("signs up, logs in, uses the token, logs out", async () => {
    const email = uniqueEmail();
    const signup = await signUp(email, "a long enough password", "Acme");
    expect(signup.status).toBe(200);
    expect(signup.body.token).toMatch(/^mpt_/);
    expect(signup.body.merchant.id).toMatch(/^mer_/);
    expect(new Date(signup.body.expires_at).getTime()).toBeGreaterThan(Date.now());

    const login = await call<{ token: string }>("POST", "/api/v1/auth/sessions", {
      body: { email: email.toUpperCase(), password: "a long enough password" },
    });
    expect(login.status).toBe(200);
    const session = client({ authorization: `Bearer ${login.body.token}` });
    expect((await session.request("GET", "/customers")).status).toBe(200);
    expect((await session.request("DELETE", "/auth/sessions/current")).status).toBe(200);
    expectError(await session.request("GET", "/customers"), 401, "credentials_invalid");

    const stored = await query<{ password_hash: string }>(
      "select password_hash from users where email = $1",
      [email],
    );
    expect(stored[0]?.password_hash).toMatch(/^pbkdf2_sha256\$600000\$/);
    const tokens = await query("select 1 from sessions where token_hash = $1", [login.body.token]);
    expect(tokens).toHaveLength(0);
    const audit = await query<{ action: string; environment: string | null; request_id: string }>(
      "select action, environment, request_id from audit_logs where merchant_id = $1 order by created_at, action",
      [signup.body.merchant.id],
    );
    expect(audit.map((row) => row.action)).toEqual([
      "merchant.created",
      "session.created",
      "session.created",
      "session.revoked",
    ]);
    expect(audit.every((row) => row.environment === null && row.request_id.startsWith("req_"))).toBe(true);
  });

  it("refuses a short password, and does not say which login field was wrong", async () => {
    const m = await createMerchant();
    expectError(
      await call("POST", "/api/v1/auth/signup", {
        body: { business_name: "x", email: uniqueEmail(), password: "short" },
      }),
      400,
      "parameter_invalid",
    );
    const wrongPassword = await call("POST", "/api/v1/auth/sessions", {
      body: { email: m.email, password: "wrong password" },
    });
    const unknownEmail = await call("POST", "/api/v1/auth/sessions", {
      body: { email: uniqueEmail(), password: "wrong password" },
    });
    expectError(wrongPassword, 401, "login_failed");
    expectError(unknownEmail, 401, "login_failed");
    const strip = (text: string) => text.replace(/req_[0-9A-Za-z]+/, "");
    expect(strip(wrongPassword.text)).toBe(strip(unknownEmail.text));
  });

  it("rate limits login attempts per email", async () => {
    const m = await createMerchant();
    const attempts = [];
    for (let i = 0; i < 7; i++) {
      attempts.push(
        await call("POST", "/api/v1/auth/sessions", { body: { email: m.email, password: "wrong password" } }),
      );
    }
    expect(attempts.slice(0, 5).every((a) => a.status === 401)).toBe(true);
    const last = attempts[6];
    if (!last) throw new Error("missing attempt");
    expectError(last, 429, "rate_limited");
    expect(Number(last.headers.get("retry-after"))).toBeGreaterThan(0);
  });

  it("picks the session's environment with X-Environment", async () => {
    const m = await createMerchant();
    const sandbox = await m.dashboard.request<{ id: string; environment: string }>("POST", "/customers", {});
    expect(sandbox.body.environment).toBe("sandbox");
    const production = await m.dashboard.request<{ environment: string }>(
      "POST",
      "/customers",
      {},
      { "x-environment": "production" },
    );
    expect(production.body.environment).toBe("production");
    expectError(
      await m.dashboard.request("GET", "/customers", undefined, { "x-environment": "staging" }),
      400,
      "environment_invalid",
    );
  });
});

describe("auth: API keys", () => {
  it("creates key pairs per environment, shows the secret once and stores only a hash", async () => {
    const m = await createMerchant();
    expect(m.sandboxKey.key_id).toMatch(/^mpk_test_/);
    expect(m.sandboxKey.secret).toMatch(/^mps_test_/);
    expect(m.productionKey.key_id).toMatch(/^mpk_live_/);
    const list = await m.dashboard.request<{ data: Array<Record<string, unknown>> }>("GET", "/api-keys");
    expect(list.body.data).toHaveLength(2);
    expect(JSON.stringify(list.body)).not.toContain(m.sandboxKey.secret);
    const onlySandbox = await m.dashboard.request<{ data: unknown[] }>(
      "GET",
      "/api-keys?environment=sandbox",
    );
    expect(onlySandbox.body.data).toHaveLength(1);
    const rows = await query<{ secret_hash: string }>("select secret_hash from api_keys where id = $1", [
      m.sandboxKey.id,
    ]);
    expect(rows[0]?.secret_hash).not.toContain(m.sandboxKey.secret);
    expect(rows[0]?.secret_hash).toHaveLength(64);
  });

  it("authenticates with HTTP Basic key_id:secret too", async () => {
    const m = await createMerchant();
    const basic = client({ authorization: `Basic ${btoa(`${m.sandboxKey.key_id}:${m.sandboxKey.secret}`)}` });
    expect((await basic.request("GET", "/customers")).status).toBe(200);
    const mixed = client({ "x-api-key": m.sandboxKey.key_id, "x-api-secret": m.productionKey.secret });
    expectError(await mixed.request("GET", "/customers"), 401, "credentials_malformed");
  });

  it("rolls a key: the new one works, the old one stops now or after its grace period", async () => {
    const m = await createMerchant();
    const rolled = await m.dashboard.request<{ key_id: string; secret: string }>(
      "POST",
      `/api-keys/${m.sandboxKey.id}/roll`,
      {},
    );
    expect(rolled.status).toBe(200);
    expectError(await m.sandbox.request("GET", "/customers"), 401, "api_key_revoked");
    const fresh = client({ "x-api-key": rolled.body.key_id, "x-api-secret": rolled.body.secret });
    expect((await fresh.request("GET", "/customers")).status).toBe(200);

    const graceful = await m.dashboard.request("POST", `/api-keys/${m.productionKey.id}/roll`, {
      expires_in_seconds: 3600,
    });
    expect(graceful.status).toBe(200);
    expect((await m.production.request("GET", "/customers")).status).toBe(200);
    expectError(
      await m.dashboard.request("POST", `/api-keys/${m.productionKey.id}/roll`, {}),
      409,
      "resource_conflict",
    );
  });

  it("another merchant's key id is 404 for roll and revoke", async () => {
    const [a, b] = await Promise.all([createMerchant(), createMerchant()]);
    expectError(
      await b.dashboard.request("POST", `/api-keys/${a.sandboxKey.id}/revoke`),
      404,
      "resource_missing",
    );
    expectError(
      await b.dashboard.request("POST", `/api-keys/${a.sandboxKey.id}/roll`, {}),
      404,
      "resource_missing",
    );
    expect((await a.sandbox.request("GET", "/customers")).status).toBe(200);
  });

  it("applies a key's own rate limit with RateLimit headers and Retry-After", async () => {
    const m = await createMerchant();
    const limited = await m.dashboard.request<{ key_id: string; secret: string }>("POST", "/api-keys", {
      environment: "sandbox",
      name: "tight",
      rate_limit_per_second: 3,
    });
    const tight = client({ "x-api-key": limited.body.key_id, "x-api-secret": limited.body.secret });
    const responses = await Promise.all(Array.from({ length: 6 }, () => tight.request("GET", "/customers")));
    const ok = responses.filter((r) => r.status === 200);
    const throttled = responses.filter((r) => r.status === 429);
    // The whole burst falls into one window (the test stack's windows have no edge: test/stack.ts).
    expect(ok.length).toBe(3);
    expect(throttled.length).toBe(3);
    expect(ok[0]?.headers.get("ratelimit-limit")).toBe("3");
    const first = throttled[0];
    if (!first) throw new Error("no 429");
    expectError(first, 429, "rate_limited");
    expect(Number(first.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // Another key of the same merchant has its own budget.
    expect((await m.sandbox.request("GET", "/customers")).status).toBe(200);
  });

  it("caps a key's own rate limit at the environment default: raising it is the operator's call", async () => {
    const m = await createMerchant();
    const make = (environment: string, limit: number) =>
      m.dashboard.request<{ id: string; key_id: string; secret: string; rate_limit_per_second: number }>(
        "POST",
        "/api-keys",
        { environment, name: "fast", rate_limit_per_second: limit },
      );
    // The test stack's defaults: 5000 in sandbox, 6000 in production (test/stack.ts).
    for (const [environment, limit] of [
      ["sandbox", 5001],
      ["sandbox", 10_000],
      ["production", 6001],
    ] as const) {
      const refused = await make(environment, limit);
      expectError(refused, 400, "parameter_invalid");
      expect((refused.body as unknown as { error: { param: string } }).error.param).toBe(
        "rate_limit_per_second",
      );
    }
    expect((await make("sandbox", 5000)).status).toBe(200);
    expect((await make("production", 6000)).status).toBe(200);

    // A key stored with a higher limit before the ceiling existed is held to the ceiling.
    const old = await make("sandbox", 10);
    await query("update api_keys set rate_limit_per_second = 9000 where id = $1", [old.body.id]);
    const oldClient = client({ "x-api-key": old.body.key_id, "x-api-secret": old.body.secret });
    const used = await oldClient.request("GET", "/customers");
    expect(used.status).toBe(200);
    expect(used.headers.get("ratelimit-limit")).toBe("5000");
    const rolled = await m.dashboard.request<{ rate_limit_per_second: number }>(
      "POST",
      `/api-keys/${old.body.id}/roll`,
      {},
    );
    expect(rolled.body.rate_limit_per_second).toBe(5000);
  });
});

describe("rate limit ceilings", () => {
  const config = {
    RATE_LIMIT_SANDBOX_PER_SECOND: 25,
    RATE_LIMIT_PRODUCTION_PER_SECOND: 100,
    RATE_LIMIT_MERCHANT_CEILINGS: "mer_big=5000,mer_small=10",
  };
  it("is the environment default unless the operator listed the merchant", () => {
    expect(rateLimitCeiling(config, "mer_other", "sandbox")).toBe(25);
    expect(rateLimitCeiling(config, "mer_other", "production")).toBe(100);
    expect(rateLimitCeiling(config, "mer_big", "production")).toBe(5000);
    expect(rateLimitCeiling(config, "mer_big", "sandbox")).toBe(5000);
    // An entry never lowers a merchant below the default.
    expect(rateLimitCeiling(config, "mer_small", "production")).toBe(100);
    expect(rateLimitCeiling({ ...config, RATE_LIMIT_MERCHANT_CEILINGS: "" }, "mer_big", "sandbox")).toBe(25);
  });

  it("refuses a malformed ceiling list at startup", () => {
    const base = { RATE_LIMIT_MERCHANT_CEILINGS: "mer_a=10,bogus" };
    expect(
      configSchema.shape.RATE_LIMIT_MERCHANT_CEILINGS.safeParse(base.RATE_LIMIT_MERCHANT_CEILINGS).success,
    ).toBe(false);
    expect(configSchema.shape.RATE_LIMIT_MERCHANT_CEILINGS.safeParse("mer_a=10,mer_B2=20000").success).toBe(
      true,
    );
  });
});
