import { and, asc, eq } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import type { Executor } from "../../core/db";
import { ApiError, notFound } from "../../core/errors";
import { recordChange } from "../../core/events";
import { newId } from "../../core/ids";
import { tenantRow, tenantScope } from "../../core/tenancy";
import { describe, knownProvider, STRIPE, validateApiBase, validateStripeCredentials } from "./catalog";
import { decryptCredentials, encryptCredentials } from "./credentials";
import { sandboxProcessorSpecs } from "./sandbox";
import type { Connection, CreateConnectionInput, UpdateConnectionInput } from "./schemas";
import { type ProviderConnectionRow, providerConnections } from "./tables";

/** Provider connections: the merchant's processors, their credentials, enabling and disabling. */

export function toConnection(ctx: ServiceContext, row: ProviderConnectionRow): Connection {
  const info = describe(row.provider);
  return {
    id: row.id,
    object: "provider_connection",
    environment: row.environment,
    provider: row.provider,
    name: info.name,
    enabled: row.enabled,
    methods: [...info.capabilities.methods],
    currencies: [...info.capabilities.currencies],
    countries: [...info.capabilities.countries],
    fee_schedule: {
      percent_bps: info.fees.percentBps,
      fixed: { ...info.fees.fixed },
      default_fixed: info.fees.defaultFixed,
      method_bps: { ...(info.fees.methodBps ?? {}) },
    },
    settlement_delay_days: info.settlementDelayDays,
    credentials: { set: row.credentialsEncrypted !== null, secret_key_last4: row.credentialsHint },
    webhook_url:
      row.provider === STRIPE
        ? new URL(`/webhooks/providers/stripe/${row.id}`, ctx.services.config.PUBLIC_URL).toString()
        : null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** The merchant's connections, oldest first, as a query (for the caller's read batch). */
export function connectionsQuery(ctx: ServiceContext, db: Executor = ctx.services.db) {
  return db
    .select()
    .from(providerConnections)
    .where(and(...tenantScope(providerConnections, ctx)))
    .orderBy(asc(providerConnections.createdAt), asc(providerConnections.provider));
}

/**
 * Completes rows read by connectionsQuery: a sandbox merchant missing a simulated processor gets
 * it connected (once, on first use: two more round trips), and the rows are read again.
 */
export async function withSandboxConnections(
  ctx: ServiceContext,
  rows: ProviderConnectionRow[],
  db: Executor = ctx.services.db,
): Promise<ProviderConnectionRow[]> {
  if (ctx.environment !== "sandbox") return rows;
  const missing = sandboxProcessorSpecs.filter((spec) => !rows.some((row) => row.provider === spec.id));
  if (missing.length === 0) return rows;
  const now = ctx.services.clock.now();
  await db
    .insert(providerConnections)
    .values(
      missing.map((spec) => ({
        id: newId("providerConnection"),
        merchantId: ctx.merchantId,
        environment: ctx.environment,
        provider: spec.id,
        enabled: true,
        createdAt: now,
        updatedAt: now,
      })),
    )
    .onConflictDoNothing();
  return connectionsQuery(ctx, db);
}

/** Sandbox merchants start with every simulated processor connected; created on first use. */
export async function connectionRows(
  ctx: ServiceContext,
  db: Executor = ctx.services.db,
): Promise<ProviderConnectionRow[]> {
  return withSandboxConnections(ctx, await connectionsQuery(ctx, db), db);
}

export async function listConnections({ ctx }: { ctx: ServiceContext }): Promise<Connection[]> {
  return (await connectionRows(ctx)).map((row) => toConnection(ctx, row));
}

async function findConnection(ctx: ServiceContext, id: string): Promise<ProviderConnectionRow> {
  const [row] = await ctx.services.db
    .select()
    .from(providerConnections)
    .where(tenantRow(providerConnections, ctx, id))
    .limit(1);
  if (!row) throw notFound("provider connection", id);
  return row;
}

export async function retrieveConnection({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<Connection> {
  return toConnection(ctx, await findConnection(ctx, id));
}

export async function createConnection({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateConnectionInput;
}): Promise<Connection> {
  if (!knownProvider(ctx, input.provider)) throw new ApiError("provider_unknown", { param: "provider" });
  const isStripe = input.provider === STRIPE;
  if (isStripe && !input.credentials) {
    throw new ApiError("parameter_missing", { param: "credentials", message: "Stripe needs credentials." });
  }
  if (!isStripe && (input.credentials || input.api_base_url)) {
    throw new ApiError("parameter_unknown", {
      param: input.credentials ? "credentials" : "api_base_url",
      message: "Simulated processors take no credentials.",
    });
  }
  if (input.credentials) validateStripeCredentials(input.credentials);
  const apiBase = validateApiBase(ctx, input.api_base_url);
  if (ctx.environment === "sandbox") await connectionRows(ctx);
  const id = newId("providerConnection");
  const now = ctx.services.clock.now();
  const sealed = input.credentials
    ? await encryptCredentials(ctx.services.config.PROVIDER_CREDENTIALS_KEY, id, input.credentials)
    : null;
  return ctx.services.transaction(async (tx) => {
    const [row] = await tx
      .insert(providerConnections)
      .values({
        id,
        merchantId: ctx.merchantId,
        environment: ctx.environment,
        provider: input.provider,
        enabled: input.enabled ?? true,
        credentialsEncrypted: sealed,
        credentialsHint: input.credentials ? input.credentials.secret_key.slice(-4) : null,
        settings: apiBase ? { api_base_url: apiBase } : {},
        createdAt: now,
        updatedAt: now,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) throw new ApiError("provider_already_connected", { param: "provider" });
    const connection = toConnection(ctx, row);
    await recordChange(ctx, { type: "provider_connection.created", object: connection }, tx);
    return connection;
  });
}

export async function updateConnection({
  ctx,
  id,
  input,
}: {
  ctx: ServiceContext;
  id: string;
  input: UpdateConnectionInput;
}): Promise<Connection> {
  const before = await findConnection(ctx, id);
  if (input.credentials && before.provider !== STRIPE) {
    throw new ApiError("parameter_unknown", {
      param: "credentials",
      message: "Simulated processors take no credentials.",
    });
  }
  if (input.credentials) validateStripeCredentials(input.credentials);
  const sealed = input.credentials
    ? await encryptCredentials(ctx.services.config.PROVIDER_CREDENTIALS_KEY, id, input.credentials)
    : undefined;
  return ctx.services.transaction(async (tx) => {
    const [row] = await tx
      .update(providerConnections)
      .set({
        ...(input.enabled === undefined ? {} : { enabled: input.enabled }),
        ...(sealed && input.credentials
          ? { credentialsEncrypted: sealed, credentialsHint: input.credentials.secret_key.slice(-4) }
          : {}),
        updatedAt: ctx.services.clock.now(),
      })
      .where(tenantRow(providerConnections, ctx, id))
      .returning();
    if (!row) throw new ApiError("resource_missing", { param: "id" });
    const connection = toConnection(ctx, row);
    await recordChange(
      ctx,
      {
        type: "provider_connection.updated",
        object: connection,
        previousAttributes: input.enabled === undefined ? {} : { enabled: before.enabled },
      },
      tx,
    );
    return connection;
  });
}

export async function deleteConnection({ ctx, id }: { ctx: ServiceContext; id: string }) {
  return ctx.services.transaction(async (tx) => {
    const [row] = await tx
      .delete(providerConnections)
      .where(tenantRow(providerConnections, ctx, id))
      .returning();
    if (!row) throw notFound("provider connection", id);
    await recordChange(ctx, { type: "provider_connection.deleted", object: toConnection(ctx, row) }, tx);
    return { id: row.id, object: "provider_connection" as const, deleted: true as const };
  });
}

/** The Stripe webhook secret and connection, for verifying an incoming webhook; no tenant context. */
export async function stripeConnectionForWebhook(
  keyBase64: string,
  connectionId: string,
  db: ServiceContext["services"]["db"],
): Promise<{ row: ProviderConnectionRow; webhookSecret: string } | undefined> {
  const [row] = await db
    .select()
    .from(providerConnections)
    .where(and(eq(providerConnections.id, connectionId), eq(providerConnections.provider, STRIPE)))
    .limit(1);
  if (!row?.credentialsEncrypted) return undefined;
  const credentials = await decryptCredentials(keyBase64, row.id, row.credentialsEncrypted);
  return credentials.webhook_secret ? { row, webhookSecret: credentials.webhook_secret } : undefined;
}
