import type { ServiceContext } from "../../core/context";
import type { Executor } from "../../core/db";
import { ApiError } from "../../core/errors";
import { allowedApiBase, STRIPE } from "./catalog";
import { connectionRows, connectionsQuery, withSandboxConnections } from "./connections";
import { decryptCredentials } from "./credentials";
import { providerErrorRates } from "./health";
import type { RoutingCandidate, RoutingRule } from "./routing";
import { rulesQuery } from "./rules";
import { findSandboxProcessor, sandboxProcessors } from "./sandbox";
import { createStripeProvider, STRIPE_API_BASE } from "./stripe";
import type { ProviderConnectionRow, RoutingRuleRow } from "./tables";
import type { PaymentProvider } from "./types";

/** Building the providers a payment may use from the merchant's connections, and routing's inputs. */

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

export interface RoutingSetup {
  providers: Map<string, PaymentProvider>;
  candidates: RoutingCandidate[];
  rules: RoutingRule[];
}

/** The reads routing needs, as queries for the caller's one read batch: connections, then rules. */
export function routingReads(ctx: ServiceContext) {
  return [connectionsQuery(ctx), rulesQuery(ctx)] as const;
}

/**
 * Everything routing needs for one payment from the rows routingReads read: the enabled providers,
 * their health (from the isolate's copy, see health.ts), the merchant's rules. No round trip in
 * the steady state; a sandbox merchant's first payment connects the simulated processors.
 */
export async function routingSetupFrom(
  ctx: ServiceContext,
  connections: ProviderConnectionRow[],
  rules: RoutingRuleRow[],
): Promise<RoutingSetup> {
  const rows = await withSandboxConnections(ctx, connections);
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

/** Everything routing needs for one payment, read in one batch. */
export async function loadRoutingSetup(ctx: ServiceContext): Promise<RoutingSetup> {
  const [connections, rules] = await ctx.services.db.batch(routingReads(ctx));
  return routingSetupFrom(ctx, connections, rules);
}

/** The provider that handled a payment, for capture, cancel and refund (even if since disabled). */
export async function providerForPayment(
  ctx: ServiceContext,
  providerId: string,
  db: Executor,
): Promise<PaymentProvider> {
  return providerFrom(ctx, providerId, await connectionRows(ctx, db));
}

/** The connections providerFrom needs, as a query for the caller's read batch. */
export function providerReads(ctx: ServiceContext) {
  return connectionsQuery(ctx);
}

/** providerForPayment on connections the caller already read (providerReads). */
export async function providerFrom(
  ctx: ServiceContext,
  providerId: string,
  connections: ProviderConnectionRow[],
): Promise<PaymentProvider> {
  const row = connections.find((candidate) => candidate.provider === providerId);
  const provider = row ? await buildProvider(ctx, row) : findSandboxProcessor(providerId);
  if (!provider)
    throw new ApiError("provider_unavailable", { message: `Provider ${providerId} is not connected.` });
  return provider;
}
