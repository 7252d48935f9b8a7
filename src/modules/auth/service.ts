import { and, desc, eq, isNull, lt, or } from "drizzle-orm";
import { apiKeyCacheKey, forgetCredential, sessionCacheKey } from "../../core/auth/cache";
import { newKeyId, newSecret, newSessionToken } from "../../core/auth/credentials";
import { burnPasswordCheck, hashPassword, sha256Hex, verifyPassword } from "../../core/auth/crypto";
import type { ServiceContext, Services } from "../../core/context";
import type { Executor } from "../../core/db";
import { ApiError, notFound } from "../../core/errors";
import { recordAudit, recordChange } from "../../core/events";
import { newId, randomBase62 } from "../../core/ids";
import { rateLimitCeiling } from "../../core/ratelimit";
import { apiKeys, type Environment, merchants, sessions, users } from "../../core/tables";
import { exactlyOne } from "../../core/tenancy";
import type {
  ApiKey,
  ApiKeyWithSecret,
  CreateApiKeyInput,
  LoginInput,
  Session,
  SignupAccepted,
  SignupInput,
} from "./schemas";

type ApiKeyRow = typeof apiKeys.$inferSelect;

function toApiKey(row: ApiKeyRow, now: Date): ApiKey {
  const revoked =
    (row.revokedAt !== null && row.revokedAt <= now) || (row.expiresAt !== null && row.expiresAt <= now);
  return {
    id: row.id,
    object: "api_key",
    environment: row.environment,
    name: row.name,
    key_id: row.keyId,
    secret_last4: row.secretLast4,
    rate_limit_per_second: row.rateLimitPerSecond,
    status: revoked ? "revoked" : row.expiresAt ? "expiring" : "active",
    expires_at: row.expiresAt?.toISOString() ?? null,
    revoked_at: row.revokedAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
  };
}

async function openSession(
  tx: Executor,
  services: Services,
  requestId: string | null,
  user: { id: string; email: string; createdAt: Date },
  merchant: { id: string; businessName: string; createdAt: Date },
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
  await recordAudit(tx, {
    merchantId: merchant.id,
    environment: null,
    actor: { type: "user", id: user.id },
    action: "session.created",
    objectId: sessionId,
    requestId,
    at: now,
  });
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
    await recordAudit(tx, {
      merchantId: merchant.id,
      environment: null,
      actor: { type: "user", id: user.id },
      action: "merchant.created",
      objectId: merchant.id,
      requestId,
      at: now,
    });
    return openSession(tx, services, requestId, user, merchant);
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
    return openSession(tx, services, requestId, found.user, found.merchant);
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
    await recordAudit(tx, {
      merchantId: ctx.merchantId,
      environment: null,
      actor: ctx.actor,
      action: "session.revoked",
      objectId: sessionId,
      requestId: ctx.requestId,
      at: now,
    });
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

/** Raising a key above the environment default is the operator's call (RATE_LIMIT_MERCHANT_CEILINGS). */
function checkRateLimit(ctx: ServiceContext, environment: Environment, requested: number | null): void {
  if (requested === null) return;
  const ceiling = rateLimitCeiling(ctx.services.config, ctx.merchantId, environment);
  if (requested > ceiling) {
    throw new ApiError("parameter_invalid", {
      param: "rate_limit_per_second",
      message: `rate_limit_per_second is at most ${ceiling} for ${environment} keys; a higher limit is granted by the platform operator on request.`,
    });
  }
}

async function insertApiKey(
  tx: Executor,
  ctx: ServiceContext,
  values: { environment: Environment; name: string; rateLimitPerSecond: number | null },
): Promise<ApiKeyWithSecret> {
  const secret = newSecret(values.environment);
  const now = ctx.services.clock.now();
  const row = exactlyOne(
    await tx
      .insert(apiKeys)
      .values({
        id: newId("apiKey"),
        merchantId: ctx.merchantId,
        environment: values.environment,
        name: values.name,
        keyId: newKeyId(values.environment),
        secretHash: await sha256Hex(secret),
        secretLast4: secret.slice(-4),
        rateLimitPerSecond: values.rateLimitPerSecond,
        createdAt: now,
      })
      .returning(),
  );
  const key = toApiKey(row, now);
  await recordChange(
    tx,
    { ...ctx, environment: values.environment },
    { type: "api_key.created", object: key },
  );
  return { ...key, secret };
}

/** Key management is per merchant: a dashboard session manages both environments' keys. */
export async function createApiKey({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateApiKeyInput;
}): Promise<ApiKeyWithSecret> {
  checkRateLimit(ctx, input.environment, input.rate_limit_per_second ?? null);
  return ctx.services.transaction((tx) =>
    insertApiKey(tx, ctx, {
      environment: input.environment,
      name: input.name,
      rateLimitPerSecond: input.rate_limit_per_second ?? null,
    }),
  );
}

export async function listApiKeys({
  ctx,
  environment,
}: {
  ctx: ServiceContext;
  environment: Environment | undefined;
}): Promise<ApiKey[]> {
  const rows = await ctx.services.db
    .select()
    .from(apiKeys)
    .where(
      and(
        eq(apiKeys.merchantId, ctx.merchantId),
        environment ? eq(apiKeys.environment, environment) : undefined,
      ),
    )
    .orderBy(desc(apiKeys.createdAt), desc(apiKeys.id))
    .limit(100);
  const now = ctx.services.clock.now();
  return rows.map((row) => toApiKey(row, now));
}

async function lockActiveKey(tx: Executor, ctx: ServiceContext, id: string): Promise<ApiKeyRow> {
  const [row] = await tx
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.id, id), eq(apiKeys.merchantId, ctx.merchantId)))
    .for("update")
    .limit(1);
  if (!row) throw notFound("API key", id);
  const now = ctx.services.clock.now();
  if (row.revokedAt || row.rolledToId || (row.expiresAt && row.expiresAt <= now)) {
    throw new ApiError("resource_conflict", { message: "This API key is already revoked or rolled." });
  }
  return row;
}

