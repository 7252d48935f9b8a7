import { sql } from "drizzle-orm";
import { bigint, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import type { Environment } from "../../core/tables";
import type { CardColumn } from "../payment-methods/tables";
import type { NextAction } from "../providers/types";

export const paymentStatuses = [
  "requires_payment_method",
  "requires_confirmation",
  "requires_action",
  "processing",
  "requires_capture",
  "succeeded",
  "canceled",
  "failed",
] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];

export interface RoutingColumn {
  provider: string | null;
  reason: string;
  candidates: Array<{ provider: string; eligible: boolean; estimated_fee: number | null; reason: string }>;
  attempts: Array<{ provider: string; outcome: string; code: string | null }>;
}

/**
 * A provider call that was recorded before it was made and whose outcome is not applied yet:
 * the request running it, a retry of it, the provider's webhook or the payment-reconcile function
 * applies it once (compare-and-set on `key`). `unknown` once a call may have reached the
 * provider without a definite answer (timeout, 5xx, connection lost).
 */
export interface ProviderAttemptColumn {
  kind: "authorize" | "capture" | "cancel";
  provider: string;
  /** The provider idempotency key; a retry of this attempt sends it again. */
  key: string;
  /** 1 for the first provider of a confirmation, 2 for its first fallback, ... */
  index: number;
  amount: number;
  started_at: string;
  state: "in_flight" | "unknown";
  /** Capture/cancel: the cancellation reason to apply. */
  reason?: string | null;
}

/** Why a payment is `processing` (public as `processing_reason`). */
export const processingReasons = ["provider_outcome_unknown", "awaiting_provider"] as const;
export type ProcessingReason = (typeof processingReasons)[number];

export interface PaymentMethodDetailsColumn {
  type: string;
  card: CardColumn | null;
  upi: { vpa: string } | null;
}

export const payments = pgTable(
  "payments",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    status: text("status").$type<PaymentStatus>().notNull(),
    captureMethod: text("capture_method").$type<"automatic" | "manual">().notNull(),
    customerId: text("customer_id"),
    paymentMethodId: text("payment_method_id"),
    paymentMethodType: text("payment_method_type"),
    /** The method as shown on the payment (card brand, last4, ...; never the number). */
    paymentMethodDetails: jsonb("payment_method_details").$type<PaymentMethodDetailsColumn>(),
    /** The payer country routing used: card issuing country, billing country or the customer's. */
    country: text("country"),
    sandboxBehavior: text("sandbox_behavior"),
    description: text("description"),
    statementDescriptor: text("statement_descriptor"),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    returnUrl: text("return_url"),
    nextAction: jsonb("next_action").$type<NextAction>(),
    /** Sandbox action pages check this token, so only the payer holding the URL can approve. */
    actionToken: text("action_token"),
    routing: jsonb("routing").$type<RoutingColumn>(),
    provider: text("provider"),
    providerReference: text("provider_reference"),
    confirmations: integer("confirmations").notNull().default(0),
    /** The provider call recorded before it was made, until its outcome is applied. */
    providerAttempt: jsonb("provider_attempt").$type<ProviderAttemptColumn>(),
    processingReason: text("processing_reason").$type<ProcessingReason>(),
    /** Refunds drawn from this payment's own funds while they were still pending (not settled). */
    refundedFromPending: bigint("refunded_from_pending", { mode: "number" }).notNull().default(0),
    fee: bigint("fee", { mode: "number" }).notNull().default(0),
    amountCapturable: bigint("amount_capturable", { mode: "number" }).notNull().default(0),
    amountReceived: bigint("amount_received", { mode: "number" }).notNull().default(0),
    amountRefunded: bigint("amount_refunded", { mode: "number" }).notNull().default(0),
    failureCode: text("failure_code"),
    failureMessage: text("failure_message"),
    declineCode: text("decline_code"),
    cancellationReason: text("cancellation_reason"),
    canceledAt: timestamp("canceled_at", { withTimezone: true, mode: "date" }),
    availableOn: timestamp("available_on", { withTimezone: true, mode: "date" }),
    settledAt: timestamp("settled_at", { withTimezone: true, mode: "date" }),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    index("payments_merchant_created_idx").on(table.merchantId, table.environment, table.createdAt, table.id),
    index("payments_customer_idx").on(table.merchantId, table.environment, table.customerId),
    index("payments_attempt_idx").on(table.updatedAt).where(sql`provider_attempt is not null`),
    index("payments_settle_due_idx")
      .on(table.availableOn)
      .where(sql`settled_at is null and available_on is not null`),
  ],
);

export type PaymentRow = typeof payments.$inferSelect;
