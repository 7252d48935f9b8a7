import { and, asc, eq, type SQL } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import type { Executor } from "../../core/db";
import { ApiError } from "../../core/errors";
import { previousAttributes, recordChange } from "../../core/events";
import { newId } from "../../core/ids";
import { type ListPage, type ListQuery, paginateTable } from "../../core/pagination";
import { decryptCredentials, encryptCredentials } from "./credentials";
import { providerErrorRates } from "./health";
import type { RoutingCandidate, RoutingRule } from "./routing";
import { findSandboxProcessor, sandboxProcessorSpecs, sandboxProcessors } from "./sandbox";
import type {
  Connection,
  CreateConnectionInput,
  RoutingRuleInput,
  RoutingRuleObject,
  UpdateConnectionInput,
  UpdateRoutingRuleInput,
} from "./schemas";
import { createStripeProvider, STRIPE_API_BASE, stripeCapabilities, stripeFees } from "./stripe";
import { type ProviderConnectionRow, providerConnections, type RoutingRuleRow, routingRules } from "./tables";
import type { PaymentProvider } from "./types";

const STRIPE = "stripe";

function knownProvider(ctx: ServiceContext, provider: string): boolean {
  return (
    provider === STRIPE || (ctx.environment === "sandbox" && findSandboxProcessor(provider) !== undefined)
  );
}

function describe(
  provider: string,
): Pick<
  PaymentProvider,
  "name" | "capabilities" | "fees" | "settlementDelayDays" | "returnsFeeOnFullRefund"
> {
  const sandbox = findSandboxProcessor(provider);
  if (sandbox) return sandbox;
  return {
    name: "Stripe",
    capabilities: stripeCapabilities,
    fees: stripeFees,
    settlementDelayDays: 2,
    returnsFeeOnFullRefund: false,
  };
}

function toConnection(ctx: ServiceContext, row: ProviderConnectionRow): Connection {
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

function connectionScope(ctx: ServiceContext): SQL[] {
  return [
    eq(providerConnections.merchantId, ctx.merchantId),
    eq(providerConnections.environment, ctx.environment),
  ];
}

/** Sandbox merchants start with every simulated processor connected; created on first use. */
/** `db` is the caller's transaction when it has one, so a payment never opens a second connection. */
async function connectionRows(
  ctx: ServiceContext,
  db: Executor = ctx.services.db,
): Promise<ProviderConnectionRow[]> {
  const { clock } = ctx.services;
  const read = () =>
    db
      .select()
      .from(providerConnections)
      .where(and(...connectionScope(ctx)))
      .orderBy(asc(providerConnections.createdAt), asc(providerConnections.provider));
  const rows = await read();
  if (ctx.environment !== "sandbox") return rows;
  const missing = sandboxProcessorSpecs.filter((spec) => !rows.some((row) => row.provider === spec.id));
  if (missing.length === 0) return rows;
  const now = clock.now();
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
  return read();
}

/**
 * The API base a connection may use: Stripe's own, or (PROVIDERS_ALLOW_LOCALHOST, local development)
 * a loopback test double for a sandbox connection. The flag never applies to production
 * connections, even when set. Checked when the connection is saved and again on every call.
 */
function allowedApiBase(ctx: ServiceContext, url: string): string | undefined {
  const parsed = new URL(url);
  if (parsed.origin === STRIPE_API_BASE) return parsed.origin;
  const loopback = parsed.hostname === "127.0.0.1" || parsed.hostname === "localhost";
  const local = ctx.environment === "sandbox" && ctx.services.config.PROVIDERS_ALLOW_LOCALHOST;
  return loopback && local ? parsed.origin : undefined;
}

function validateApiBase(ctx: ServiceContext, url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const allowed = allowedApiBase(ctx, url);
  if (allowed) return allowed;
  throw new ApiError("parameter_invalid", {
    param: "api_base_url",
    message: `api_base_url must be ${STRIPE_API_BASE}.`,
  });
}

function validateStripeCredentials(credentials: { secret_key: string; webhook_secret: string }): void {
  if (!/^(sk|rk)_(test|live)_[0-9A-Za-z]+$/.test(credentials.secret_key)) {
    throw new ApiError("provider_credentials_invalid", { param: "credentials.secret_key" });
  }
  if (!/^whsec_[0-9A-Za-z+/=]+$/.test(credentials.webhook_secret)) {
    throw new ApiError("provider_credentials_invalid", { param: "credentials.webhook_secret" });
  }
}

export async function listConnections({ ctx }: { ctx: ServiceContext }): Promise<Connection[]> {
  return (await connectionRows(ctx)).map((row) => toConnection(ctx, row));
}

async function findConnection(ctx: ServiceContext, id: string): Promise<ProviderConnectionRow> {
  const [row] = await ctx.services.db
    .select()
    .from(providerConnections)
    .where(and(eq(providerConnections.id, id), ...connectionScope(ctx)))
    .limit(1);
  if (!row)
    throw new ApiError("resource_missing", { param: "id", message: `No such provider connection: ${id}` });
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
    await recordChange(tx, ctx, { type: "provider_connection.created", object: connection });
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
      .where(and(eq(providerConnections.id, id), ...connectionScope(ctx)))
      .returning();
    if (!row) throw new ApiError("resource_missing", { param: "id" });
    const connection = toConnection(ctx, row);
    await recordChange(tx, ctx, {
      type: "provider_connection.updated",
      object: connection,
      previousAttributes: input.enabled === undefined ? {} : { enabled: before.enabled },
    });
    return connection;
  });
}