export async function rollApiKey({
  ctx,
  id,
  expiresInSeconds,
}: {
  ctx: ServiceContext;
  id: string;
  expiresInSeconds: number;
}): Promise<ApiKeyWithSecret> {
  const { replacement, keyId } = await ctx.services.transaction(async (tx) => {
    const old = await lockActiveKey(tx, ctx, id);
    const replacement = await insertApiKey(tx, ctx, {
      environment: old.environment,
      name: old.name,
      // A limit above today's ceiling (set before it existed) is not carried over.
      rateLimitPerSecond:
        old.rateLimitPerSecond === null
          ? null
          : Math.min(
              old.rateLimitPerSecond,
              rateLimitCeiling(ctx.services.config, ctx.merchantId, old.environment),
            ),
    });
    const now = ctx.services.clock.now();
    const expiresAt = new Date(now.getTime() + expiresInSeconds * 1000);
    const [updated] = await tx
      .update(apiKeys)
      .set({ rolledToId: replacement.id, expiresAt, ...(expiresInSeconds === 0 ? { revokedAt: now } : {}) })
      .where(eq(apiKeys.id, old.id))
      .returning();
    if (updated) {
      await recordChange(
        tx,
        { ...ctx, environment: old.environment },
        { type: "api_key.rolled", object: toApiKey(updated, now) },
      );
    }
    return { replacement, keyId: old.keyId };
  });
  // The old key's cached credential would not know its new expiry.
  await forgetCredential(ctx.services, apiKeyCacheKey(keyId));
  return replacement;
}

export async function revokeApiKey({ ctx, id }: { ctx: ServiceContext; id: string }): Promise<ApiKey> {
  const revoked = await ctx.services.transaction(async (tx) => {
    const key = await lockActiveKey(tx, ctx, id);
    const now = ctx.services.clock.now();
    const [row] = await tx
      .update(apiKeys)
      .set({ revokedAt: now })
      .where(and(eq(apiKeys.id, key.id), isNull(apiKeys.revokedAt)))
      .returning();
    if (!row) throw new ApiError("resource_conflict", { message: "This API key is already revoked." });
    const revoked = toApiKey(row, now);
    await recordChange(
      tx,
      { ...ctx, environment: key.environment },
      { type: "api_key.revoked", object: revoked },
    );
    return revoked;
  });
  await forgetCredential(ctx.services, apiKeyCacheKey(revoked.key_id));
  return revoked;
}
