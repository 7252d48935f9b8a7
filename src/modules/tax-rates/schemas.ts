import { z } from "@hono/zod-openapi";
import { metadataSchema } from "../../core/metadata";
import { listQuerySchema } from "../../core/pagination";
import { environmentSchema, idParams, timestamp } from "../../core/schemas";

const percentage = z
  .number()
  .min(0)
  .max(100)
  .refine((value) => Math.abs(value * 10_000 - Math.round(value * 10_000)) < 1e-6, {
    message: "At most four decimals.",
  })
  .openapi({ example: 8.25, description: "0 to 100, with at most four decimals." });

export const createTaxRateBody = z
  .object({
    display_name: z.string().min(1).max(50).openapi({ example: "VAT" }),
    description: z.string().max(500).optional(),
    percentage,
    inclusive: z.boolean().openapi({
      description: "true: the line amounts already include this tax; false: it is added on top.",
    }),
    jurisdiction: z.string().min(1).max(50).optional().openapi({ example: "DE" }),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, "Use an upper-case ISO 3166-1 alpha-2 country code.")
      .optional(),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .openapi("CreateTaxRate");

export const updateTaxRateBody = z
  .object({
    active: z.boolean().optional(),
    display_name: z.string().min(1).max(50).optional(),
    description: z.string().max(500).nullish(),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .openapi("UpdateTaxRate");

export type CreateTaxRateInput = z.infer<typeof createTaxRateBody>;
export type UpdateTaxRateInput = z.infer<typeof updateTaxRateBody>;

export const taxRateSchema = z
  .object({
    id: z.string().openapi({ example: "txr_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("tax_rate"),
    environment: environmentSchema,
    display_name: z.string(),
    description: z.string().nullable(),
    percentage: z.number(),
    inclusive: z.boolean(),
    jurisdiction: z.string().nullable(),
    country: z.string().nullable(),
    active: z.boolean(),
    metadata: z.record(z.string(), z.string()),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("TaxRate");

export type TaxRate = z.infer<typeof taxRateSchema>;

export const taxRateIdParams = idParams("txr_3kTq9yQy7yJ4pQz2Xb8w1LmN");

export const listTaxRatesQuery = listQuerySchema.extend({
  active: z
    .enum(["true", "false"])
    .transform((value) => value === "true")
    .optional()
    .openapi({ description: "Only active (true) or archived (false) tax rates." }),
});

export type ListTaxRatesQuery = z.infer<typeof listTaxRatesQuery>;
