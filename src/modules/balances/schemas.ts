import { z } from "@hono/zod-openapi";
import { listQuerySchema, listSchema } from "../../core/pagination";
import { currencyCode, environmentSchema, timestamp } from "../../core/schemas";

export const balanceKindSchema = z.enum(["available", "pending", "reserved"]);
export type BalanceKind = z.infer<typeof balanceKindSchema>;

export const balanceSchema = z
  .object({
    object: z.literal("balance"),
    environment: environmentSchema,
    currency: z.string().openapi({ example: "EUR" }),
    available: z.number().int().openapi({ description: "Spendable now, in minor units." }),
    pending: z.number().int().openapi({ description: "On its way in, not yet spendable." }),
    reserved: z.number().int().openapi({ description: "Held for movements in progress (e.g. payouts)." }),
  })
  .openapi("Balance");

export type Balance = z.infer<typeof balanceSchema>;

export const balanceListSchema = listSchema(balanceSchema, "BalanceList");

export const currencyParams = z.object({
  currency: currencyCode.openapi({ param: { name: "currency", in: "path" }, example: "EUR" }),
});

export const balanceHistoryQuery = listQuerySchema.extend({
  balance: balanceKindSchema.optional().openapi({ description: "Only changes of this balance." }),
});

export type BalanceHistoryQuery = z.infer<typeof balanceHistoryQuery>;

export const balanceChangeSchema = z
  .object({
    id: z.string().openapi({ example: "len_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("balance_change"),
    environment: environmentSchema,
    currency: z.string(),
    balance: balanceKindSchema,
    amount: z.number().int().openapi({ description: "Signed: positive adds to the balance." }),
    balance_after: z.number().int(),
    transaction: z.string().openapi({ description: "The ledger transaction (ltx_) that moved it." }),
    type: z.string(),
    source_object_id: z.string().nullable(),
    description: z.string().nullable(),
    created_at: timestamp,
  })
  .openapi("BalanceChange");

export type BalanceChange = z.infer<typeof balanceChangeSchema>;
