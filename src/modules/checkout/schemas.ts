import { z } from "@hono/zod-openapi";
import { metadataSchema } from "../../core/metadata";
import { MAX_AMOUNT } from "../../core/money";
import { listQuerySchema } from "../../core/pagination";
import { currencyCode, environmentSchema, idParams, timestamp } from "../../core/schemas";
import { recurringSchema } from "../prices/schemas";
import { createSubscriptionBody } from "../subscriptions/schemas";
import { checkoutLocales, checkoutModes, checkoutPaymentStatuses, checkoutStatuses } from "./tables";

/** The methods the hosted page can take itself: card fields, UPI, and methods that redirect. */
export const checkoutMethodTypes = [
  "card",
  "upi",
  "upi_qr",
  "ideal",
  "bancontact",
  "eps",
  "p24",
  "sofort",
  "giropay",
  "klarna",
  "alipay",
  "wechat_pay",
] as const;

export const SESSION_ID_PLACEHOLDER = "{CHECKOUT_SESSION_ID}";
export const EXPIRY_MIN_SECONDS = 30 * 60;
export const EXPIRY_MAX_SECONDS = 24 * 60 * 60;
export const QUANTITY_MAX = 99;

const httpUrl = z.url({ protocol: /^https?$/ }).max(2000);

/** The customer's email, as the session takes it from the merchant and from the hosted page. */
export const customerEmailSchema = z.email().max(320);

export const adjustableQuantitySchema = z
  .object({
    enabled: z.boolean(),
    minimum: z.number().int().min(0).max(QUANTITY_MAX).optional().openapi({ description: "Default 0." }),
    maximum: z.number().int().min(1).max(QUANTITY_MAX).optional().openapi({ description: "Default 99." }),
  })
  .strict()
  .refine((value) => (value.minimum ?? 0) <= (value.maximum ?? QUANTITY_MAX), {
    message: "minimum must not exceed maximum.",
    path: ["minimum"],
  })
  .openapi("AdjustableQuantity");

const priceDataSchema = z
  .object({
    currency: currencyCode,
    unit_amount: z.number().int().min(0).max(MAX_AMOUNT),
    product_data: z
      .object({ name: z.string().min(1).max(250), description: z.string().max(1000).optional() })
      .strict(),
    // Subscription mode only (and required there): the price's period.
    recurring: recurringSchema.optional(),
  })
  .strict()
  .openapi("CheckoutPriceData", {
    description:
      "An inline price, per unit: one-time in payment mode; in subscription mode `recurring` is required, and the session creates the product and the recurring price.",
  });

/** Subscription mode: the trial and metadata of the subscription made on completion, as POST /subscriptions takes them. */
export const checkoutSubscriptionDataSchema = createSubscriptionBody
  .pick({ trial_period_days: true, trial_end: true, metadata: true })
  .strict()
  .openapi("CheckoutSubscriptionData");

export const lineItemInputSchema = z
  .object({
    price: z
      .string()
      .regex(/^price_[0-9A-Za-z]+$/, "Must be a price id (price_...).")
      .optional(),
    price_data: priceDataSchema.optional(),
    quantity: z.number().int().min(1).max(QUANTITY_MAX),
    adjustable_quantity: adjustableQuantitySchema.optional(),
  })
  .strict()
  .refine((item) => (item.price === undefined) !== (item.price_data === undefined), {
    message: "Send price or price_data, exactly one.",
    path: ["price"],
  })
  .openapi("CheckoutLineItemInput");

