import { z } from "@hono/zod-openapi";
import { metadataSchema } from "../../core/metadata";
import { MAX_AMOUNT } from "../../core/money";
import { listQuerySchema } from "../../core/pagination";
import { currencyCode, environmentSchema, idParams, timestamp } from "../../core/schemas";
import { adjustableQuantitySchema, checkoutMethodTypes, QUANTITY_MAX } from "../checkout/schemas";

const linkLineItemSchema = z
  .object({
    price: z.string().regex(/^price_[0-9A-Za-z]+$/, "Must be a price id (price_...)."),
    quantity: z.number().int().min(1).max(QUANTITY_MAX),
    adjustable_quantity: adjustableQuantitySchema.optional(),
  })
  .strict()
  .openapi("PaymentLinkLineItemInput");

const customAmountSchema = z
  .object({
    currency: currencyCode,
    minimum: z.number().int().min(1).max(MAX_AMOUNT),
    maximum: z.number().int().min(1).max(MAX_AMOUNT),
    preset: z.number().int().min(1).max(MAX_AMOUNT).optional(),
    description: z.string().min(1).max(250).openapi({ example: "Donation" }),
  })
  .strict()
  .refine((value) => value.minimum <= value.maximum, {
    message: "minimum must not exceed maximum.",
    path: ["minimum"],
  })
  .refine(
    (value) => value.preset === undefined || (value.preset >= value.minimum && value.preset <= value.maximum),
    { message: "preset must be within minimum and maximum.", path: ["preset"] },
  )
  .openapi("PaymentLinkCustomAmount", { description: "The customer picks the amount (donations)." });

const afterCompletionSchema = z
  .discriminatedUnion("type", [
    z
      .object({
        type: z.literal("redirect"),
        redirect: z.object({ url: z.url({ protocol: /^https?$/ }).max(2000) }).strict(),
      })
      .strict(),
    z
      .object({
        type: z.literal("hosted_confirmation"),
        hosted_confirmation: z
          .object({ custom_message: z.string().min(1).max(500).optional() })
          .strict()
          .optional(),
      })
      .strict(),
  ])
  .openapi("PaymentLinkAfterCompletion");

export const createPaymentLinkBody = z
  .object({
    line_items: z.array(linkLineItemSchema).max(20).optional(),
    custom_amount: customAmountSchema.optional(),
    payment_method_types: z
      .array(z.enum(checkoutMethodTypes))
      .min(1)
      .max(checkoutMethodTypes.length)
      .optional(),
    after_completion: afterCompletionSchema
      .optional()
      .openapi({ description: "Default: hosted_confirmation." }),
    restrictions: z
      .object({
        completed_sessions: z.object({ limit: z.number().int().min(1).max(1_000_000) }).strict(),
      })
      .strict()
      .optional(),
    expires_at: z.iso.datetime({ offset: true }).optional(),
    active: z.boolean().default(true),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .refine((body) => (body.line_items?.length ?? 0) > 0 !== (body.custom_amount !== undefined), {
    message: "Send line_items or custom_amount, exactly one.",
    path: ["line_items"],
  })
  .openapi("CreatePaymentLink");

export type CreatePaymentLinkInput = z.infer<typeof createPaymentLinkBody>;

export const updatePaymentLinkBody = z
  .object({ active: z.boolean().optional(), metadata: metadataSchema.optional() })
  .strict()
  .openapi("UpdatePaymentLink");

export type UpdatePaymentLinkInput = z.infer<typeof updatePaymentLinkBody>;

export const paymentLinkSchema = z
  .object({
    id: z.string().openapi({ example: "plink_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("payment_link"),
    environment: environmentSchema,
    url: z.string().openapi({ description: "Share this: each visit opens a fresh checkout session." }),
    active: z.boolean(),
    line_items: z.array(
      z.object({
        price: z.string(),
        quantity: z.number().int(),
        adjustable_quantity: z
          .object({ enabled: z.boolean(), minimum: z.number().int(), maximum: z.number().int() })
          .nullable(),
      }),
    ),
    custom_amount: z
      .object({
        currency: z.string(),
        minimum: z.number().int(),
        maximum: z.number().int(),
        preset: z.number().int().nullable(),
        description: z.string(),
      })
      .nullable(),
    payment_method_types: z.array(z.string()),
    after_completion: z.object({
      type: z.enum(["redirect", "hosted_confirmation"]),
      redirect: z.object({ url: z.string() }).nullable(),
      hosted_confirmation: z.object({ custom_message: z.string().nullable() }).nullable(),
    }),
    restrictions: z.object({
      completed_sessions: z
        .object({
          limit: z.number().int(),
          count: z.number().int().openapi({ description: "Completed sessions, and those being paid now." }),
        })
        .nullable(),
    }),
    expires_at: timestamp.nullable(),
    metadata: z.record(z.string(), z.string()),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("PaymentLink");

export type PaymentLink = z.infer<typeof paymentLinkSchema>;

export const paymentLinkIdParams = idParams("plink_3kTq9yQy7yJ4pQz2Xb8w1LmN");

export const listPaymentLinksQuery = listQuerySchema.extend({
  active: z
    .enum(["true", "false"])
    .transform((value) => value === "true")
    .optional()
    .openapi({ description: "Only active (true) or inactive (false) links." }),
});
export type ListPaymentLinksQuery = z.infer<typeof listPaymentLinksQuery>;
