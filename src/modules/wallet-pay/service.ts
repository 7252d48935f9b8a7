import { eq } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { Config } from "../../core/config";
import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { changeStatement } from "../../core/events";
import { newId } from "../../core/ids";
import { clipText } from "../../core/input-safety";
import { merchants } from "../../core/tables";
import { loadRoutingSetup, routePayment } from "../providers/service";
import { appleValidationUrl, requestMerchantSession } from "./merchant-validation";
import { findWalletSession, toWalletSession, WALLET_SESSION_TTL_SECONDS } from "./rows";
import type { CreateWalletSessionInput, WalletSession } from "./schemas";
import { type Wallet, type WalletSessionRow, walletSessions, wallets } from "./tables";

/**
 * The wallet-pay module's door: wallet sessions (what the device payment sheet needs), Apple Pay
 * merchant validation, and completion with the device's encrypted token (complete.ts).
 */
export { completeWalletSession } from "./complete";

export async function createWalletSession({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateWalletSessionInput;
}): Promise<WalletSession> {
  const now = ctx.services.clock.now();
  const row: WalletSessionRow = {
    id: newId("walletSession"),
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    wallet: input.wallet,
    status: "open",
    amount: input.amount,
    currency: input.currency,
    country: input.country,
    merchantDomain: input.merchant_domain,
    displayName: input.display_name,
    paymentId: null,
    metadata: input.metadata ?? {},
    expiresAt: new Date(now.getTime() + WALLET_SESSION_TTL_SECONDS * 1000),
    createdAt: now,
    updatedAt: now,
  };
  const session = toWalletSession(row, ctx.services.config, now);
  const { db } = ctx.services;
  await runBatch(
    ctx.services,
    [
      db.insert(walletSessions).values(row),
      db.execute(changeStatement(ctx, { type: "wallet_session.created", object: session })),
    ],
    { response: session },
  );
  return session;
}

export async function retrieveWalletSession({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<WalletSession> {
  return toWalletSession(await findWalletSession(ctx, id), ctx.services.config, ctx.services.clock.now());
}

/**
 * Apple Pay merchant validation: the validationURL is checked against Apple's gateways before
 * anything else (an SSRF otherwise), then Apple is asked for a merchant session for the session's
 * domain and display name. Nothing is written: the merchant session is Apple's, for the browser.
 */
export async function validateApplePayMerchant({
  ctx,
  id,
  validationUrl,
}: {
  ctx: ServiceContext;
  id: string;
  validationUrl: string;
}): Promise<Record<string, unknown>> {
  const url = appleValidationUrl(validationUrl);
  const row = await findWalletSession(ctx, id);
  if (row.wallet !== "apple_pay") {
    throw new ApiError("wallet_session_state_invalid", {
      param: "id",
      message: "Merchant validation is for Apple Pay sessions.",
    });
  }
  const session = toWalletSession(row, ctx.services.config, ctx.services.clock.now());
  if (session.status !== "open") {
    throw new ApiError("wallet_session_state_invalid", { message: `The session is ${session.status}.` });
  }
  return requestMerchantSession(ctx, url, {
    merchantIdentifier: ctx.services.config.APPLE_PAY_MERCHANT_IDENTIFIER,
    displayName: row.displayName,
    initiative: "web",
    initiativeContext: row.merchantDomain,
  });
}

/** The domain association file Apple fetches from each merchant domain, from configuration. */
export function applePayDomainAssociation(config: Config): string | undefined {
  return config.APPLE_PAY_DOMAIN_ASSOCIATION;
}

/** Whether this deployment holds the keys to open the wallet's tokens in this environment. */
function walletConfigured(wallet: Wallet, ctx: ServiceContext): boolean {
  const { config } = ctx.services;
  if (wallet === "apple_pay")
    return Boolean(config.APPLE_PAY_PAYMENT_PROCESSING_KEY && config.APPLE_PAY_ROOT_CA);
  const rootKeys =
    ctx.environment === "production" ? config.GOOGLE_PAY_ROOT_KEYS : config.GOOGLE_PAY_TEST_ROOT_KEYS;
  return Boolean(config.GOOGLE_PAY_PRIVATE_KEY) && rootKeys.length > 0;
}

/**
 * The wallets a page may offer for a card payment of this amount: configured on this deployment,
 * and routing has a provider that takes a card in this currency (and payer country, when known).
 * Whether the device can pay with them is the page script's question.
 */
export async function availableWallets({
  ctx,
  currency,
  country,
  amount,
}: {
  ctx: ServiceContext;
  currency: string;
  country: string | null;
  amount: number;
}): Promise<Wallet[]> {
  const configured = wallets.filter((wallet) => walletConfigured(wallet, ctx));
  if (configured.length === 0) return [];
  const setup = await loadRoutingSetup(ctx);
  const decision = routePayment(setup.candidates, {
    method: "card",
    currency,
    country,
    amount,
    rules: setup.rules,
    splitBucket: 0,
  });
  return decision.order.length > 0 ? configured : [];
}

/** The name a payment sheet shows: the merchant's business name. */
export async function merchantDisplayName(ctx: ServiceContext): Promise<string> {
  const [row] = await ctx.services.db
    .select({ name: merchants.businessName })
    .from(merchants)
    .where(eq(merchants.id, ctx.merchantId))
    .limit(1);
  return clipText(row?.name ?? "", 64) || ctx.merchantId;
}

export type { Wallet } from "./tables";
