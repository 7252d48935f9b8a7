import type { Config } from "../../core/config";
import type { ServiceContext } from "../../core/context";
import { notFound } from "../../core/errors";
import { formatAmount } from "../../core/money";
import { tenantRow } from "../../core/tenancy";
import type { WalletSession } from "./schemas";
import { type WalletSessionRow, walletSessions } from "./tables";

/** How long a session takes a token: a payment sheet is open for minutes, not hours. */
export const WALLET_SESSION_TTL_SECONDS = 30 * 60;
/** The card networks both wallets are offered (what the sandbox processors take). */
const NETWORKS = {
  apple: ["visa", "masterCard", "amex", "discover"],
  google: ["VISA", "MASTERCARD", "AMEX", "DISCOVER"],
};

function applePaySheet(row: WalletSessionRow, config: Config): WalletSession["apple_pay"] {
  return {
    merchant_identifier: config.APPLE_PAY_MERCHANT_IDENTIFIER,
    payment_request: {
      countryCode: row.country,
      currencyCode: row.currency,
      supportedNetworks: NETWORKS.apple,
      merchantCapabilities: ["supports3DS"],
      total: { label: row.displayName, amount: formatAmount(row.amount, row.currency), type: "final" },
    },
  };
}

function googlePaySheet(row: WalletSessionRow, config: Config): WalletSession["google_pay"] {
  const production = row.environment === "production";
  return {
    environment: production ? "PRODUCTION" : "TEST",
    payment_data_request: {
      apiVersion: 2,
      apiVersionMinor: 0,
      merchantInfo: {
        merchantName: row.displayName,
        ...(production && config.GOOGLE_PAY_MERCHANT_ID ? { merchantId: config.GOOGLE_PAY_MERCHANT_ID } : {}),
      },
      allowedPaymentMethods: [
        {
          type: "CARD",
          parameters: {
            allowedAuthMethods: ["PAN_ONLY", "CRYPTOGRAM_3DS"],
            allowedCardNetworks: NETWORKS.google,
          },
          tokenizationSpecification: {
            type: "PAYMENT_GATEWAY",
            parameters: { gateway: config.GOOGLE_PAY_GATEWAY_ID, gatewayMerchantId: row.merchantId },
          },
        },
      ],
      transactionInfo: {
        totalPriceStatus: "FINAL",
        totalPrice: formatAmount(row.amount, row.currency),
        currencyCode: row.currency,
        countryCode: row.country,
      },
    },
  };
}

export function toWalletSession(row: WalletSessionRow, config: Config, now: Date): WalletSession {
  return {
    id: row.id,
    object: "wallet_session",
    environment: row.environment,
    wallet: row.wallet,
    status: row.status === "open" && row.expiresAt <= now ? "expired" : row.status,
    amount: row.amount,
    currency: row.currency,
    country: row.country,
    merchant_domain: row.merchantDomain,
    display_name: row.displayName,
    payment: row.paymentId,
    apple_pay: row.wallet === "apple_pay" ? applePaySheet(row, config) : null,
    google_pay: row.wallet === "google_pay" ? googlePaySheet(row, config) : null,
    metadata: row.metadata,
    expires_at: row.expiresAt.toISOString(),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** The session's row, scoped to the merchant and environment; a 404 otherwise. */
export async function findWalletSession(ctx: ServiceContext, id: string): Promise<WalletSessionRow> {
  const [row] = await ctx.services.db
    .select()
    .from(walletSessions)
    .where(tenantRow(walletSessions, ctx, id))
    .limit(1);
  if (!row) throw notFound("wallet session", id);
  return row;
}
