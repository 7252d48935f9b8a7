import { z } from "@hono/zod-openapi";
import { metadataSchema } from "../../core/metadata";
import { listQuerySchema } from "../../core/pagination";
import { currencyCode, environmentSchema, idParams, positiveAmount, timestamp } from "../../core/schemas";
import { countryCode, routingSchema } from "../bank-accounts/schemas";

export const createGlobalAccountBody = z
  .object({
    country: countryCode,
    currency: currencyCode,
    auto_convert_to: currencyCode.optional().openapi({
      description: "Incoming funds are converted to this currency on receipt, at the quoted FX rate.",
    }),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .openapi("CreateGlobalAccount");

export type CreateGlobalAccountInput = z.infer<typeof createGlobalAccountBody>;

export const updateGlobalAccountBody = z
  .object({
    auto_convert_to: currencyCode
      .nullable()
      .optional()
      .openapi({ description: "The currency to convert incoming funds to; null stops converting." }),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .openapi("UpdateGlobalAccount");

export type UpdateGlobalAccountInput = z.infer<typeof updateGlobalAccountBody>;

export const globalAccountSchema = z
  .object({
    id: z.string().openapi({ example: "ga_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("global_account"),
    environment: environmentSchema,
    country: z.string(),
    currency: z.string(),
    status: z.enum(["active", "closed"]),
    bank_details: z
      .object({
        scheme: z.string(),
        iban: z.string().nullable(),
        bic: z.string().nullable(),
        account_number: z
          .string()
          .nullable()
          .openapi({ description: "Local account number or CLABE; null for IBAN schemes." }),
        routing: routingSchema,
      })
      .openapi({ description: "What payers send to: in full, as they belong to the merchant." }),
    auto_convert_to: z.string().nullable(),
    closed_at: timestamp.nullable(),
    metadata: z.record(z.string(), z.string()),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("GlobalAccount");

export type GlobalAccount = z.infer<typeof globalAccountSchema>;

export const globalAccountIdParams = idParams("ga_3kTq9yQy7yJ4pQz2Xb8w1LmN");
export const listGlobalAccountsQuery = listQuerySchema;

export const simulateIncomingTransferBody = z
  .object({
    amount: positiveAmount,
    currency: currencyCode,
    payer_name: z.string().trim().min(1).max(140),
    payer_iban: z.string().min(1).max(64).optional(),
    payer_account_number: z.string().min(1).max(64).optional(),
    reference: z.string().max(140).optional(),
  })
  .strict()
  .openapi("SimulateIncomingTransfer");

export type SimulateIncomingTransferInput = z.infer<typeof simulateIncomingTransferBody>;

export const globalAccountTransferSchema = z
  .object({
    id: z.string().openapi({ example: "gatr_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("global_account_transfer"),
    environment: environmentSchema,
    global_account: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    status: z.enum(["received", "returned"]),
    return_reason: z.string().nullable(),
    payer: z.object({
      name: z.string(),
      iban: z.string().nullable(),
      account_number: z.string().nullable(),
      reference: z.string().nullable(),
    }),
    conversion: z
      .object({
        id: z.string().nullable(),
        currency: z.string(),
        amount: z.number().int().nullable(),
        failure: z.string().nullable(),
      })
      .nullable(),
    created_at: timestamp,
  })
  .openapi("GlobalAccountTransfer");

export type GlobalAccountTransfer = z.infer<typeof globalAccountTransferSchema>;

export const listTransfersQuery = listQuerySchema;