export async function deleteConnection({ ctx, id }: { ctx: ServiceContext; id: string }) {
  return ctx.services.transaction(async (tx) => {
    const [row] = await tx
      .delete(providerConnections)
      .where(and(eq(providerConnections.id, id), ...connectionScope(ctx)))
      .returning();
    if (!row)
      throw new ApiError("resource_missing", { param: "id", message: `No such provider connection: ${id}` });
    await recordChange(tx, ctx, { type: "provider_connection.deleted", object: toConnection(ctx, row) });
    return { id: row.id, object: "provider_connection" as const, deleted: true as const };
  });
}

async function buildProvider(
  ctx: ServiceContext,
  row: ProviderConnectionRow,
): Promise<PaymentProvider | undefined> {
  if (row.provider !== STRIPE) return sandboxProcessors.find((provider) => provider.id === row.provider);
  if (!row.credentialsEncrypted) return undefined;
  const credentials = await decryptCredentials(
    ctx.services.config.PROVIDER_CREDENTIALS_KEY,
    row.id,
    row.credentialsEncrypted,
  );
  return createStripeProvider({
    secretKey: credentials.secret_key ?? "",
    apiBase: allowedApiBase(ctx, row.settings.api_base_url ?? STRIPE_API_BASE) ?? STRIPE_API_BASE,
    timeoutMs: ctx.services.config.PROVIDER_TIMEOUT_MS,
  });
}

