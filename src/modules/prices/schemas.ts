import { z } from "@hono/zod-openapi";
import { metadataSchema } from "../../core/metadata";
import { MAX_AMOUNT } from "../../core/money";
import { listQuerySchema } from "../../core/pagination";
import { currencyCode, environmentSchema, idParams, timestamp } from "../../core/schemas";

/** Zero is a valid price (a free tier, a free plan); negatives and fractions are not. */
const amount = z
  .number()
  .int()
  .min(0)
  .max(MAX_AMOUNT)
  .openapi({ description: "Integer in the currency's minor unit." });

export const intervals = ["day", "week", "month", "year"] as const;

export const recurringSchema = z
  .object({
    interval: z.enum(intervals),
    interval_count: z.number().int().min(1).max(1095).optional().openapi({
      description: "Default 1. At most three years: 1095 days, 156 weeks, 36 months or 3 years.",
    }),
  })
  .strict()
  .openapi("PriceRecurring");

const packageSchema = z
  .object({
    size: z.number().int().min(1).max(1_000_000_000).openapi({ description: "Units per package." }),
    round: z.enum(["up", "down"]).openapi({
      description: "How a partial package is charged: as a whole one (up) or not at all (down).",
    }),
  })
  .strict()
  .openapi("PricePackage");

const tierInput = z
  .object({
    up_to: z
      .union([z.number().int().min(1).max(MAX_AMOUNT), z.literal("inf")])
      .openapi({ description: 'The last unit of the tier, inclusive; "inf" for the last tier.' }),
    unit_amount: amount.optional(),
    flat_amount: amount.optional(),
  })
  .strict()
  .openapi("PriceTierInput");

const lookupKey = z
  .string()
  .min(1)
  .max(200)
  .openapi({ description: "Unique among the active prices of the account." });

export const createPriceBody = z
  .object({
    product: z.string().min(1).max(255).openapi({ example: "prod_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    currency: currencyCode,
    active: z.boolean().optional(),
    nickname: z.string().max(250).nullish(),
    lookup_key: lookupKey.nullish(),
    transfer_lookup_key: z.boolean().optional().openapi({
      description: "Move lookup_key from the active price that holds it to this one, atomically.",
    }),
    metadata: metadataSchema.optional(),
    recurring: recurringSchema.nullish().openapi({ description: "Absent for a one-time price." }),
    meter: z.string().min(1).max(255).optional().openapi({
      description:
        "Makes the recurring price metered: each period charges the usage this meter aggregates, priced by pricing_model.",
    }),
    pricing_model: z
      .enum(["per_unit", "package", "tiered"])
      .optional()
      .openapi({ description: "Default per_unit." }),
    unit_amount: amount.optional().openapi({ description: "per_unit: per unit; package: per package." }),
    package: packageSchema.optional(),
    tiers_mode: z.enum(["graduated", "volume"]).optional(),
    tiers: z.array(tierInput).min(1).max(20).optional(),
  })
  .strict()
  .openapi("CreatePrice");

export const updatePriceBody = z
  .object({
    active: z.boolean().optional(),
    nickname: z.string().max(250).nullish(),
    lookup_key: lookupKey.nullish(),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .openapi("UpdatePrice");

export type CreatePriceInput = z.infer<typeof createPriceBody>;
export type UpdatePriceInput = z.infer<typeof updatePriceBody>;

export const priceSchema = z
  .object({
    id: z.string().openapi({ example: "price_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("price"),
    environment: environmentSchema,
    product: z.string(),
    active: z.boolean(),
    currency: z.string(),
    type: z.enum(["one_time", "recurring"]),
    recurring: z.object({ interval: z.enum(intervals), interval_count: z.number().int() }).nullable(),
    usage_type: z
      .enum(["licensed", "metered"])
      .openapi({ description: "metered: priced on a meter's usage." }),
    meter: z.string().nullable(),
    pricing_model: z.enum(["per_unit", "package", "tiered"]),
    unit_amount: z.number().int().nullable(),
    package: z.object({ size: z.number().int(), round: z.enum(["up", "down"]) }).nullable(),
    tiers_mode: z.enum(["graduated", "volume"]).nullable(),
    tiers: z
      .array(
        z
          .object({
            up_to: z.union([z.number().int(), z.literal("inf")]),
            unit_amount: z.number().int(),
            flat_amount: z.number().int(),
          })
          .openapi("PriceTier"),
      )
      .nullable(),
    nickname: z.string().nullable(),
    lookup_key: z.string().nullable(),
    metadata: z.record(z.string(), z.string()),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("Price");

export type Price = z.infer<typeof priceSchema>;

export const priceIdParams = idParams("price_3kTq9yQy7yJ4pQz2Xb8w1LmN");

const lookupKeysFilter = z
  .union([lookupKey, z.array(lookupKey).max(10)])
  .transform((value) => (Array.isArray(value) ? value : [value]))
  .optional();

export const listPricesQuery = listQuerySchema.extend({
  active: z
    .enum(["true", "false"])
    .transform((value) => value === "true")
    .optional(),
  product: z.string().min(1).max(255).optional(),
  type: z.enum(["one_time", "recurring"]).optional(),
  lookup_keys: lookupKeysFilter.openapi({ description: "Up to 10 lookup keys (repeat the parameter)." }),
  "lookup_keys[]": lookupKeysFilter.openapi({ description: "The same as lookup_keys, in the bracket form." }),
});

export type ListPricesQuery = z.infer<typeof listPricesQuery>;
