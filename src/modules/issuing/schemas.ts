import { z } from "@hono/zod-openapi";
import { metadataSchema } from "../../core/metadata";
import { listQuerySchema } from "../../core/pagination";
import {
  addressSchema,
  currencyCode,
  environmentSchema,
  idParams,
  positiveAmount,
  timestamp,
} from "../../core/schemas";
import { spendingControlsInput, spendingControlsSchema } from "./controls";

const billingAddress = z
  .object({
    line1: z.string().min(1).max(200),
    line2: z.string().max(200).nullish(),
    city: z.string().min(1).max(100),
    state: z.string().max(100).nullish(),
    postal_code: z.string().min(1).max(20),
    country: z.string().regex(/^[A-Z]{2}$/, "Use an upper-case ISO 3166-1 alpha-2 country code."),
  })
  .strict()
  .openapi("BillingAddress");

const cardholderCustomer = z
  .string()
  .regex(/^cus_[0-9A-Za-z]+$/, "Must be a customer id (cus_...).")
  .openapi({
    description:
      "The customer this cardholder is (the card's user): a card is activated only once that customer's individual verification (KYC) is approved. Set once.",
  });

export const createCardholderBody = z
  .object({
    type: z.enum(["individual", "company"]),
    customer: cardholderCustomer.optional(),
    name: z.string().min(1).max(256),
    email: z.email().max(320).optional(),
    phone_number: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, "Use E.164, e.g. +14155550123.")
      .optional(),
    billing: z.object({ address: billingAddress }).strict(),
    status: z.enum(["active", "inactive"]).optional(),
    spending_controls: spendingControlsInput.optional(),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .openapi("CreateIssuingCardholder");

export const updateCardholderBody = z
  .object({
    customer: cardholderCustomer.optional(),
    email: z.email().max(320).optional(),
    phone_number: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, "Use E.164, e.g. +14155550123.")
      .optional(),
    billing: z.object({ address: billingAddress }).strict().optional(),
    status: z.enum(["active", "inactive", "blocked"]).optional(),
    spending_controls: spendingControlsInput.optional(),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .openapi("UpdateIssuingCardholder");

export type CreateCardholderInput = z.infer<typeof createCardholderBody>;
export type UpdateCardholderInput = z.infer<typeof updateCardholderBody>;

export const cardholderSchema = z
  .object({
    id: z.string().openapi({ example: "ich_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("issuing_cardholder"),
    environment: environmentSchema,
    type: z.enum(["individual", "company"]),
    customer: z.string().nullable(),
    name: z.string(),
    email: z.string().nullable(),
    phone_number: z.string().nullable(),
    billing: z.object({ address: addressSchema }),
    status: z.enum(["active", "inactive", "blocked"]),
    spending_controls: spendingControlsSchema,
    metadata: z.record(z.string(), z.string()),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("IssuingCardholder");

export type Cardholder = z.infer<typeof cardholderSchema>;

export const shippingInput = z
  .object({
    name: z.string().min(1).max(256),
    address: billingAddress,
    service: z.enum(["standard", "express", "priority"]).optional(),
  })
  .strict()
  .openapi("IssuingCardShippingInput");

export const authorizationWebhookInput = z
  .object({
    timeout_ms: z.number().int().min(50).max(1500).optional().openapi({
      description:
        "How long the authorization webhook may take (default 1500): the whole decision stays inside the network's 2 s.",
    }),
    on_timeout: z.enum(["approve", "decline"]).optional().openapi({
      description: "What applies without a usable answer in time (default decline).",
    }),
  })
  .strict()
  .openapi("IssuingCardAuthorizationWebhookInput");

export const createCardBody = z
  .object({
    cardholder: z.string().min(1).max(255).openapi({ example: "ich_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    type: z.enum(["virtual", "physical"]),
    currency: currencyCode,
    status: z.enum(["inactive", "active"]).optional().openapi({ description: "Default inactive." }),
    funding_mode: z.enum(["prefunded", "just_in_time"]).optional().openapi({
      description:
        "prefunded (default): authorizations draw on the card's own balance, loaded from the merchant's. just_in_time: each authorization reserves directly from the merchant's available balance.",
    }),
    shipping: shippingInput.optional(),
    spending_controls: spendingControlsInput.optional(),
    authorization_webhook: authorizationWebhookInput.optional(),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .openapi("CreateIssuingCard");

export const updateCardBody = z
  .object({
    status: z.enum(["active", "frozen", "canceled"]).optional(),
    frozen_by: z
      .enum(["merchant", "cardholder"])
      .optional()
      .openapi({ description: "Who asked for the freeze (default merchant); only with status frozen." }),
    cancellation_reason: z.enum(["lost", "stolen", "requested", "fraud"]).optional(),
    spending_controls: spendingControlsInput.optional(),
    authorization_webhook: authorizationWebhookInput.optional(),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .openapi("UpdateIssuingCard");

export const replaceCardBody = z
  .object({
    reason: z.enum(["lost", "stolen", "expired", "damaged"]),
    shipping: shippingInput.optional(),
  })
  .strict()
  .openapi("ReplaceIssuingCard");

export const cardFundsBody = z.object({ amount: positiveAmount }).strict().openapi("IssuingCardFunds");

export type CreateCardInput = z.infer<typeof createCardBody>;
export type UpdateCardInput = z.infer<typeof updateCardBody>;
export type ReplaceCardInput = z.infer<typeof replaceCardBody>;

export const shippingStatuses = [
  "pending",
  "submitted",
  "shipped",
  "delivered",
  "returned",
  "failure",
  "canceled",
] as const;

export const cardSchema = z
  .object({
    id: z.string().openapi({ example: "ic_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("issuing_card"),
    environment: environmentSchema,
    cardholder: z.string(),
    type: z.enum(["virtual", "physical"]),
    status: z.enum(["inactive", "active", "frozen", "canceled"]),
    frozen_by: z.enum(["merchant", "cardholder"]).nullable(),
    currency: z.string(),
    brand: z.enum(["visa", "mastercard"]),
    last4: z.string(),
    exp_month: z.number().int(),
    exp_year: z.number().int(),
    provider: z.string(),
    provider_decision: z.object({
      provider: z.string(),
      reason: z.string(),
      candidates: z.array(
        z.object({
          provider: z.string(),
          eligible: z.boolean(),
          issuing_fee: z.number().int().nullable(),
          reason: z.string(),
        }),
      ),
    }),
    funding_mode: z.enum(["prefunded", "just_in_time"]),
    balance: z
      .number()
      .int()
      .openapi({ description: "The card's own ledger balance (card:{id}); 0 for just_in_time cards." }),
    spending_controls: spendingControlsSchema,
    shipping: z
      .object({
        name: z.string(),
        address: addressSchema,
        service: z.enum(["standard", "express", "priority"]),
        status: z.enum(shippingStatuses),
      })
      .nullable(),
    pin_set: z.boolean(),
    replacement_for: z.string().nullable(),
    replacement_reason: z.enum(["lost", "stolen", "expired", "damaged"]).nullable(),
    replaced_by: z.string().nullable(),
    cancellation_reason: z.string().nullable(),
    authorization_webhook: z
      .object({ timeout_ms: z.number().int(), on_timeout: z.enum(["approve", "decline"]) })
      .openapi({
        description:
          "Used when a webhook endpoint subscribes to issuing_authorization.request: the merchant's time to answer, and the default without an answer.",
      }),
    metadata: z.record(z.string(), z.string()),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("IssuingCard");

export type Card = z.infer<typeof cardSchema>;

export const revealTokenBody = z
  .object({ purpose: z.enum(["reveal", "set_pin"]).optional().openapi({ description: "Default reveal." }) })
  .strict()
  .openapi("CreateIssuingRevealToken");

export const revealTokenSchema = z
  .object({
    object: z.literal("issuing_reveal_token"),
    card: z.string(),
    purpose: z.enum(["reveal", "set_pin"]),
    token: z.string().openapi({ description: "Hand it to the cardholder's device; works once." }),
    expires_at: timestamp,
  })
  .openapi("IssuingRevealToken");

export const revealBody = z
  .object({ token: z.string().min(1).max(100) })
  .strict()
  .openapi("RevealIssuingCard");

export const revealedCardSchema = z
  .object({
    object: z.literal("issuing_card_details"),
    card: z.string(),
    number: z.string(),
    cvc: z.string(),
    exp_month: z.number().int(),
    exp_year: z.number().int(),
  })
  .openapi("IssuingCardDetails");

export const setPinBody = z
  .object({
    token: z.string().min(1).max(100),
    pin: z.string().regex(/^\d{4}$/, "Four digits."),
  })
  .strict()
  .openapi("SetIssuingCardPin");

export const pinSetSchema = z
  .object({ object: z.literal("issuing_card_pin"), card: z.string(), pin_set: z.literal(true) })
  .openapi("IssuingCardPin");

export const shippingStatusBody = z
  .object({ status: z.enum(["submitted", "shipped", "delivered", "returned", "failure"]) })
  .strict()
  .openapi("SimulateIssuingCardShipping");

export const cardholderIdParams = idParams("ich_3kTq9yQy7yJ4pQz2Xb8w1LmN");
export const cardIdParams = idParams("ic_3kTq9yQy7yJ4pQz2Xb8w1LmN");

export const listCardholdersQuery = listQuerySchema.extend({
  status: z.enum(["active", "inactive", "blocked"]).optional(),
});

export const listCardsQuery = listQuerySchema.extend({
  cardholder: z.string().max(255).optional(),
  status: z.enum(["inactive", "active", "frozen", "canceled"]).optional(),
});
