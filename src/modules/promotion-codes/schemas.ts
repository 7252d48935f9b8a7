import { z } from "@hono/zod-openapi";
import { metadataSchema } from "../../core/metadata";
import { listQuerySchema } from "../../core/pagination";
import { currencyCode, environmentSchema, idParams, positiveAmount, timestamp } from "../../core/schemas";

const restrictionsInput = z
  .object({
    first_time_transaction: z
      .boolean()
      .optional()
      .openapi({ description: "Only for customers who never redeemed a coupon of this account." }),
    minimum_amount: positiveAmount.optional(),
    minimum_amount_currency: currencyCode.optional(),
    max_redemptions_per_customer: z.number().int().min(1).max(1_000_000).optional(),
  })
  .strict()
  .openapi("PromotionCodeRestrictionsInput");

export const createPromotionCodeBody = z
  .object({
    coupon: z.string().min(1).max(255).openapi({ example: "co_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    code: z
      .string()
      .regex(/^[A-Za-z0-9_-]{3,64}$/, "3 to 64 letters, digits, '_' or '-'.")
      .optional()
      .openapi({
        example: "SUMMER25",
        description: "What customers type, any case. Generated when left out.",
      }),
    active: z.boolean().optional(),
    customer: z
      .string()
      .min(1)
      .max(255)
      .optional()
      .openapi({ description: "Only this customer may redeem it." }),
    max_redemptions: z.number().int().min(1).max(1_000_000_000).optional(),
    expires_at: z.iso.datetime({ offset: true }).optional(),
    restrictions: restrictionsInput.optional(),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .openapi("CreatePromotionCode");

export const updatePromotionCodeBody = z
  .object({ active: z.boolean().optional(), metadata: metadataSchema.optional() })
  .strict()
  .openapi("UpdatePromotionCode");

export type CreatePromotionCodeInput = z.infer<typeof createPromotionCodeBody>;
export type UpdatePromotionCodeInput = z.infer<typeof updatePromotionCodeBody>;

export const promotionCodeSchema = z
  .object({
    id: z.string().openapi({ example: "promo_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("promotion_code"),
    environment: environmentSchema,
    code: z.string(),
    coupon: z.string(),
    active: z.boolean(),
    customer: z.string().nullable(),
    max_redemptions: z.number().int().nullable(),
    times_redeemed: z.number().int(),
    expires_at: timestamp.nullable(),
    restrictions: z
      .object({
        first_time_transaction: z.boolean(),
        minimum_amount: z.number().int().nullable(),
        minimum_amount_currency: z.string().nullable(),
        max_redemptions_per_customer: z.number().int().nullable(),
      })
      .openapi("PromotionCodeRestrictions"),
    metadata: z.record(z.string(), z.string()),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("PromotionCode");

export type PromotionCode = z.infer<typeof promotionCodeSchema>;

export const promotionCodeIdParams = idParams("promo_3kTq9yQy7yJ4pQz2Xb8w1LmN");

export const listPromotionCodesQuery = listQuerySchema.extend({
  active: z
    .enum(["true", "false"])
    .transform((value) => value === "true")
    .optional(),
  code: z.string().min(1).max(64).optional().openapi({ description: "Exact code, case-insensitive." }),
  coupon: z.string().min(1).max(255).optional(),
  customer: z.string().min(1).max(255).optional(),
});

export type ListPromotionCodesQuery = z.infer<typeof listPromotionCodesQuery>;