export const createCheckoutSessionBody = z
  .object({
    mode: z.enum(checkoutModes).default("payment").openapi({
      description:
        "payment: one-time prices, charged once. subscription: recurring licensed prices of one currency and interval; completion saves the card as the customer's default and creates the subscription.",
    }),
    line_items: z.array(lineItemInputSchema).min(1).max(20),
    customer: z
      .string()
      .regex(/^cus_[0-9A-Za-z]+$/, "Must be a customer id (cus_...).")
      .optional(),
    customer_email: customerEmailSchema.optional(),
    success_url: httpUrl.openapi({
      description: `Where the customer goes after paying; ${SESSION_ID_PLACEHOLDER} is replaced by the session id.`,
    }),
    cancel_url: httpUrl.optional(),
    payment_method_types: z
      .array(z.enum(checkoutMethodTypes))
      .min(1)
      .max(checkoutMethodTypes.length)
      .optional()
      .openapi({ description: "Default card. The page shows those the currency and country allow." }),
    locale: z.enum(checkoutLocales).default("auto"),
    allow_promotion_codes: z.boolean().default(false),
    discounts: z
      .array(
        z
          .object({
            coupon: z.string().min(1).max(255).optional(),
            promotion_code: z.string().min(1).max(255).optional(),
          })
          .strict()
          .refine((item) => (item.coupon === undefined) !== (item.promotion_code === undefined), {
            message: "Send coupon or promotion_code, exactly one.",
            path: ["coupon"],
          }),
      )
      .max(1)
      .optional()
      .openapi({
        description:
          "Payment mode: one coupon or promotion code applied to the session (not with allow_promotion_codes).",
      }),
    expires_at: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: "30 minutes to 24 hours from now; default 24 hours." }),
    metadata: metadataSchema.optional(),
    subscription_data: checkoutSubscriptionDataSchema.optional().openapi({
      description:
        "Subscription mode only: trial_period_days or trial_end (after the session's expires_at), metadata.",
    }),
  })
  .strict()
  .refine((body) => !(body.customer && body.customer_email), {
    message: "Send customer or customer_email, not both.",
    path: ["customer_email"],
  })
  .openapi("CreateCheckoutSession");

export type CreateCheckoutSessionInput = z.infer<typeof createCheckoutSessionBody>;

export const checkoutLineItemSchema = z
  .object({
    id: z.string(),
    object: z.literal("item"),
    price: z.string().nullable(),
    product: z.string().nullable(),
    description: z.string(),
    currency: z.string(),
    quantity: z.number().int(),
    amount_total: z.number().int(),
    adjustable_quantity: z
      .object({ enabled: z.boolean(), minimum: z.number().int(), maximum: z.number().int() })
      .nullable(),
  })
  .openapi("CheckoutLineItem");

export type CheckoutLineItem = z.infer<typeof checkoutLineItemSchema>;

export const checkoutSessionSchema = z
  .object({
    id: z.string().openapi({ example: "cs_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("checkout.session"),
    environment: environmentSchema,
    mode: z.enum(checkoutModes),
    status: z.enum(checkoutStatuses),
    payment_status: z.enum(checkoutPaymentStatuses),
    url: z.string().nullable().openapi({ description: "The hosted page; null once complete or expired." }),
    currency: z.string(),
    amount_subtotal: z.number().int().openapi({ description: "The lines' total, before discounts." }),
    amount_total: z.number().int().openapi({ description: "What is charged: the subtotal less discounts." }),
    total_details: z.object({ amount_discount: z.number().int() }),
    discounts: z.array(z.object({ coupon: z.string(), promotion_code: z.string().nullable() })).openapi({
      description:
        "The discount: the promotion code the customer applied on the page, or the coupon or code set at creation.",
    }),
    customer: z.string().nullable(),
    customer_email: z.string().nullable(),
    success_url: z.string().nullable(),
    cancel_url: z.string().nullable(),
    payment_method_types: z.array(z.string()),
    locale: z.enum(checkoutLocales),
    allow_promotion_codes: z.boolean(),
    payment: z
      .string()
      .nullable()
      .openapi({ description: "Payment mode: the payment. Null in subscription mode." }),
    subscription: z
      .string()
      .nullable()
      .openapi({ description: "Subscription mode: the subscription made on completion; null before." }),
    payment_link: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    expires_at: timestamp,
    completed_at: timestamp.nullable(),
    created_at: timestamp,
  })
  .openapi("CheckoutSession");

export type CheckoutSession = z.infer<typeof checkoutSessionSchema>;

export const checkoutSessionIdParams = idParams("cs_3kTq9yQy7yJ4pQz2Xb8w1LmN");

export const listCheckoutSessionsQuery = listQuerySchema.extend({
  status: z.enum(checkoutStatuses).optional(),
  payment_link: z.string().max(255).optional(),
  customer: z.string().max(255).optional(),
});
export type ListCheckoutSessionsQuery = z.infer<typeof listCheckoutSessionsQuery>;
