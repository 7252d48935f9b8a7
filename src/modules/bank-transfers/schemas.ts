import { z } from "@hono/zod-openapi";
import { metadataSchema } from "../../core/metadata";
import { listQuerySchema } from "../../core/pagination";
import { railIds } from "../../core/rails";
import { currencyCode, environmentSchema, idParams, positiveAmount, timestamp } from "../../core/schemas";
import { chargeBearers } from "./fees";
import { bankTransferDirections, bankTransferStatuses } from "./tables";

export const createBankTransferBody = z
  .object({
    direction: z.enum(bankTransferDirections).openapi({
      description:
        "push: a credit transfer from the available balance to the bank account. pull: a debit of the bank account under an active mandate.",
    }),
    amount: positiveAmount,
    currency: currencyCode,
    bank_account: z.string().min(1).max(255).openapi({
      example: "ba_3kTq9yQy7yJ4pQz2Xb8w1LmN",
      description: "A verified bank account of the merchant or of one of its customers.",
    }),
    rail: z.enum(railIds).optional().openapi({
      description:
        "Defaults: push USD ach_standard, EUR sepa_credit, GBP bacs, CHF, CAD, AUD, JPY, SGD and HKD swift; pull by the mandate (ach_debit: ach_standard, sepa_debit: sepa_debit). wire is the domestic US wire (USD); swift carries EUR, GBP, CHF, CAD, AUD, JPY, SGD and HKD.",
    }),
    charge_bearer: z.enum(chargeBearers).optional().openapi({
      description:
        "SWIFT wires only (field 71A), default sha. our: you pay the correspondent banks too (correspondent_fee, added to fee) and the beneficiary gets the whole amount; sha: the intermediaries deduct their fees from the amount on the way (estimated_correspondent_fee).",
    }),
    mandate: z.string().min(1).max(255).optional().openapi({
      example: "mdt_3kTq9yQy7yJ4pQz2Xb8w1LmN",
      description: "Pulls only, and required for them: an active mandate on the same bank account.",
    }),
    statement_descriptor: z
      .string()
      .regex(/^[A-Za-z0-9 .,\-/]{1,22}$/, "1 to 22 letters, digits, spaces and . , - /")
      .optional()
      .openapi({ description: "Shown on the bank statement; 22 characters at most (ACH's limit)." }),
    test_clock: z.string().min(1).max(255).optional().openapi({
      example: "clock_3kTq9yQy7yJ4pQz2Xb8w1LmN",
      description:
        "Sandbox only, for the merchant's own bank accounts: one of your test clocks, whose time schedules the transfer and moves it. A customer's account follows its customer's clock.",
    }),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .openapi("CreateBankTransfer");

export type CreateBankTransferInput = z.infer<typeof createBankTransferBody>;

export const bankTransferSchema = z
  .object({
    id: z.string().openapi({ example: "bt_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("bank_transfer"),
    environment: environmentSchema,
    direction: z.enum(bankTransferDirections),
    amount: z.number().int(),
    fee: z.number().int().openapi({
      description:
        "The rail's fee, minor units: a push's is debited from available with the amount, a pull's kept from what it collects; both come back if the transfer fails or is returned.",
    }),
    currency: z.string(),
    rail: z.enum(railIds),
    charge_bearer: z
      .enum(chargeBearers)
      .nullable()
      .openapi({ description: "SWIFT wires: our or sha (field 71A); null on the other rails." }),
    correspondent_fee: z.number().int().nullable().openapi({
      description:
        "SWIFT wires: the correspondent fee charged to you with charge bearer our (included in fee), 0 with sha; null on the other rails.",
    }),
    estimated_correspondent_fee: z.number().int().nullable().openapi({
      description:
        "SWIFT wires with charge bearer sha: what the correspondent banks are expected to deduct from the amount before it reaches the beneficiary (not charged by us), 0 with our; null on the other rails.",
    }),
    bank_account: z.string().openapi({ description: "The bank account (ba_…)." }),
    customer: z.string().nullable().openapi({ description: "The bank account's customer, if any." }),
    mandate: z.string().nullable().openapi({ description: "Pulls: the mandate (mdt_…)." }),
    statement_descriptor: z.string().nullable(),
    status: z.enum(bankTransferStatuses),
    arrival_date: z
      .string()
      .openapi({ example: "2026-12-03", description: "Rail-local day the funds arrive." }),
    return_deadline: z.string().openapi({
      description: "Rail-local day until which the other bank may still return the transfer.",
    }),
    available_on: z.string().nullable().openapi({
      description: "Pulls: the rail-local day a settled debit's funds move from pending to available.",
    }),
    submission: z
      .string()
      .nullable()
      .openapi({ description: "The rail submission (rail and cut-off) it left in." }),
    failure_code: z
      .string()
      .nullable()
      .openapi({ description: "The rail's reason code when failed or returned (R01, MD06, …)." }),
    failure_message: z.string().nullable(),
    submitted_at: timestamp.nullable(),
    settled_at: timestamp.nullable(),
    funds_available_at: timestamp.nullable(),
    failed_at: timestamp.nullable(),
    returned_at: timestamp.nullable(),
    canceled_at: timestamp.nullable(),
    test_clock: z.string().nullable().openapi({
      description:
        "Sandbox: the test clock it moves on (its customer's, or the one given); null on real time.",
    }),
    metadata: z.record(z.string(), z.string()),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("BankTransfer");

export type BankTransfer = z.infer<typeof bankTransferSchema>;

export const bankTransferIdParams = idParams("bt_3kTq9yQy7yJ4pQz2Xb8w1LmN");

export const listBankTransfersQuery = listQuerySchema.extend({
  status: z.enum(bankTransferStatuses).optional(),
  direction: z.enum(bankTransferDirections).optional(),
  bank_account: z.string().min(1).max(255).optional(),
});

export type ListBankTransfersQuery = z.infer<typeof listBankTransfersQuery>;

export const returnBankTransferBody = z
  .object({
    code: z.string().min(1).max(16).openapi({
      example: "R10",
      description:
        "A return code of the transfer's rail: ACH R01–R51 (Nacha), SEPA AC01, AC04, AC06, AG01, AM04, AM05, MD06, MD07, MS02, MS03, Bacs (ARUCS) 0, 2, 3, 5, B, C.",
    }),
  })
  .strict()
  .openapi("ReturnBankTransfer");

export type ReturnBankTransferInput = z.infer<typeof returnBankTransferBody>;
