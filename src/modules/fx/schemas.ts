import { z } from "@hono/zod-openapi";
import { listQuerySchema } from "../../core/pagination";
import { currencyCode, environmentSchema, idParams, positiveAmount, timestamp } from "../../core/schemas";

const rateString = z.string().openapi({ example: "0.9213", description: "Decimal string, never a float." });

export const ratesQuery = z.object({
  base: currencyCode.default("USD"),
  symbols: z
    .string()
    .regex(/^[A-Z]{3}(,[A-Z]{3})*$/, "Comma-separated upper-case ISO 4217 codes.")
    .optional()
    .openapi({ example: "EUR,GBP" }),
});

export const ratesSchema = z
  .object({
    object: z.literal("fx_rates"),
    base: z.string(),
    timestamp,
    source: z.string(),
    stale: z.boolean(),
    rates: z.record(z.string(), rateString),
  })
  .openapi("FxRates");

export const pairParams = z.object({
  base: currencyCode.openapi({ param: { name: "base", in: "path" } }),
  quote: currencyCode.openapi({ param: { name: "quote", in: "path" } }),
});

export const pairSchema = z
  .object({
    object: z.literal("fx_rate"),
    base: z.string(),
    quote: z.string(),
    mid: rateString,
    buy: rateString.openapi({
      description: "Units of quote the merchant pays per unit of base it buys (mid + markup).",
    }),
    sell: rateString.openapi({
      description: "Units of quote the merchant receives per unit of base it sells (mid − markup).",
    }),
    markup_bps: z.number().openapi({ description: "platform_markup_bps + merchant_markup_bps." }),
    platform_markup_bps: z
      .number()
      .openapi({ description: "The operator's markup; not settable by merchants." }),
    merchant_markup_bps: z
      .number()
      .openapi({ description: "The merchant's own markup on top (POST /fx/settings)." }),
    timestamp,
    stale: z.boolean(),
  })
  .openapi("FxRate");

export const createQuoteBody = z
  .object({
    sell_currency: currencyCode,
    buy_currency: currencyCode,
    sell_amount: positiveAmount.optional(),
    buy_amount: positiveAmount.optional(),
  })
  .strict()
  .refine((body) => (body.sell_amount === undefined) !== (body.buy_amount === undefined), {
    message: "Send exactly one of sell_amount and buy_amount.",
    path: ["sell_amount"],
    params: { code: "parameter_invalid" },
  })
  // The refinement, in the document's terms: exactly one of the two amounts.
  .openapi("CreateFxQuote", { oneOf: [{ required: ["sell_amount"] }, { required: ["buy_amount"] }] });

export type CreateQuoteInput = z.infer<typeof createQuoteBody>;

export const quoteSchema = z
  .object({
    id: z.string().openapi({ example: "fxq_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("fx_quote"),
    environment: environmentSchema,
    sell_currency: z.string(),
    buy_currency: z.string(),
    sell_amount: z.number(),
    buy_amount: z.number(),
    rate: rateString,
    mid_rate: rateString,
    markup_bps: z.number(),
    expires_at: timestamp,
    used: z.boolean(),
    created_at: timestamp,
  })
  .openapi("FxQuote");

export type FxQuote = z.infer<typeof quoteSchema>;

export const createConversionBody = z
  .object({ quote: z.string().min(1).max(255) })
  .strict()
  .openapi("CreateFxConversion");

export const conversionSchema = z
  .object({
    id: z.string().openapi({ example: "fxc_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("fx_conversion"),
    environment: environmentSchema,
    quote: z.string(),
    status: z.literal("succeeded"),
    sell_currency: z.string(),
    buy_currency: z.string(),
    sell_amount: z.number(),
    buy_amount: z.number(),
    rate: rateString,
    mid_rate: rateString,
    markup_bps: z.number(),
    markup_amount: z.number().openapi({ description: "What the markup cost, in buy_currency minor units." }),
    ledger_transaction: z.string().nullable(),
    created_at: timestamp,
  })
  .openapi("FxConversion");

export type FxConversion = z.infer<typeof conversionSchema>;

export const settingsBody = z
  .object({
    merchant_markup_bps: z.number().int().min(0).max(1000).openapi({
      description:
        "The merchant's own markup for the rates it shows its customers, added on top of the platform's. The platform markup itself is set by the operator and cannot be lowered.",
    }),
  })
  .strict()
  .openapi("UpdateFxSettings");

export const settingsSchema = z
  .object({
    object: z.literal("fx_settings"),
    markup_bps: z.number().openapi({ description: "platform_markup_bps + merchant_markup_bps." }),
    platform_markup_bps: z.number(),
    merchant_markup_bps: z.number(),
    default: z.boolean().openapi({ description: "True while the merchant has not set its own markup." }),
  })
  .openapi("FxSettings");

export const currenciesSchema = z
  .object({
    object: z.literal("list"),
    data: z.array(z.object({ code: z.string(), exponent: z.number() }).openapi("FxCurrency")),
    has_more: z.literal(false),
    url: z.string(),
  })
  .openapi("FxCurrencyList");

export const quoteIdParams = idParams("fxq_3kTq9yQy7yJ4pQz2Xb8w1LmN");
export const conversionIdParams = idParams("fxc_3kTq9yQy7yJ4pQz2Xb8w1LmN");
export const listConversionsQuery = listQuerySchema;
