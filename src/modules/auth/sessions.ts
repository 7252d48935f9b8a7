import { eq, lt, or } from "drizzle-orm";
import { forgetCredential, sessionCacheKey } from "../../core/auth/cache";
import { newSessionToken } from "../../core/auth/credentials";
import { burnPasswordCheck, hashPassword, sha256Hex, verifyPassword } from "../../core/auth/crypto";
import type { ServiceContext, Services } from "../../core/context";
import type { Executor } from "../../core/db";
import { ApiError } from "../../core/errors";
import { recordAudit } from "../../core/events";
import { newId, randomBase62 } from "../../core/ids";
import { merchants, sessions, users } from "../../core/tables";
import type { LoginInput, Session, SignupAccepted, SignupInput } from "./schemas";

async function openSession(
  services: Services,
  requestId: string | null,
  user: { id: string; email: string; createdAt: Date },
  merchant: { id: string; businessName: string; createdAt: Date },
  tx: Executor,
): Promise<Session> {
  const token = newSessionToken();
  const now = services.clock.now();
  const expiresAt = new Date(now.getTime() + services.config.SESSION_TTL_SECONDS * 1000);
  const sessionId = newId("session");
  await tx.insert(sessions).values({
    id: sessionId,
    tokenHash: await sha256Hex(token),
    userId: user.id,
    merchantId: merchant.id,
    expiresAt,
    createdAt: now,
  });
  await recordAudit(
    {
      merchantId: merchant.id,
      environment: null,
      actor: { type: "user", id: user.id },
      action: "session.created",
      objectId: sessionId,
      requestId,
      at: now,
    },
    tx,
  );
  return {
    object: "session",
    token,
    expires_at: expiresAt.toISOString(),
    merchant: {
      id: merchant.id,
      object: "merchant",
      business_name: merchant.businessName,
      created_at: merchant.createdAt.toISOString(),
    },
    user: { id: user.id, object: "user", email: user.email, created_at: user.createdAt.toISOString() },
  };
}

const SIGNUP_TTL_SECONDS = 24 * 60 * 60;
const SIGNUP_TOKEN_PATTERN = /^msv_[0-9A-Za-z]{32}$/;

interface PendingSignup {
  business_name: string;
  email: string;
  password_hash: string;
}

const pendingSignupKey = async (token: string) => `signup:pending:${await sha256Hex(token)}`;

/**
 * Step one of sign-up, answered the same way whether or not the email has an account, so the
 * endpoint reveals nothing: both paths hash the password and send one email. A new email gets a
 * verification token (the pending sign-up waits in Redis for 24 hours, keyed by the token's
 * hash); an existing account's owner is told that someone tried to sign up with their address.
 */
export async function requestSignup({
  services,
  input,
}: {
  services: Services;
  input: SignupInput;
}): Promise<SignupAccepted> {
  const email = input.email.toLowerCase();
  const passwordHash = await hashPassword(input.password, services.config.PASSWORD_PBKDF2_ITERATIONS);
  const [existing] = await services.db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.email, email))
    .limit(1);
  if (existing) {
    await services.mailer.send({
      to: email,
      template: "signup_existing_account",
      subject: "Someone tried to sign up with your email",
      text: "An account already uses this email. If this was you, log in instead (or reset your password). If not, you can ignore this message: nothing was changed.",
      data: {},
    });
  } else {
    const token = `msv_${randomBase62(32)}`;
    const pending: PendingSignup = { business_name: input.business_name, email, password_hash: passwordHash };
    await services.redis.set(await pendingSignupKey(token), JSON.stringify(pending), {
      ex: SIGNUP_TTL_SECONDS,
    });
    await services.mailer.send({
      to: email,
      template: "signup_verification",
      subject: "Confirm your email to finish signing up",
      text: `Confirm your email to create your MagnetPay account: POST /api/v1/auth/signup/verify with this token within 24 hours: ${token}`,
      data: { token },
    });
  }
  return {
    object: "signup",
    email,
    status: "pending_verification",
    message: "Check your email to continue: we sent the next step to this address.",
  };
}

