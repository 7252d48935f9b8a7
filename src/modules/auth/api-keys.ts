import { and, desc, eq, isNull } from "drizzle-orm";
import { apiKeyCacheKey, forgetCredential } from "../../core/auth/cache";
import { newKeyId, newSecret } from "../../core/auth/credentials";
import { sha256Hex } from "../../core/auth/crypto";
import type { ServiceContext } from "../../core/context";
import type { Executor } from "../../core/db";
import { ApiError, notFound } from "../../core/errors";
import { recordChange } from "../../core/events";
import { newId } from "../../core/ids";
import { rateLimitCeiling } from "../../core/ratelimit";
import { apiKeys, type Environment } from "../../core/tables";
import { exactlyOne } from "../../core/tenancy";
import type { ApiKey, ApiKeyWithSecret, CreateApiKeyInput } from "./schemas";

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
  ctx: ServiceContext,
  values: { environment: Environment; name: string; rateLimitPerSecond: number | null },
  tx: Executor,
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
    { ...ctx, environment: values.environment },
    { type: "api_key.created", object: key },
    tx,
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
    insertApiKey(
      ctx,
      {
        environment: input.environment,
        name: input.name,
        rateLimitPerSecond: input.rate_limit_per_second ?? null,
      },
      tx,
    ),
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

async function lockActiveKey(ctx: ServiceContext, id: string, tx: Executor): Promise<ApiKeyRow> {
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
    const old = await lockActiveKey(ctx, id, tx);
    const replacement = await insertApiKey(
      ctx,
      {
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
      },
      tx,
    );
    const now = ctx.services.clock.now();
    const expiresAt = new Date(now.getTime() + expiresInSeconds * 1000);
    const [updated] = await tx
      .update(apiKeys)
      .set({ rolledToId: replacement.id, expiresAt, ...(expiresInSeconds === 0 ? { revokedAt: now } : {}) })
      .where(eq(apiKeys.id, old.id))
      .returning();
    if (updated) {
      await recordChange(
        { ...ctx, environment: old.environment },
        { type: "api_key.rolled", object: toApiKey(updated, now) },
        tx,
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
    const key = await lockActiveKey(ctx, id, tx);
    const now = ctx.services.clock.now();
    const [row] = await tx
      .update(apiKeys)
      .set({ revokedAt: now })
      .where(and(eq(apiKeys.id, key.id), isNull(apiKeys.revokedAt)))
      .returning();
    if (!row) throw new ApiError("resource_conflict", { message: "This API key is already revoked." });
    const revoked = toApiKey(row, now);
    await recordChange(
      { ...ctx, environment: key.environment },
      { type: "api_key.revoked", object: revoked },
      tx,
    );
    return revoked;
  });
  await forgetCredential(ctx.services, apiKeyCacheKey(revoked.key_id));
  return revoked;
}
