import { and, eq, gt, sql } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import { bytesToHex, sha256, utf8 } from "../../core/bytes";
import type { Config } from "../../core/config";
import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { changeStatement } from "../../core/events";
import { tenantScope } from "../../core/tenancy";
import { createPayment } from "../payments/service";
import { openApplePayToken } from "./apple-pay";
import type { WalletCard } from "./card";
import { openGooglePayToken } from "./google-pay";
import { findWalletSession, toWalletSession } from "./rows";
import type { WalletSession } from "./schemas";
import { type WalletSessionRow, walletSessions, walletTokens } from "./tables";

function notConfigured(wallet: string): ApiError {
  return new ApiError("wallet_not_configured", {
    message: `${wallet} is not configured on this deployment.`,
  });
}

/** Verifies and decrypts the token for this session's wallet: the card and what replay protection hashes. */
async function openToken(row: WalletSessionRow, token: string, config: Config, now: Date) {
  if (row.wallet === "google_pay") {
    const rootKeys =
      row.environment === "production" ? config.GOOGLE_PAY_ROOT_KEYS : config.GOOGLE_PAY_TEST_ROOT_KEYS;
    if (!config.GOOGLE_PAY_PRIVATE_KEY || rootKeys.length === 0) throw notConfigured("Google Pay");
    const opened = await openGooglePayToken(
      token,
      {
        recipientId: `gateway:${config.GOOGLE_PAY_GATEWAY_ID}`,
        privateKey: config.GOOGLE_PAY_PRIVATE_KEY,
        rootKeys,
      },
      now,
    );
    if (opened.gatewayMerchantId !== row.merchantId) {
      throw new ApiError("wallet_token_invalid", {
        param: "token",
        message: "The token was made for another merchant.",
      });
    }
    return opened;
  }
  if (!config.APPLE_PAY_PAYMENT_PROCESSING_KEY || !config.APPLE_PAY_ROOT_CA) throw notConfigured("Apple Pay");
  const opened = await openApplePayToken(
    token,
    {
      merchantIdentifier: config.APPLE_PAY_MERCHANT_IDENTIFIER,
      privateKey: config.APPLE_PAY_PAYMENT_PROCESSING_KEY,
      rootCertificate: config.APPLE_PAY_ROOT_CA,
      signingWindowSeconds: config.APPLE_PAY_SIGNING_WINDOW_SECONDS,
    },
    now,
  );
  if (opened.amount !== null && opened.amount !== row.amount) {
    throw new ApiError("wallet_token_invalid", {
      param: "token",
      message: "The token's amount is not the session's.",
    });
  }
  return opened;
}

/**
 * One statement: the token's hash is recorded (a token is accepted once, whatever happens next),
 * and only a new token moves the open, unexpired session to processing. Returns which held.
 */
async function claimToken(ctx: ServiceContext, row: WalletSessionRow, tokenHash: string, now: Date) {
  const { db } = ctx.services;
  const record = db
    .insert(walletTokens)
    .values({
      tokenHash,
      merchantId: ctx.merchantId,
      environment: ctx.environment,
      sessionId: row.id,
      createdAt: now,
    })
    .onConflictDoNothing()
    .returning({ sessionId: walletTokens.sessionId });
  const claim = db
    .update(walletSessions)
    .set({ status: "processing", updatedAt: now })
    .where(
      and(
        eq(walletSessions.id, row.id),
        ...tenantScope(walletSessions, ctx),
        eq(walletSessions.status, "open"),
        gt(walletSessions.expiresAt, now),
        sql`exists (select 1 from recorded)`,
      ),
    )
    .returning({ id: walletSessions.id });
  const [result] = await runBatch(ctx.services, [
    db.execute(sql`with recorded as ${record}, claimed as ${claim}
      select (select count(*) from recorded)::int as fresh, (select count(*) from claimed)::int as claimed`),
  ]);
  const [counts] = (result as { rows?: Array<{ fresh?: unknown; claimed?: unknown }> }).rows ?? [];
  if (Number(counts?.fresh) !== 1) throw new ApiError("wallet_token_replayed", { param: "token" });
  if (Number(counts?.claimed) !== 1) {
    throw new ApiError("wallet_session_state_invalid", { message: "The session is not open for a token." });
  }
}

/** Back to open after a declined payment, so the customer can pay with another card. */
async function reopen(ctx: ServiceContext, row: WalletSessionRow) {
  await ctx.services.db
    .update(walletSessions)
    .set({ status: "open", updatedAt: ctx.services.clock.now() })
    .where(
      and(
        eq(walletSessions.id, row.id),
        ...tenantScope(walletSessions, ctx),
        eq(walletSessions.status, "processing"),
      ),
    );
}

/**
 * The payment, as a card payment with the device's card, which never leaves memory: a DPAN with
 * its cryptogram goes to the provider as a network token; Google's PAN_ONLY card is a plain card.
 * The session's metadata (a checkout session's id, for one) goes on the payment too.
 */
function payWithCard(ctx: ServiceContext, row: WalletSessionRow, card: WalletCard) {
  return createPayment({
    ctx,
    input: {
      amount: row.amount,
      currency: row.currency,
      confirm: true,
      capture_method: "automatic",
      payment_method_data: {
        type: "card",
        card: { number: card.number, exp_month: card.expMonth, exp_year: card.expYear },
      },
      description: `${row.wallet === "apple_pay" ? "Apple Pay" : "Google Pay"}: ${row.displayName}`,
      metadata: { ...row.metadata, wallet_session: row.id, wallet: row.wallet },
    },
    ...(card.cryptogram
      ? { networkToken: { cryptogram: card.cryptogram, eci: card.eci, wallet: row.wallet } }
      : {}),
  });
}

/**
 * Completes a session with the device's encrypted token: verify and decrypt it (no I/O), record
 * its hash and claim the session (one batch), pay with its card (the payments module: record,
 * call the provider, apply), then mark the session complete with its event (one batch). A decline
 * reopens the session and is answered as the payment's 402.
 */
export async function completeWalletSession({
  ctx,
  id,
  token,
}: {
  ctx: ServiceContext;
  id: string;
  token: string;
}): Promise<WalletSession> {
  const { config, clock, db } = ctx.services;
  const row = await findWalletSession(ctx, id);
  const now = clock.now();
  const current = toWalletSession(row, config, now);
  if (current.status !== "open") {
    throw new ApiError("wallet_session_state_invalid", { message: `The session is ${current.status}.` });
  }
  const opened = await openToken(row, token, config, now);
  await claimToken(ctx, row, bytesToHex(await sha256(utf8(opened.replayKey))), now);
  let paymentId: string;
  try {
    paymentId = (await payWithCard(ctx, row, opened.card)).id;
  } catch (error) {
    await reopen(ctx, row);
    throw error;
  }
  const completedAt = clock.now();
  const completed: WalletSessionRow = { ...row, status: "complete", paymentId, updatedAt: completedAt };
  const session = toWalletSession(completed, config, completedAt);
  await runBatch(ctx.services, [
    db
      .update(walletSessions)
      .set({ status: "complete", paymentId, updatedAt: completedAt })
      .where(and(eq(walletSessions.id, row.id), ...tenantScope(walletSessions, ctx))),
    db.execute(
      changeStatement(ctx, {
        type: "wallet_session.completed",
        object: session,
        previousAttributes: { status: "open", payment: null },
      }),
    ),
  ]);
  return session;
}