/** Step two: the token from the email creates the merchant and its first user, and logs in. */
export async function completeSignup({
  services,
  token,
  requestId,
}: {
  services: Services;
  token: string;
  requestId: string | null;
}): Promise<Session> {
  const invalid = new ApiError("signup_token_invalid", { param: "token" });
  if (!SIGNUP_TOKEN_PATTERN.test(token)) throw invalid;
  const stored = await services.redis.getdel<PendingSignup | string>(await pendingSignupKey(token));
  if (stored === null) throw invalid;
  const pending: PendingSignup = typeof stored === "string" ? (JSON.parse(stored) as PendingSignup) : stored;
  const now = services.clock.now();
  return services.transaction(async (tx) => {
    const merchant = { id: newId("merchant"), businessName: pending.business_name, createdAt: now };
    const user = { id: newId("user"), email: pending.email, createdAt: now };
    await tx.insert(merchants).values(merchant);
    const inserted = await tx
      .insert(users)
      .values({ ...user, merchantId: merchant.id, passwordHash: pending.password_hash })
      .onConflictDoNothing()
      .returning({ id: users.id });
    // Two sign-ups of one email verified in turn: only the holder of the mailbox gets this far.
    if (inserted.length === 0) throw new ApiError("email_taken", { param: "email" });
    await recordAudit(
      {
        merchantId: merchant.id,
        environment: null,
        actor: { type: "user", id: user.id },
        action: "merchant.created",
        objectId: merchant.id,
        requestId,
        at: now,
      },
      tx,
    );
    return openSession(services, requestId, user, merchant, tx);
  });
}

export async function logIn({
  services,
  input,
  requestId,
}: {
  services: Services;
  input: LoginInput;
  requestId: string | null;
}): Promise<Session> {
  const iterations = services.config.PASSWORD_PBKDF2_ITERATIONS;
  const [found] = await services.db
    .select({ user: users, merchant: merchants })
    .from(users)
    .innerJoin(merchants, eq(merchants.id, users.merchantId))
    .where(eq(users.email, input.email.toLowerCase()))
    .limit(1);
  if (!found) {
    await burnPasswordCheck(input.password, iterations);
    throw new ApiError("login_failed");
  }
  const check = await verifyPassword(input.password, found.user.passwordHash, iterations);
  if (!check.valid) throw new ApiError("login_failed");
  return services.transaction(async (tx) => {
    if (check.needsRehash) {
      await tx
        .update(users)
        .set({ passwordHash: await hashPassword(input.password, iterations) })
        .where(eq(users.id, found.user.id));
    }
    return openSession(services, requestId, found.user, found.merchant, tx);
  });
}

export async function revokeSession({
  ctx,
  sessionId,
}: {
  ctx: ServiceContext;
  sessionId: string;
}): Promise<void> {
  const now = ctx.services.clock.now();
  const tokenHash = await ctx.services.transaction(async (tx) => {
    const [revoked] = await tx
      .update(sessions)
      .set({ revokedAt: now })
      .where(eq(sessions.id, sessionId))
      .returning({ tokenHash: sessions.tokenHash });
    await recordAudit(
      {
        merchantId: ctx.merchantId,
        environment: null,
        actor: ctx.actor,
        action: "session.revoked",
        objectId: sessionId,
        requestId: ctx.requestId,
        at: now,
      },
      tx,
    );
    return revoked?.tokenHash;
  });
  if (tokenHash) await forgetCredential(ctx.services, sessionCacheKey(tokenHash));
}

export async function pruneSessions(services: Services): Promise<number> {
  const now = services.clock.now();
  const deleted = await services.db
    .delete(sessions)
    .where(or(lt(sessions.expiresAt, now), lt(sessions.revokedAt, now)))
    .returning({ id: sessions.id });
  return deleted.length;
}
