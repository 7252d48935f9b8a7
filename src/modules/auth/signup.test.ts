import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { call, createMerchant, expectError, mailbox, signUp, uniqueEmail } from "../../../test/harness";

/** A documentation-range IPv6 address of its own per call, so runs and tests never share a budget. */
const freshIp = () => `2001:db8::${randomBytes(6).toString("hex").match(/.{4}/g)?.join(":")}`;

const startSignup = (email: string, ip = freshIp()) =>
  call("POST", "/api/v1/auth/signup", {
    body: { business_name: "Shop", email, password: "a long enough password" },
    headers: { "cf-connecting-ip": ip },
  });

/** Finding 12: sign-up reveals nothing about which emails exist, and is limited per client IP. */
describe("sign-up", () => {
  it("answers a new and an existing email the same way; the existing owner is told by email", async () => {
    const owner = await createMerchant();
    const newEmail = uniqueEmail();
    const fresh = await startSignup(newEmail);
    const taken = await startSignup(owner.email);
    expect(fresh.status).toBe(202);
    expect(taken.status).toBe(202);
    const shape = (body: unknown) => ({ ...(body as Record<string, unknown>), email: "<email>" });
    expect(shape(taken.body)).toEqual(shape(fresh.body));
    expect(Object.keys(fresh.body).sort()).toEqual(["email", "message", "object", "status"]);
    expect(fresh.text).not.toContain("token");

    const ownerMail = await mailbox(owner.email);
    expect(ownerMail[0]).toMatchObject({ template: "signup_existing_account", data: {} });
    // No second account, and the owner's password still works.
    const users = await query("select 1 from users where email = $1", [owner.email]);
    expect(users).toHaveLength(1);
    const login = await call("POST", "/api/v1/auth/sessions", {
      body: { email: owner.email, password: owner.password },
    });
    expect(login.status).toBe(200);

    // The new email's account exists only once its owner uses the emailed token.
    expect(await query("select 1 from users where email = $1", [newEmail])).toHaveLength(0);
    const [verification] = await mailbox(newEmail);
    expect(verification?.template).toBe("signup_verification");
    const token = verification?.data.token ?? "";
    const verified = await call<{ token: string; user: { email: string } }>(
      "POST",
      "/api/v1/auth/signup/verify",
      {
        body: { token },
      },
    );
    expect(verified.status).toBe(200);
    expect(verified.body.user.email).toBe(newEmail);
    expect(verified.body.token).toMatch(/^mpt_/);
    expectError(
      await call("POST", "/api/v1/auth/signup/verify", { body: { token } }),
      400,
      "signup_token_invalid",
    );
    expectError(
      await call("POST", "/api/v1/auth/signup/verify", { body: { token: `msv_${"a".repeat(32)}` } }),
      400,
      "signup_token_invalid",
    );
    expectError(
      await call("POST", "/api/v1/auth/signup/verify", { body: { token: "nope" } }),
      400,
      "signup_token_invalid",
    );
  });

  it("two pending sign-ups of one email: the second verified is email_taken, only to the mailbox holder", async () => {
    const email = uniqueEmail();
    await startSignup(email);
    await startSignup(email);
    const tokens = (await mailbox(email)).map((message) => message.data.token ?? "");
    expect(tokens).toHaveLength(2);
    const first = await call("POST", "/api/v1/auth/signup/verify", { body: { token: tokens[0] } });
    expect(first.status).toBe(200);
    expectError(
      await call("POST", "/api/v1/auth/signup/verify", { body: { token: tokens[1] } }),
      409,
      "email_taken",
    );
  });

  it("limits sign-ups per client IP (CF-Connecting-IP), whatever the email", async () => {
    // The test stack allows 3 an hour per address (test/stack.ts); loopback is exempt.
    const ip = freshIp();
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect((await startSignup(uniqueEmail(), ip)).status).toBe(202);
    }
    const limited = await startSignup(uniqueEmail(), ip);
    expectError(limited, 429, "rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    // An existing email is throttled the same way: the limit reveals nothing either.
    const owner = await createMerchant();
    expectError(await startSignup(owner.email, ip), 429, "rate_limited");
    // Another address has its own budget.
    expect((await startSignup(uniqueEmail())).status).toBe(202);
    // Loopback (the suite's own sign-ups) is on SIGNUP_LIMIT_EXEMPT_IPS.
    expect((await signUp(uniqueEmail(), "a long enough password")).status).toBe(200);
  });
});
