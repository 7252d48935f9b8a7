import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import type { Environment } from "../../core/tables";
import type { AddressColumn } from "../customers/tables";

export const individualStatuses = [
  "pending",
  "submitted",
  "approved",
  "declined",
  "resubmission_requested",
  "expired",
  "needs_review",
] as const;
export type IndividualStatus = (typeof individualStatuses)[number];

export const businessStatuses = ["pending", "submitted", "approved", "declined", "needs_review"] as const;
export type BusinessStatus = (typeof businessStatuses)[number];

export const documentTypes = [
  "passport",
  "id_card",
  "driving_licence",
  "proof_of_address",
  "certificate_of_incorporation",
  "register_extract",
  "ownership_structure",
] as const;
export type DocumentType = (typeof documentTypes)[number];

export interface ReasonColumn {
  code: string;
  description: string;
}

/** A person's place in a business: ownership in basis points (2500 = 25 %) and control roles. */
export interface RelationshipColumn {
  ownership_bps: number;
  director: boolean;
  executive: boolean;
  officer: boolean;
  title: string | null;
}

export interface RegistryCheckColumn {
  provider: string;
  outcome: "passed" | "failed" | "needs_review";
  registered_name: string | null;
  reasons: ReasonColumn[];
  checked_at: string;
}

/** A platform operator's decision on a verification in needs_review. */
export interface ReviewColumn {
  decision: "approved" | "declined";
  reasons: ReasonColumn[];
  reviewer: string;
  reviewed_at: string;
}

const timestamps = {
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
};

export const businessVerifications = pgTable(
  "business_verifications",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    legalName: text("legal_name").notNull(),
    registrationNumber: text("registration_number").notNull(),
    country: text("country").notNull(),
    incorporationDate: text("incorporation_date").notNull(),
    registeredAddress: jsonb("registered_address").$type<AddressColumn>().notNull(),
    website: text("website"),
    mcc: text("mcc").notNull(),
    status: text("status").$type<BusinessStatus>().notNull(),
    registryCheck: jsonb("registry_check").$type<RegistryCheckColumn>(),
    review: jsonb("review").$type<ReviewColumn>(),
    reasons: jsonb("reasons").$type<ReasonColumn[]>().notNull().default([]),
    attempts: integer("attempts").notNull().default(0),
    submittedAt: timestamp("submitted_at", { withTimezone: true, mode: "date" }),
    decidedAt: timestamp("decided_at", { withTimezone: true, mode: "date" }),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    ...timestamps,
  },
  // The merchant's own business: one per merchant and environment.
  (table) => [
    uniqueIndex("business_verifications_merchant_idx").on(table.merchantId, table.environment),
    // The operators' review queue: what waits for a review, oldest first.
    index("business_verifications_review_idx").on(table.updatedAt).where(sql`status = 'needs_review'`),
  ],
);

export type BusinessVerificationRow = typeof businessVerifications.$inferSelect;

export const individualVerifications = pgTable(
  "individual_verifications",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    customerId: text("customer_id"),
    businessVerificationId: text("business_verification_id"),
    relationship: jsonb("relationship").$type<RelationshipColumn>(),
    firstName: text("first_name").notNull(),
    lastName: text("last_name").notNull(),
    dateOfBirth: text("date_of_birth").notNull(),
    address: jsonb("address").$type<AddressColumn>(),
    nationality: text("nationality"),
    idNumber: text("id_number"),
    status: text("status").$type<IndividualStatus>().notNull(),
    reasons: jsonb("reasons").$type<ReasonColumn[]>().notNull().default([]),
    attempts: integer("attempts").notNull().default(0),
    providerSessionId: text("provider_session_id"),
    providerSessionUrl: text("provider_session_url"),
    providerAttemptId: text("provider_attempt_id"),
    decisionCode: integer("decision_code"),
    review: jsonb("review").$type<ReviewColumn>(),
    submittedAt: timestamp("submitted_at", { withTimezone: true, mode: "date" }),
    decidedAt: timestamp("decided_at", { withTimezone: true, mode: "date" }),
    /** When the merchant took the person off its business: kept for the record, no longer one of its people. */
    removedAt: timestamp("removed_at", { withTimezone: true, mode: "date" }),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    ...timestamps,
  },
  (table) => [
    index("individual_verifications_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
    index("individual_verifications_business_idx").on(table.businessVerificationId),
    uniqueIndex("individual_verifications_session_idx").on(table.providerSessionId),
    // The poller's scan: submitted checks without a decision, oldest first.
    index("individual_verifications_undecided_idx").on(table.submittedAt).where(sql`status = 'submitted'`),
    index("individual_verifications_review_idx").on(table.updatedAt).where(sql`status = 'needs_review'`),
  ],
);

export type IndividualVerificationRow = typeof individualVerifications.$inferSelect;

/** Only metadata and the object store's key: the bytes live in the object store (R2). */
export const verificationDocuments = pgTable(
  "verification_documents",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    verificationId: text("verification_id").notNull(),
    type: text("type").$type<DocumentType>().notNull(),
    mimeType: text("mime_type").notNull(),
    size: bigint("size", { mode: "number" }).notNull(),
    sha256: text("sha256").notNull(),
    storageKey: text("storage_key").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [index("verification_documents_verification_idx").on(table.verificationId, table.createdAt)],
);

export type VerificationDocumentRow = typeof verificationDocuments.$inferSelect;

/** Every decision applied, once per Veriff session and attempt: a redelivered webhook or poll changes nothing. */
export const veriffDecisions = pgTable(
  "veriff_decisions",
  {
    sessionId: text("session_id").notNull(),
    attemptId: text("attempt_id").notNull(),
    verificationId: text("verification_id").notNull(),
    code: integer("code").notNull(),
    source: text("source").$type<"webhook" | "poll">().notNull(),
    receivedAt: timestamp("received_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.sessionId, table.attemptId] })],
);

/**
 * One row per merchant and environment once the requirements deadline has been looked at by the
 * requirements-deadline function: the insert gates account.requirements.updated, so it is sent once.
 */
export const requirementsDeadlineNotices = pgTable(
  "requirements_deadline_notices",
  {
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    deadline: timestamp("deadline", { withTimezone: true, mode: "date" }).notNull(),
    /** Whether anything was past due then (and account.requirements.updated was sent). */
    pastDue: boolean("past_due").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [primaryKey({ columns: [table.merchantId, table.environment] })],
);
