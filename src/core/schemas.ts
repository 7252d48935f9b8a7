import { z } from "@hono/zod-openapi";
import { currencyExponents, isCurrency, MAX_AMOUNT } from "./money";

/** Upper-case ISO 4217, as DESIGN.md fixes it; lower case is refused rather than guessed. */
export const currencyCode = z
  .string()
  .refine((value) => isCurrency(value), {
    message: "Not a supported upper-case ISO 4217 currency code.",
    params: { code: "currency_invalid" },
  })
  .openapi({
    example: "USD",
    description: "Upper-case ISO 4217 code.",
    // The document names exactly the codes the refine above accepts.
    pattern: "^[A-Z]{3}$",
    enum: Object.keys(currencyExponents),
  });

/** A positive integer in the currency's minor unit (1999 = 19.99 USD). */
export const positiveAmount = z
  .number()
  .int()
  .min(1)
  .max(MAX_AMOUNT)
  .openapi({ example: 1999, description: "Integer in the currency's minor unit." });

export const environmentSchema = z.enum(["sandbox", "production"]);

export const addressSchema = z
  .object({
    line1: z.string().max(200).nullish(),
    line2: z.string().max(200).nullish(),
    city: z.string().max(100).nullish(),
    state: z.string().max(100).nullish(),
    postal_code: z.string().max(20).nullish(),
    country: z
      .string()
      .regex(/^[A-Z]{2}$/, "Use an upper-case ISO 3166-1 alpha-2 country code.")
      .nullish(),
  })
  .strict()
  .openapi("Address");

export function idParams(example: string) {
  return z.object({
    id: z
      .string()
      .min(1)
      .max(255)
      .openapi({ param: { name: "id", in: "path" }, example }),
  });
}

export const timestamp = z
  .string()
  .openapi({ example: "2026-11-25T12:00:00.000Z", description: "ISO 8601, UTC." });
