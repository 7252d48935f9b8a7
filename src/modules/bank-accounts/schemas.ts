import { z } from "@hono/zod-openapi";
import { metadataSchema } from "../../core/metadata";
import { listQuerySchema } from "../../core/pagination";
import { currencyCode, environmentSchema, idParams, timestamp } from "../../core/schemas";

const detailField = (description: string) => z.string().min(1).max(64).optional().openapi({ description });

export const countryCode = z
  .string()
  .regex(/^[A-Z]{2}$/, "An ISO 3166-1 alpha-2 country code, upper case.")
  .openapi({ example: "DE" });

/** The fields a country's bank details use (docs/bank-accounts.md has the table). */
export const bankDetailsFields = {
  iban: detailField("IBAN countries (and optionally GB)."),
  bic: detailField("Optional with an IBAN."),
  account_number: detailField("Every local scheme but Mexico's."),
  routing_number: detailField("US: ABA routing number."),
  sort_code: detailField("GB."),
  transit_number: detailField("CA: five digits."),
  institution_number: detailField("CA: three digits."),
  bsb: detailField("AU: six digits."),
  ifsc: detailField("IN: eleven characters."),
  clabe: detailField("MX: eighteen digits."),
  bank_code: detailField("JP, SG, HK, BR."),
  branch_code: detailField("JP, SG, HK, BR."),
};

export const createBankAccountBody = z
  .object({
    customer: z
      .string()
      .regex(/^cus_[0-9A-Za-z]+$/, "Must be a customer id (cus_...).")
      .optional()
      .openapi({ description: "Leave out for an account of the merchant itself." }),
    account_holder_name: z.string().trim().min(1).max(140),
    account_holder_type: z.enum(["individual", "company"]),
    country: countryCode,
    currency: currencyCode,
    ...bankDetailsFields,
    metadata: metadataSchema.optional(),
  })
  .strict()
  .openapi("CreateBankAccount");

export type CreateBankAccountInput = z.infer<typeof createBankAccountBody>;

export const routingSchema = z
  .object({
    routing_number: z.string().optional(),
    sort_code: z.string().optional(),
    transit_number: z.string().optional(),
    institution_number: z.string().optional(),
    bsb: z.string().optional(),
    ifsc: z.string().optional(),
    bank_code: z.string().optional(),
    branch_code: z.string().optional(),
  })
  .openapi("BankRouting", {
    description: "The bank and branch identifiers of the country's scheme (public).",
  });

export const bankAccountSchema = z
  .object({
    id: z.string().openapi({ example: "ba_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("bank_account"),
    environment: environmentSchema,
    customer: z.string().nullable(),
    account_holder_name: z.string(),
    account_holder_type: z.enum(["individual", "company"]),
    country: z.string(),
    currency: z.string(),
    scheme: z.string().openapi({
      description:
        "iban, us_aba, gb_sort_code, ca_eft, au_bsb, in_ifsc, mx_clabe, jp_zengin, sg_local, hk_local or br_local.",
    }),
    routing: routingSchema,
    bic: z.string().nullable(),
    last4: z.string(),
    fingerprint: z.string(),
    status: z.enum(["new", "pending_verification", "verified", "verification_failed"]),
    verification: z
      .object({
        method: z.enum(["micro_deposits", "instant"]),
        micro_deposit_type: z.enum(["amounts", "descriptor_code"]).nullable(),
        attempts_remaining: z.number().int(),
        expires_at: timestamp.nullable(),
        failure_reason: z.string().nullable(),
      })
      .nullable(),
    verified_at: timestamp.nullable(),
    sandbox_micro_deposits: z
      .object({ amounts: z.array(z.number().int()).nullable(), descriptor_code: z.string().nullable() })
      .nullable()
      .openapi({
        description:
          "Sandbox only (null in production): what the simulated bank deposited, to complete the flow.",
      }),
    metadata: z.record(z.string(), z.string()),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("BankAccount");

export type BankAccount = z.infer<typeof bankAccountSchema>;

export const deletedBankAccountSchema = z
  .object({ id: z.string(), object: z.literal("bank_account"), deleted: z.literal(true) })
  .openapi("DeletedBankAccount");

export const bankAccountIdParams = idParams("ba_3kTq9yQy7yJ4pQz2Xb8w1LmN");

export const listBankAccountsQuery = listQuerySchema.extend({
  customer: z.string().max(255).optional().openapi({ description: "Only this customer's accounts." }),
});

export const startMicroDepositsBody = z
  .object({
    type: z.enum(["amounts", "descriptor_code"]).default("amounts").openapi({
      description: "Two small amounts, or one amount whose statement descriptor carries a 6-character code.",
    }),
  })
  .strict()
  .openapi("StartMicroDeposits");

export const verifyBankAccountBody = z
  .object({
    amounts: z.array(z.number().int().min(1).max(99)).min(1).max(2).optional(),
    descriptor_code: z
      .string()
      .regex(/^[A-Za-z0-9]{6}$/, "Six letters and digits.")
      .optional(),
  })
  .strict()
  .openapi("VerifyBankAccount");

export type VerifyBankAccountInput = z.infer<typeof verifyBankAccountBody>;

export const mandateSchema = z
  .object({
    id: z.string().openapi({ example: "mdt_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("mandate"),
    environment: environmentSchema,
    bank_account: z.string(),
    customer: z.string().nullable(),
    type: z.enum(["ach_debit", "sepa_debit"]),
    reference: z.string(),
    status: z.enum(["active", "revoked", "expired"]),
    acceptance: z.object({
      type: z.enum(["online", "offline"]),
      ip_address: z.string().nullable(),
      user_agent: z.string().nullable(),
      accepted_at: timestamp,
    }),
    expires_at: timestamp.nullable(),
    revoked_at: timestamp.nullable(),
    metadata: z.record(z.string(), z.string()),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("Mandate");

export type Mandate = z.infer<typeof mandateSchema>;

export const createMandateBody = z
  .object({
    bank_account: z.string().regex(/^ba_[0-9A-Za-z]+$/, "Must be a bank account id (ba_...)."),
    type: z.enum(["ach_debit", "sepa_debit"]),
    reference: z
      .string()
      .regex(/^[A-Za-z0-9+?/:().,'-]{1,35}$/, "1 to 35 characters of the SEPA character set, no spaces.")
      .optional()
      .openapi({ description: "Unique per merchant and environment; generated when left out." }),
    acceptance: z
      .object({
        type: z.enum(["online", "offline"]),
        ip_address: z.string().max(45).optional(),
        user_agent: z.string().max(500).optional(),
      })
      .strict()
      .openapi({ description: "How the account holder authorized the debits." }),
    expires_at: z.iso
      .datetime({ offset: true })
      .optional()
      .openapi({ description: "ISO 8601; none by default." }),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .openapi("CreateMandate");

export type CreateMandateInput = z.infer<typeof createMandateBody>;

export const mandateIdParams = idParams("mdt_3kTq9yQy7yJ4pQz2Xb8w1LmN");

export const listMandatesQuery = listQuerySchema.extend({
  bank_account: z.string().max(255).optional().openapi({ description: "Only this account's mandates." }),
});
