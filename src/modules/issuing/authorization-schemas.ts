import { z } from "@hono/zod-openapi";
import { listQuerySchema } from "../../core/pagination";
import { currencyCode, environmentSchema, idParams, positiveAmount, timestamp } from "../../core/schemas";

export const channels = ["online", "contactless", "chip", "swipe", "atm"] as const;
export const authorizationStatuses = ["pending_request", "pending", "closed", "reversed"] as const;

const merchantDataInput = z
  .object({
    name: z.string().min(1).max(100),
    category_code: z.string().regex(/^\d{4}$/, "A four-digit ISO 18245 merchant category code."),
    country: z.string().regex(/^[A-Z]{2}$/, "Use an upper-case ISO 3166-1 alpha-2 country code."),
  })
  .strict()
  .openapi("IssuingMerchantDataInput");

export const createAuthorizationBody = z
  .object({
    card: z.string().min(1).max(255).openapi({ example: "ic_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    amount: positiveAmount,
    currency: currencyCode,
    channel: z.enum(channels),
    merchant_data: merchantDataInput,
  })
  .strict()
  .openapi("SimulateIssuingAuthorization");

export type CreateAuthorizationInput = z.infer<typeof createAuthorizationBody>;

/** What the merchant's authorization webhook answers (extra fields are ignored). */
export const authorizationWebhookAnswer = z.object({
  approved: z.boolean(),
  reason_codes: z
    .array(z.string().regex(/^[a-z0-9_]{1,64}$/))
    .max(10)
    .optional(),
});

export const captureAuthorizationBody = z
  .object({
    amount: positiveAmount.optional().openapi({
      description:
        "Default: the pending amount. Less releases the rest; more takes the difference from the funding balance.",
    }),
  })
  .strict()
  .openapi("CaptureIssuingAuthorization");

export const incrementAuthorizationBody = z
  .object({ amount: positiveAmount.openapi({ description: "The amount added to the authorization." }) })
  .strict()
  .openapi("IncrementIssuingAuthorization");

export const reverseAuthorizationBody = z
  .object({
    amount: positiveAmount.optional().openapi({ description: "Default: the whole pending amount." }),
  })
  .strict()
  .openapi("ReverseIssuingAuthorization");

const merchantDataSchema = z.object({
  name: z.string(),
  category_code: z.string(),
  category: z.string(),
  country: z.string(),
});

export const authorizationSchema = z
  .object({
    id: z.string().openapi({ example: "iauth_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("issuing_authorization"),
    environment: environmentSchema,
    card: z.string(),
    cardholder: z.string(),
    approved: z.boolean(),
    decline_reason: z.string().nullable().openapi({
      description:
        "card_inactive, card_frozen, card_canceled, cardholder_inactive, card_expired, currency_mismatch, online_not_allowed, atm_not_allowed, contactless_not_allowed, merchant_category_not_allowed, merchant_category_blocked, country_not_allowed, <interval>_limit_exceeded, insufficient_funds; webhook_declined, webhook_no_answer (the authorization webhook).",
    }),
    decided_by: z.enum(["controls", "merchant", "timeout_default"]).nullable().openapi({
      description:
        "controls (our checks; also an approval the re-check refused), merchant (its authorization webhook), timeout_default (the card's on_timeout without a usable answer); null while pending_request.",
    }),
    reason_codes: z.array(z.string()).openapi({
      description:
        "Every reason behind the decision: a control's code; the webhook's outcome (webhook_approved, webhook_declined, webhook_timeout, webhook_invalid_response, webhook_failed) and the merchant's own codes.",
    }),
    status: z.enum(authorizationStatuses),
    amount: z.number().int(),
    pending_amount: z.number().int(),
    captured_amount: z.number().int(),
    currency: z.string(),
    funding_mode: z.enum(["prefunded", "just_in_time"]),
    channel: z.enum(channels),
    merchant_data: merchantDataSchema,
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("IssuingAuthorization");

export type Authorization = z.infer<typeof authorizationSchema>;

export const issuingTransactionSchema = z
  .object({
    id: z.string().openapi({ example: "ipi_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("issuing_transaction"),
    environment: environmentSchema,
    type: z.enum(["capture", "refund"]),
    card: z.string(),
    cardholder: z.string(),
    authorization: z.string().nullable(),
    amount: z
      .number()
      .int()
      .openapi({ description: "Negative for a capture (spent), positive for a refund." }),
    currency: z.string(),
    merchant_data: merchantDataSchema,
    ledger_transaction: z.string(),
    refund_of: z.string().nullable(),
    refunded_amount: z.number().int(),
    disputed_amount: z
      .number()
      .int()
      .openapi({ description: "Captures: the amount of an open dispute; no refund can take it meanwhile." }),
    created_at: timestamp,
  })
  .openapi("IssuingTransaction");

export type IssuingTransaction = z.infer<typeof issuingTransactionSchema>;

export const forceCaptureBody = z
  .object({
    card: z.string().min(1).max(255),
    amount: positiveAmount,
    currency: currencyCode,
    merchant_data: merchantDataInput,
  })
  .strict()
  .openapi("SimulateIssuingForceCapture");

export const refundTransactionBody = z
  .object({ amount: positiveAmount.optional().openapi({ description: "Default: what is left to refund." }) })
  .strict()
  .openapi("RefundIssuingTransaction");

export const authorizationIdParams = idParams("iauth_3kTq9yQy7yJ4pQz2Xb8w1LmN");
export const transactionIdParams = idParams("ipi_3kTq9yQy7yJ4pQz2Xb8w1LmN");

export const listAuthorizationsQuery = listQuerySchema.extend({
  card: z.string().max(255).optional(),
  status: z.enum(authorizationStatuses).optional(),
});

export const listIssuingTransactionsQuery = listQuerySchema.extend({
  card: z.string().max(255).optional(),
  type: z.enum(["capture", "refund"]).optional(),
});
