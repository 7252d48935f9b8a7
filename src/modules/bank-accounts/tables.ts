import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgTable, text, timestamp, uniqueIndex } from "drizzle-orm/pg-core";
import type { BankDetailField, BankScheme } from "../../core/bank-details";
import type { Environment } from "../../core/tables";

export const bankAccountStatuses = [
  "new",
  "pending_verification",
  "verified",
  "verification_failed",
] as const;
export type BankAccountStatus = (typeof bankAccountStatuses)[number];
export type HolderType = "individual" | "company";
export type MicroDepositType = "amounts" | "descriptor_code";

export const bankAccounts = pgTable(
  "bank_accounts",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    /** Null for the merchant's own accounts. */
    customerId: text("customer_id"),
    holderName: text("holder_name").notNull(),
    holderType: text("holder_type").$type<HolderType>().notNull(),
    country: text("country").notNull(),
    currency: text("currency").notNull(),
    scheme: text("scheme").$type<BankScheme>().notNull(),
    /** The public bank identifiers (routing number, sort code, BSB, ...). */
    routing: jsonb("routing").$type<Partial<Record<BankDetailField, string>>>().notNull(),
    bic: text("bic"),
    last4: text("last4").notNull(),
    fingerprint: text("fingerprint").notNull(),
    /** The IBAN, CLABE or account number, sealed under BANK_ACCOUNT_NUMBERS_KEY and bound to the row id. */
    accountNumberSealed: text("account_number_sealed").notNull(),
    status: text("status").$type<BankAccountStatus>().notNull(),
    verificationMethod: text("verification_method").$type<"micro_deposits" | "instant">(),
    microDepositType: text("micro_deposit_type").$type<MicroDepositType>(),
    microDepositAmounts: jsonb("micro_deposit_amounts").$type<number[]>(),
    descriptorCode: text("descriptor_code"),
    verificationAttempts: integer("verification_attempts").notNull().default(0),
    verificationExpiresAt: timestamp("verification_expires_at", { withTimezone: true, mode: "date" }),
    verificationFailureReason: text("verification_failure_reason"),
    verifiedAt: timestamp("verified_at", { withTimezone: true, mode: "date" }),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    deletedAt: timestamp("deleted_at", { withTimezone: true, mode: "date" }),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    index("bank_accounts_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
    index("bank_accounts_customer_idx").on(table.merchantId, table.environment, table.customerId),
    // One live account per fingerprint: a deleted one may be saved again.
    uniqueIndex("bank_accounts_fingerprint_idx")
      .on(table.merchantId, table.environment, table.fingerprint)
      .where(sql`${table.deletedAt} is null`),
  ],
);

export type BankAccountRow = typeof bankAccounts.$inferSelect;

export const mandateTypes = ["ach_debit", "sepa_debit"] as const;
export type MandateType = (typeof mandateTypes)[number];

export const mandates = pgTable(
  "mandates",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    bankAccountId: text("bank_account_id").notNull(),
    customerId: text("customer_id"),
    type: text("type").$type<MandateType>().notNull(),
    reference: text("reference").notNull(),
    acceptance: jsonb("acceptance")
      .$type<{
        type: "online" | "offline";
        ip_address: string | null;
        user_agent: string | null;
        accepted_at: string;
      }>()
      .notNull(),
    revokedAt: timestamp("revoked_at", { withTimezone: true, mode: "date" }),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    index("mandates_merchant_created_idx").on(table.merchantId, table.environment, table.createdAt, table.id),
    index("mandates_bank_account_idx").on(table.bankAccountId),
    uniqueIndex("mandates_reference_idx").on(table.merchantId, table.environment, table.reference),
  ],
);

export type MandateRow = typeof mandates.$inferSelect;
