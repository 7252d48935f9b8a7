import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { Environment } from "../../core/tables";
import type { AddressColumn } from "../customers/tables";

const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export type LimitInterval = "per_authorization" | "daily" | "weekly" | "monthly" | "yearly" | "all_time";

/** Spending controls as stored on a cardholder or a card; both apply to every authorization. */
export interface SpendingControlsColumn {
  spending_limits: Array<{ amount: number; interval: LimitInterval }>;
  /** The currency of the limits; a card's limits are in the card's currency. */
  spending_limits_currency: string | null;
  allowed_categories: string[];
  blocked_categories: string[];
  allowed_countries: string[];
  online: boolean;
  atm: boolean;
  contactless: boolean;
}

export type CardholderType = "individual" | "company";
export type CardholderStatus = "active" | "inactive" | "blocked";

export const issuingCardholders = pgTable(
  "issuing_cardholders",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    type: text("type").$type<CardholderType>().notNull(),
    /** The customer whose identity verification (KYC) the card activation policy checks. */
    customerId: text("customer_id"),
    name: text("name").notNull(),
    email: text("email"),
    phoneNumber: text("phone_number"),
    billingAddress: jsonb("billing_address").$type<AddressColumn>().notNull(),
    status: text("status").$type<CardholderStatus>().notNull(),
    spendingControls: jsonb("spending_controls").$type<SpendingControlsColumn>().notNull(),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull(),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (table) => [
    index("issuing_cardholders_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
  ],
);

export type CardType = "virtual" | "physical";
export type CardStatus = "inactive" | "active" | "frozen" | "canceled";
export type FundingMode = "prefunded" | "just_in_time";
export type ShippingStatus =
  | "pending"
  | "submitted"
  | "shipped"
  | "delivered"
  | "returned"
  | "failure"
  | "canceled";
export type AuthorizationTimeoutDefault = "approve" | "decline";
export type ReplacementReason = "lost" | "stolen" | "expired" | "damaged";

export interface ShippingColumn {
  name: string;
  address: AddressColumn;
  service: "standard" | "express" | "priority";
  status: ShippingStatus;
}

export interface ProviderDecisionColumn {
  provider: string;
  reason: string;
  candidates: Array<{ provider: string; eligible: boolean; issuing_fee: number | null; reason: string }>;
}

export const issuingCards = pgTable(
  "issuing_cards",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    cardholderId: text("cardholder_id")
      .notNull()
      .references(() => issuingCardholders.id),
    type: text("type").$type<CardType>().notNull(),
    status: text("status").$type<CardStatus>().notNull(),
    /** Who froze the card, when frozen. */
    frozenBy: text("frozen_by").$type<"merchant" | "cardholder">(),
    currency: text("currency").notNull(),
    brand: text("brand").notNull(),
    last4: text("last4").notNull(),
    expMonth: integer("exp_month").notNull(),
    expYear: integer("exp_year").notNull(),
    provider: text("provider").notNull(),
    providerDecision: jsonb("provider_decision").$type<ProviderDecisionColumn>().notNull(),
    fundingMode: text("funding_mode").$type<FundingMode>().notNull(),
    spendingControls: jsonb("spending_controls").$type<SpendingControlsColumn>().notNull(),
    shipping: jsonb("shipping").$type<ShippingColumn>(),
    pinSet: boolean("pin_set").notNull(),
    replacementFor: text("replacement_for"),
    replacementReason: text("replacement_reason").$type<ReplacementReason>(),
    replacedBy: text("replaced_by"),
    cancellationReason: text("cancellation_reason"),
    /** How long the merchant's authorization webhook may take to answer for this card. */
    authorizationTimeoutMs: integer("authorization_timeout_ms").notNull().default(1500),
    /** What applies when it does not answer in time (or answers nonsense). */
    authorizationOnTimeout: text("authorization_on_timeout")
      .$type<AuthorizationTimeoutDefault>()
      .notNull()
      .default("decline"),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull(),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (table) => [
    index("issuing_cards_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
    index("issuing_cards_cardholder_idx").on(table.cardholderId),
  ],
);

/** `pending_request`: held, waiting for the merchant's authorization webhook to answer. */
export type AuthorizationStatus = "pending_request" | "pending" | "closed" | "reversed";
/** Who took the final decision: our controls, the merchant's webhook, or the card's default. */
export type AuthorizationDecider = "controls" | "merchant" | "timeout_default";
export type AuthorizationChannel = "online" | "contactless" | "chip" | "swipe" | "atm";

export interface MerchantDataColumn {
  name: string;
  category_code: string;
  category: string;
  country: string;
}

/**
 * Network authorizations. `pending_amount + captured_amount` is what counts against velocity
 * limits: held while pending, captured once closed, nothing once reversed.
 */
export const issuingAuthorizations = pgTable(
  "issuing_authorizations",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    cardId: text("card_id")
      .notNull()
      .references(() => issuingCards.id),
    cardholderId: text("cardholder_id").notNull(),
    approved: boolean("approved").notNull(),
    declineReason: text("decline_reason"),
    /** Null only while `pending_request`. */
    decidedBy: text("decided_by").$type<AuthorizationDecider>(),
    /** Every reason behind the decision: ours, the webhook's outcome and the merchant's own codes. */
    reasonCodes: jsonb("reason_codes").$type<string[]>().notNull().default([]),
    status: text("status").$type<AuthorizationStatus>().notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    pendingAmount: bigint("pending_amount", { mode: "number" }).notNull(),
    capturedAmount: bigint("captured_amount", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    fundingMode: text("funding_mode").$type<FundingMode>().notNull(),
    channel: text("channel").$type<AuthorizationChannel>().notNull(),
    merchantData: jsonb("merchant_data").$type<MerchantDataColumn>().notNull(),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (table) => [
    index("issuing_authorizations_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
    index("issuing_authorizations_card_created_idx").on(table.cardId, table.createdAt),
    index("issuing_authorizations_cardholder_created_idx").on(table.cardholderId, table.createdAt),
    // The sweep of abandoned requests (functions/issuing-authorization-sweep.ts) reads only these.
    index("issuing_authorizations_pending_request_idx")
      .on(table.createdAt)
      .where(sql`${table.status} = 'pending_request'`),
  ],
);

export type IssuingTransactionType = "capture" | "refund";

/** Money that moved for good: captures (from an authorization, or forced without one) and refunds. */
export const issuingTransactions = pgTable(
  "issuing_transactions",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    cardId: text("card_id")
      .notNull()
      .references(() => issuingCards.id),
    cardholderId: text("cardholder_id").notNull(),
    authorizationId: text("authorization_id"),
    type: text("type").$type<IssuingTransactionType>().notNull(),
    /** Negative for a capture (money out of the card), positive for a refund. */
    amount: bigint("amount", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    merchantData: jsonb("merchant_data").$type<MerchantDataColumn>().notNull(),
    ledgerTransactionId: text("ledger_transaction_id").notNull(),
    /** Refunds: the capture they refund. Captures: how much has been refunded so far. */
    refundOf: text("refund_of"),
    refundedAmount: bigint("refunded_amount", { mode: "number" }).notNull(),
    /** Captures: the amount of their open dispute, which no refund may take meanwhile. */
    disputedAmount: bigint("disputed_amount", { mode: "number" }).notNull().default(0),
    createdAt: at("created_at").notNull(),
  },
  (table) => [
    index("issuing_transactions_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
  ],
);

export type RevealPurpose = "reveal" | "set_pin";

/** One-time tokens for the cardholder's device; only the SHA-256 of the token is kept. */
export const issuingRevealTokens = pgTable(
  "issuing_reveal_tokens",
  {
    id: text("id").primaryKey(),
    tokenHash: text("token_hash").notNull(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    cardId: text("card_id")
      .notNull()
      .references(() => issuingCards.id),
    purpose: text("purpose").$type<RevealPurpose>().notNull(),
    expiresAt: at("expires_at").notNull(),
    usedAt: at("used_at"),
    createdAt: at("created_at").notNull(),
  },
  (table) => [uniqueIndex("issuing_reveal_tokens_hash_key").on(table.tokenHash)],
);

export type CardholderRow = typeof issuingCardholders.$inferSelect;
export type CardRow = typeof issuingCards.$inferSelect;
export type AuthorizationRow = typeof issuingAuthorizations.$inferSelect;
export type IssuingTransactionRow = typeof issuingTransactions.$inferSelect;

export const disputeReasons = [
  "fraudulent",
  "duplicate",
  "not_received",
  "canceled",
  "merchandise_not_as_described",
  "service_not_as_described",
  "other",
] as const;
export type DisputeReason = (typeof disputeReasons)[number];
export type DisputeStatus = "unsubmitted" | "submitted" | "won" | "lost";

export interface DisputeEvidenceColumn {
  explanation: string | null;
  /** `duplicate`: the other capture of the same card that charged for the same thing. */
  original_transaction: string | null;
}

/** A cardholder's dispute of a capture: at most one per capture, ever (as card networks allow). */
export const issuingDisputes = pgTable(
  "issuing_disputes",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    transactionId: text("transaction_id")
      .notNull()
      .references(() => issuingTransactions.id),
    cardId: text("card_id").notNull(),
    status: text("status").$type<DisputeStatus>().notNull(),
    reason: text("reason").$type<DisputeReason>().notNull(),
    amount: bigint("amount", { mode: "number" }).notNull(),
    currency: text("currency").notNull(),
    evidence: jsonb("evidence").$type<DisputeEvidenceColumn>().notNull(),
    /** The posting that gave the funds back, once won. */
    ledgerTransactionId: text("ledger_transaction_id"),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull(),
    submittedAt: at("submitted_at"),
    closedAt: at("closed_at"),
    createdAt: at("created_at").notNull(),
    updatedAt: at("updated_at").notNull(),
  },
  (table) => [
    uniqueIndex("issuing_disputes_transaction_idx").on(table.transactionId),
    index("issuing_disputes_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
  ],
);

export type DisputeRow = typeof issuingDisputes.$inferSelect;
