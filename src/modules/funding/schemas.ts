import { z } from "@hono/zod-openapi";
import { metadataSchema } from "../../core/metadata";
import { listQuerySchema } from "../../core/pagination";
import { currencyCode, environmentSchema, idParams, positiveAmount, timestamp } from "../../core/schemas";

export const fundingMethodSchema = z
  .enum(["wire", "sepa", "ach", "swift"])
  .openapi({ description: "sepa takes EUR, ach takes USD; wire and swift take EUR, GBP and USD." });

export const fundingDepositStatusSchema = z.enum(["pending", "received", "credited", "failed", "canceled"]);

export const fundingInstructionsQuery = z.object({
  currency: currencyCode.openapi({ description: "EUR, GBP or USD.", example: "EUR" }),
});

export const fundingInstructionsSchema = z
  .object({
    object: z.literal("funding_instructions"),
    environment: environmentSchema,
    currency: z.string(),
    reference: z.string().openapi({
      example: "MP7K2D9QX4M1RB42",
      description: "Put this in the transfer's reference field: it tells us which balance to credit.",
    }),
    methods: z.array(fundingMethodSchema),
    bank_account: z
      .object({
        beneficiary_name: z.string(),
        beneficiary_address: z.string(),
        bank_name: z.string(),
        bank_address: z.string(),
        bic: z.string().openapi({ description: "SWIFT/BIC, for international wires." }),
        iban: z.string().nullable().openapi({ description: "EUR and GBP, printed in groups of four." }),
        account_number: z.string().nullable().openapi({ description: "USD and GBP." }),
        routing_number: z
          .string()
          .nullable()
          .openapi({ description: "USD: ABA routing number (ACH and wire)." }),
        sort_code: z.string().nullable().openapi({ description: "GBP." }),
      })
      .openapi("FundingBankAccount"),
  })
  .openapi("FundingInstructions");

export type FundingInstructions = z.infer<typeof fundingInstructionsSchema>;

export const createFundingDepositBody = z
  .object({
    amount: positiveAmount,
    currency: currencyCode,
    method: fundingMethodSchema,
    expected_at: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: "When you expect the transfer to arrive (ISO 8601)." }),
    reference: z
      .string()
      .min(1)
      .max(140)
      .optional()
      .openapi({ description: "The reference on your transfer; defaults to your funding reference." }),
    description: z.string().max(1000).optional(),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .openapi("CreateFundingDeposit");

export type CreateFundingDepositInput = z.infer<typeof createFundingDepositBody>;

export const receiveFundingDepositBody = z
  .object({
    amount: positiveAmount
      .optional()
      .openapi({ description: "The amount that arrived, when it differs from the declared one." }),
  })
  .strict()
  .openapi("ReceiveFundingDeposit");

export const failFundingDepositBody = z
  .object({ failure_reason: z.string().min(1).max(500).optional() })
  .strict()
  .openapi("FailFundingDeposit");

export const fundingDepositSchema = z
  .object({
    id: z.string().openapi({ example: "fdep_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("funding_deposit"),
    environment: environmentSchema,
    amount: z.number().int().openapi({ description: "The declared amount, in minor units." }),
    amount_received: z.number().int().nullable().openapi({ description: "What arrived, once received." }),
    currency: z.string(),
    method: fundingMethodSchema,
    status: fundingDepositStatusSchema,
    reference: z.string(),
    description: z.string().nullable(),
    expected_at: timestamp.nullable(),
    failure_reason: z.string().nullable(),
    transaction: z
      .string()
      .nullable()
      .openapi({ description: "The ledger transaction (ltx_) that credited available." }),
    metadata: z.record(z.string(), z.string()),
    received_at: timestamp.nullable(),
    credited_at: timestamp.nullable(),
    failed_at: timestamp.nullable(),
    canceled_at: timestamp.nullable(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("FundingDeposit");

export type FundingDeposit = z.infer<typeof fundingDepositSchema>;

export const fundingDepositIdParams = idParams("fdep_3kTq9yQy7yJ4pQz2Xb8w1LmN");

export const listFundingDepositsQuery = listQuerySchema.extend({
  status: fundingDepositStatusSchema.optional(),
  currency: currencyCode.optional(),
});

export type ListFundingDepositsQuery = z.infer<typeof listFundingDepositsQuery>;
