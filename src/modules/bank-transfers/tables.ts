import { sql } from "drizzle-orm";
import { bigint, index, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import type { RailId } from "../../core/rails";
import type { Environment } from "../../core/tables";
import type { ChargeBearer } from "./fees";

export const bankTransferDirections = ["push", "pull"] as const;
export type BankTransferDirection = (typeof bankTransferDirections)[number];
export const bankTransferStatuses = [
  "pending",
  "submitted",
  "settled",
  "failed",
  "returned",
  "canceled",
] as const;
export type BankTransferStatus = (typeof bankTransferStatuses)[number];

export const bankTransfers = pgTable(
  "bank_transfers",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    direction: text("direction").$type<BankTransferDirection>().notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    /**
     * The rail's fee (fees.ts), with a SWIFT wire's correspondent fee on charge bearer `our`: a push's
     * is debited with the amount, a pull's kept from what it collects.
     */
    fee: bigint("fee", { mode: "number" }).notNull().default(0),
    currency: text("currency").notNull(),
    rail: text("rail").$type<RailId>().notNull(),
    /** SWIFT wires only (field 71A): who pays the correspondent banks. */
    chargeBearer: text("charge_bearer").$type<ChargeBearer>(),
    /**
     * SWIFT wires only: the correspondent fee of the currency (fees.ts), charged within `fee` on
     * `our`, the intermediaries' expected deduction from the amount on `sha`.
     */
    correspondentFee: bigint("correspondent_fee", { mode: "number" }),
    bankAccountId: text("bank_account_id").notNull(),
    /** The account's customer; null for the merchant's own accounts. */
    customerId: text("customer_id"),
    /** Pulls only: the debit mandate they are made under. */
    mandateId: text("mandate_id"),
    statementDescriptor: text("statement_descriptor"),
    status: text("status").$type<BankTransferStatus>().notNull(),
    /** The rail's cut-off whose window carries the transfer: the batch submits it from then on. */
    windowAt: timestamp("window_at", { withTimezone: true, mode: "date" }).notNull(),
    /** Rail-local days (YYYY-MM-DD) from the rail calendar. */
    arrivalDate: text("arrival_date").notNull(),
    returnDeadline: text("return_deadline").notNull(),
    /** Pulls only: the rail day a settled debit's funds move from pending to available. */
    availableOn: text("available_on"),
    /** The submission (rail and cut-off) it left in. */
    submissionId: text("submission_id"),
    failureCode: text("failure_code"),
    failureMessage: text("failure_message"),
    submittedAt: timestamp("submitted_at", { withTimezone: true, mode: "date" }),
    settledAt: timestamp("settled_at", { withTimezone: true, mode: "date" }),
    fundsAvailableAt: timestamp("funds_available_at", { withTimezone: true, mode: "date" }),
    failedAt: timestamp("failed_at", { withTimezone: true, mode: "date" }),
    returnedAt: timestamp("returned_at", { withTimezone: true, mode: "date" }),
    canceledAt: timestamp("canceled_at", { withTimezone: true, mode: "date" }),
    /**
     * Sandbox: the test clock it moves on (its hook, as the clock advances); null: real time. A
     * customer's account takes its customer's clock, the merchant's own the one asked for.
     */
    testClockId: text("test_clock_id"),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    index("bank_transfers_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
    // The batch's scans: due windows, due arrivals, returns still possible, funds to release.
    index("bank_transfers_status_window_idx").on(table.status, table.windowAt),
    index("bank_transfers_status_arrival_idx").on(table.status, table.arrivalDate),
    index("bank_transfers_test_clock_idx").on(table.testClockId).where(sql`${table.testClockId} is not null`),
  ],
);

export type BankTransferRow = typeof bankTransfers.$inferSelect;