/** The Stripe webhook secret and connection, for verifying an incoming webhook; no tenant context. */
export async function stripeConnectionForWebhook(
  db: ServiceContext["services"]["db"],
  keyBase64: string,
  connectionId: string,
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

export interface RoutingSetup {
  providers: Map<string, PaymentProvider>;
  candidates: RoutingCandidate[];
  rules: RoutingRule[];
}

/** Everything routing needs for one payment: enabled providers, their health, the merchant's rules. */
export async function loadRoutingSetup(ctx: ServiceContext, db: Executor): Promise<RoutingSetup> {
  const rows = await connectionRows(ctx, db);
  const rules = await ruleRows(ctx, db);
  const providers = new Map<string, PaymentProvider>();
  for (const row of rows.filter((candidate) => candidate.enabled)) {
    const provider = await buildProvider(ctx, row);
    if (provider) providers.set(provider.id, provider);
  }
  const rates = await providerErrorRates(ctx, [...providers.keys()]);
  return {
    providers,
    candidates: [...providers.values()].map((provider) => ({
      id: provider.id,
      capabilities: provider.capabilities,
      fees: provider.fees,
      errorRate: rates.get(provider.id) ?? 0,
    })),
    rules: rules.map((rule) => ({
      id: rule.id,
      action: rule.action,
      provider: rule.provider,
      currency: rule.currency,
      country: rule.country,
      percentage: rule.percentage,
    })),
  };
}

/** The provider that handled a payment, for capture, cancel and refund (even if since disabled). */
export async function providerForPayment(
  ctx: ServiceContext,
  providerId: string,
  db: Executor,
): Promise<PaymentProvider> {
  const rows = await connectionRows(ctx, db);
  const row = rows.find((candidate) => candidate.provider === providerId);
  const provider = row ? await buildProvider(ctx, row) : findSandboxProcessor(providerId);
  if (!provider)
    throw new ApiError("provider_unavailable", { message: `Provider ${providerId} is not connected.` });
  return provider;
}

function ruleScope(ctx: ServiceContext): SQL[] {
  return [eq(routingRules.merchantId, ctx.merchantId), eq(routingRules.environment, ctx.environment)];
}

function ruleRows(ctx: ServiceContext, db: Executor = ctx.services.db): Promise<RoutingRuleRow[]> {
  return db
    .select()
    .from(routingRules)
    .where(and(...ruleScope(ctx)))
    .orderBy(asc(routingRules.createdAt), asc(routingRules.id));
}

function toRule(row: RoutingRuleRow): RoutingRuleObject {
  return {
    id: row.id,
    object: "routing_rule",
    environment: row.environment,
    action: row.action,
    provider: row.provider,
    currency: row.currency,
    country: row.country,
    percentage: row.percentage,
    created_at: row.createdAt.toISOString(),
  };
}

function validateRule(ctx: ServiceContext, input: RoutingRuleInput): void {
  if (!knownProvider(ctx, input.provider)) throw new ApiError("provider_unknown", { param: "provider" });
  if (input.action === "split" && !input.percentage) {
    throw new ApiError("parameter_missing", {
      param: "percentage",
      message: "A split rule needs a percentage.",
    });
  }
  if (input.action !== "split" && input.percentage) {
    throw new ApiError("parameter_invalid", {
      param: "percentage",
      message: "Only split rules take a percentage.",
    });
  }
}

export async function createRoutingRule({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: RoutingRuleInput;
}): Promise<RoutingRuleObject> {
  validateRule(ctx, input);
  return ctx.services.transaction(async (tx) => {
    const [row] = await tx
      .insert(routingRules)
      .values({
        id: newId("routingRule"),
        merchantId: ctx.merchantId,
        environment: ctx.environment,
        action: input.action,
        provider: input.provider,
        currency: input.currency ?? null,
        country: input.country ?? null,
        percentage: input.percentage ?? null,
        createdAt: ctx.services.clock.now(),
      })
      .returning();
    if (!row) throw new Error("insert returned no row");
    const rule = toRule(row);
    await recordChange(tx, ctx, { type: "routing_rule.created", object: rule });
    return rule;
  });
}

export async function retrieveRoutingRule({ ctx, id }: { ctx: ServiceContext; id: string }) {
  const [row] = await ctx.services.db
    .select()
    .from(routingRules)
    .where(and(eq(routingRules.id, id), ...ruleScope(ctx)))
    .limit(1);
  if (!row) throw new ApiError("resource_missing", { param: "id", message: `No such routing rule: ${id}` });
  return toRule(row);
}

export async function updateRoutingRule({
  ctx,
  id,
  input,
}: {
  ctx: ServiceContext;
  id: string;
  input: UpdateRoutingRuleInput;
}): Promise<RoutingRuleObject> {
  return ctx.services.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(routingRules)
      .where(and(eq(routingRules.id, id), ...ruleScope(ctx)))
      .for("update")
      .limit(1);
    if (!before)
      throw new ApiError("resource_missing", { param: "id", message: `No such routing rule: ${id}` });
    const merged: RoutingRuleInput = {
      action: input.action ?? before.action,
      provider: input.provider ?? before.provider,
      currency: input.currency === undefined ? before.currency : input.currency,
      country: input.country === undefined ? before.country : input.country,
      percentage: input.percentage === undefined ? before.percentage : input.percentage,
    };
    validateRule(ctx, merged);
    const [row] = await tx
      .update(routingRules)
      .set({
        action: merged.action,
        provider: merged.provider,
        currency: merged.currency ?? null,
        country: merged.country ?? null,
        percentage: merged.percentage ?? null,
      })
      .where(eq(routingRules.id, id))
      .returning();
    if (!row) throw new Error("update returned no row");
    const rule = toRule(row);
    await recordChange(tx, ctx, {
      type: "routing_rule.updated",
      object: rule,
      previousAttributes: previousAttributes(toRule(before), rule),
    });
    return rule;
  });
}

export async function deleteRoutingRule({ ctx, id }: { ctx: ServiceContext; id: string }) {
  return ctx.services.transaction(async (tx) => {
    const [row] = await tx
      .delete(routingRules)
      .where(and(eq(routingRules.id, id), ...ruleScope(ctx)))
      .returning();
    if (!row) throw new ApiError("resource_missing", { param: "id", message: `No such routing rule: ${id}` });
    await recordChange(tx, ctx, { type: "routing_rule.deleted", object: toRule(row) });
    return { id: row.id, object: "routing_rule" as const, deleted: true as const };
  });
}

export async function listRoutingRules({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListQuery;
}): Promise<ListPage<RoutingRuleObject>> {
  const { db } = ctx.services;
  const page = await paginateTable({
    db,
    table: routingRules,
    scope: ruleScope(ctx),
    tenantScope: ruleScope(ctx),
    query,
  });
  return { data: page.data.map(toRule), hasMore: page.hasMore };
}
