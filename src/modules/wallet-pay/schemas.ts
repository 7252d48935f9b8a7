import { z } from "@hono/zod-openapi";
import { metadataSchema } from "../../core/metadata";
import { currencyCode, environmentSchema, idParams, positiveAmount, timestamp } from "../../core/schemas";
import { walletSessionStatuses, wallets } from "./tables";

/** A DNS host name (no scheme, port or path), lower case. */
const domainName = z
  .string()
  .max(253)
  .regex(
    /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    "A lower-case domain name such as shop.example.com (no scheme, port or path).",
  )
  .openapi({ example: "shop.example.com" });

export const createWalletSessionBody = z
  .object({
    wallet: z.enum(wallets),
    amount: positiveAmount,
    currency: currencyCode,
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, "Use an upper-case ISO 3166-1 alpha-2 country code.")
      .default("US")
      .openapi({ description: "The merchant's country, as the payment sheet needs it.", example: "US" }),
    merchant_domain: domainName.openapi({
      description:
        "The domain the payment sheet runs on (Apple Pay's initiativeContext); registered with Apple.",
    }),
    display_name: z
      .string()
      .min(1)
      .max(64)
      .openapi({ description: "The name the payment sheet shows.", example: "Example Shop" }),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .openapi("CreateWalletSession");
export type CreateWalletSessionInput = z.infer<typeof createWalletSessionBody>;

export const validateApplePayBody = z
  .object({
    validation_url: z.string().max(2000).openapi({
      description: "The validationURL of Safari's onvalidatemerchant event: an Apple Pay gateway URL.",
      example: "https://apple-pay-gateway.apple.com/paymentservices/startSession",
    }),
  })
  .strict()
  .openapi("ValidateApplePayMerchant");

export const completeWalletSessionBody = z
  .object({
    token: z.string().min(1).max(65536).openapi({
      description:
        "Google Pay: paymentMethodData.tokenizationData.token as received. Apple Pay: JSON.stringify(payment.token) (or of payment.token.paymentData).",
    }),
  })
  .strict()
  .openapi("CompleteWalletSession");

const applePaySheetSchema = z
  .object({
    merchant_identifier: z.string(),
    payment_request: z.object({
      countryCode: z.string(),
      currencyCode: z.string(),
      supportedNetworks: z.array(z.string()),
      merchantCapabilities: z.array(z.string()),
      total: z.object({ label: z.string(), amount: z.string(), type: z.literal("final") }),
    }),
  })
  .openapi("ApplePaySheet", { description: "Pass payment_request to new ApplePaySession(3, …)." });

const googlePaySheetSchema = z
  .object({
    environment: z.enum(["TEST", "PRODUCTION"]),
    payment_data_request: z.object({
      apiVersion: z.literal(2),
      apiVersionMinor: z.literal(0),
      merchantInfo: z.object({ merchantName: z.string(), merchantId: z.string().optional() }),
      allowedPaymentMethods: z.array(
        z.object({
          type: z.literal("CARD"),
          parameters: z.object({
            allowedAuthMethods: z.array(z.string()),
            allowedCardNetworks: z.array(z.string()),
          }),
          tokenizationSpecification: z.object({
            type: z.literal("PAYMENT_GATEWAY"),
            parameters: z.object({ gateway: z.string(), gatewayMerchantId: z.string() }),
          }),
        }),
      ),
      transactionInfo: z.object({
        totalPriceStatus: z.literal("FINAL"),
        totalPrice: z.string(),
        currencyCode: z.string(),
        countryCode: z.string(),
      }),
    }),
  })
  .openapi("GooglePaySheet", {
    description: "Pass payment_data_request to loadPaymentData; tokens are ECv2.",
  });

export const walletSessionSchema = z
  .object({
    id: z.string().openapi({ example: "wps_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("wallet_session"),
    environment: environmentSchema,
    wallet: z.enum(wallets),
    status: z.enum([...walletSessionStatuses, "expired"]).openapi({
      description: "expired: still open past expires_at; it takes no token.",
    }),
    amount: z.number().int(),
    currency: z.string(),
    country: z.string(),
    merchant_domain: z.string(),
    display_name: z.string(),
    payment: z.string().nullable().openapi({ description: "The payment the completed token made." }),
    apple_pay: applePaySheetSchema.nullable(),
    google_pay: googlePaySheetSchema.nullable(),
    metadata: z.record(z.string(), z.string()),
    expires_at: timestamp,
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("WalletSession");
export type WalletSession = z.infer<typeof walletSessionSchema>;

export const applePayMerchantSessionSchema = z
  .record(z.string(), z.unknown())
  .openapi("ApplePayMerchantSession", {
    description: "Apple's opaque merchant session: pass it to session.completeMerchantValidation as is.",
  });

export const walletSessionIdParams = idParams("wps_3kTq9yQy7yJ4pQz2Xb8w1LmN");
