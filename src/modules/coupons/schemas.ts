import { z } from "@hono/zod-openapi";
import { metadataSchema } from "../../core/metadata";
import { isCurrency } from "../../core/money";
import { listQuerySchema } from "../../core/pagination";
import { currencyCode, environmentSchema, idParams, positiveAmount, timestamp } from "../../core/schemas";

const percentOff = z
  .number()
  .gt(0)
  .max(100)
  .refine((value) => Math.abs(value * 100 - Math.round(value * 100)) < 1e-6, {
    message: "At most two decimals.",
  })
  .openapi({ example: 12.5, description: "More than 0 and at most 100, with at most two decimals." });

/** A positive minor-unit amount; its name doesn't end in "amount", so it names its code itself. */
const amountOff = z
  .number()
  .refine((value) => Number.isSafeInteger(value) && value >= 1, {
    message: "A positive integer in the currency's minor unit.",
    params: { code: "amount_invalid" },
  })
  .openapi({ example: 500, minimum: 1, description: "Integer in the currency's minor unit." });

const durations = ["once", "repeating", "forever"] as const;

export const createCouponBody = z
  .object({
    name: z.string().max(40).nullish().openapi({ description: "Shown to customers, e.g. on invoices." }),
    percent_off: percentOff.optional(),
    amount_off: amountOff.optional(),
    currency: currencyCode.optional().openapi({ description: "The currency of amount_off." }),
    currency_options: z
      .record(z.string(), z.object({ amount_off: amountOff }).strict())
      .refine((value) => Object.keys(value).every(isCurrency), {
        message: "Keys are upper-case ISO 4217 currency codes.",
        params: { code: "currency_invalid" },
      })
      .refine((value) => Object.keys(value).length <= 20, { message: "At most 20 currencies." })
      .optional()
      .openapi({ description: 'amount_off in further currencies: { "EUR": { "amount_off": 450 } }.' }),
    duration: z.enum(durations).optional().openapi({ description: "Default once." }),
    duration_in_months: z
      .number()
      .int()
      .min(1)
      .max(120)
      .optional()
      .openapi({ description: "With duration repeating." }),
    max_redemptions: z.number().int().min(1).max(1_000_000_000).optional(),
    redeem_by: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: "ISO 8601; no redemption after it." }),
    applies_to: z
      .object({ products: z.array(z.string().min(1).max(255)).min(1).max(100) })
      .strict()
      .optional()
      .openapi({ description: "Restricts the coupon to these products." }),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .openapi("CreateCoupon");

export const updateCouponBody = z
  .object({ name: z.string().max(40).nullish(), metadata: metadataSchema.optional() })
  .strict()
  .openapi("UpdateCoupon");

export type CreateCouponInput = z.infer<typeof createCouponBody>;
export type UpdateCouponInput = z.infer<typeof updateCouponBody>;

export const couponSchema = z
  .object({
    id: z.string().openapi({ example: "co_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("coupon"),
    environment: environmentSchema,
    name: z.string().nullable(),
    percent_off: z.number().nullable(),
    amount_off: z.number().int().nullable(),
    currency: z.string().nullable(),
    currency_options: z.record(z.string(), z.object({ amount_off: z.number().int() })),
    duration: z.enum(durations),
    duration_in_months: z.number().int().nullable(),
    max_redemptions: z.number().int().nullable(),
    times_redeemed: z.number().int(),
    redeem_by: timestamp.nullable(),
    applies_to: z.object({ products: z.array(z.string()) }).nullable(),
    valid: z.boolean().openapi({ description: "Whether it can still be redeemed now." }),
    metadata: z.record(z.string(), z.string()),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("Coupon");

export type Coupon = z.infer<typeof couponSchema>;

export const deletedCouponSchema = z
  .object({ id: z.string(), object: z.literal("coupon"), deleted: z.literal(true) })
  .openapi("DeletedCoupon");

export const couponIdParams = idParams("co_3kTq9yQy7yJ4pQz2Xb8w1LmN");

export const listCouponsQuery = listQuerySchema;

export const redeemBody = z
  .object({
    customer: z.string().min(1).max(255).openapi({ example: "cus_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    amount: positiveAmount.openapi({ description: "The amount the discount applies to, in minor units." }),
    currency: currencyCode,
    product: z
      .string()
      .min(1)
      .max(255)
      .optional()
      .openapi({ description: "The product bought; needed when the coupon is restricted to products." }),
  })
  .strict()
  .openapi("RedeemCoupon");

export type RedeemInput = z.infer<typeof redeemBody>;

export const discountSchema = z
  .object({
    id: z.string().openapi({ example: "di_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("discount"),
    environment: environmentSchema,
    coupon: z.string(),
    promotion_code: z.string().nullable(),
    customer: z.string(),
    product: z.string().nullable(),
    amount: z.number().int(),
    currency: z.string(),
    discount_amount: z.number().int().openapi({ description: "What the coupon takes off amount." }),
    amount_after_discount: z.number().int(),
    duration: z.enum(durations),
    duration_in_months: z.number().int().nullable(),
    created_at: timestamp,
  })
  .openapi("Discount");

export type Discount = z.infer<typeof discountSchema>;
