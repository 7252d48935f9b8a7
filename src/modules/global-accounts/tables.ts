import { bigint, index, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import type { BankDetailField, BankScheme } from "../../core/bank-details";
import type { Environment } from "../../core/tables";

export type GlobalAccountStatus = "active" | "closed";

export const globalAccounts = pgTable(
  "global_accounts",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    country: text("country").notNull(),
    currency: text("currency").notNull(),
    scheme: text("scheme").$type<BankScheme>().notNull(),
    routing: jsonb("routing").$type<Partial<Record<BankDetailField, string>>>().notNull(),
    iban: text("iban"),
    bic: text("bic"),
    /** The IBAN, CLABE or local account number: the merchant's receiving details, shown in full. */
    accountNumber: text("account_number").notNull(),
    /** Country, routing and account number: unique over every row ever issued, closed ones too, so details are never reused. */
    detailsKey: text("details_key").notNull(),
    autoConvertTo: text("auto_convert_to"),
    status: text("status").$type<GlobalAccountStatus>().notNull(),
    closedAt: timestamp("closed_at", { withTimezone: true, mode: "date" }),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    index("global_accounts_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
    uniqueIndex("global_accounts_details_idx").on(table.environment, table.detailsKey),
  ],
);

export type GlobalAccountRow = typeof globalAccounts.$inferSelect;

export type TransferStatus = "received" | "returned";

export const globalAccountTransfers = pgTable(
  "global_account_transfers",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    globalAccountId: text("global_account_id").notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    payerName: text("payer_name").notNull(),
    payerIban: text("payer_iban"),
    payerAccountNumber: text("payer_account_number"),
    reference: text("reference"),
    status: text("status").$type<TransferStatus>().notNull(),
    returnReason: text("return_reason"),
    /** The ledger source of the credit (null when returned): global_account_transfer:<id>:received. */
    ledgerSource: text("ledger_source"),
    conversionId: text("conversion_id"),
    convertedAmount: bigint("converted_amount", { mode: "number" }),
    convertedCurrency: text("converted_currency"),
    conversionFailure: text("conversion_failure"),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    index("global_account_transfers_account_idx").on(
      table.merchantId,
      table.environment,
      table.globalAccountId,
      table.createdAt,
      table.id,
    ),
  ],
);

export type GlobalAccountTransferRow = typeof globalAccountTransfers.$inferSelect;
