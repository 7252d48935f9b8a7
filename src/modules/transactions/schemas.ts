import { z } from "@hono/zod-openapi";
import { ledgerTransactionStatuses, ledgerTransactionTypes } from "../../core/ledger";
import { listQuerySchema } from "../../core/pagination";
import { currencyCode, environmentSchema, idParams, timestamp } from "../../core/schemas";

const filterFields = {
  type: z.enum(ledgerTransactionTypes).optional(),
  currency: currencyCode.optional().openapi({ description: "Transactions with an entry in this currency." }),
  status: z.enum(ledgerTransactionStatuses).optional(),
  source_object_id: z
    .string()
    .min(1)
    .max(255)
    .optional()
    .openapi({ description: "The object that caused it, e.g. fdep_…" }),
};

export const listTransactionsQuery = listQuerySchema.extend(filterFields);
export type ListTransactionsQuery = z.infer<typeof listTransactionsQuery>;

export const exportTransactionsQuery = z.object({
  format: z.enum(["csv"]).openapi({ description: "csv: one row per ledger entry, oldest first." }),
  ...filterFields,
  created_gte: listQuerySchema.shape.created_gte,
  created_lte: listQuerySchema.shape.created_lte,
});
export type ExportTransactionsQuery = z.infer<typeof exportTransactionsQuery>;

export const transactionEntrySchema = z
  .object({
    account: z.string().openapi({
      example: "available",
      description:
        "available, pending or reserved (your balances), or the platform's side: funding_in_transit, payouts_in_transit, fees, provider_clearing:<provider>, …",
    }),
    amount: z
      .number()
      .int()
      .openapi({ description: "Signed, minor units; a transaction's entries sum to zero." }),
    currency: z.string(),
  })
  .openapi("TransactionEntry");

export const transactionSchema = z
  .object({
    id: z.string().openapi({ example: "ltx_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("transaction"),
    environment: environmentSchema,
    type: z.enum(ledgerTransactionTypes),
    status: z.enum(ledgerTransactionStatuses).openapi({
      description: "pending: the funds sit in pending or reserved; posted: they reached or left available.",
    }),
    amount: z.number().int().openapi({ description: "Gross amount moved in `currency`." }),
    currency: z.string(),
    source_object_id: z.string().nullable(),
    description: z.string().nullable(),
    entries: z.array(transactionEntrySchema),
    created_at: timestamp,
  })
  .openapi("Transaction");

export type Transaction = z.infer<typeof transactionSchema>;

export const transactionIdParams = idParams("ltx_3kTq9yQy7yJ4pQz2Xb8w1LmN");
