import { z } from "@hono/zod-openapi";
import { metadataSchema } from "../../core/metadata";
import { listQuerySchema } from "../../core/pagination";
import { addressSchema, environmentSchema, idParams, timestamp } from "../../core/schemas";
import { businessStatuses, documentTypes, individualStatuses } from "./tables";

/** Files accepted as documents, with the bytes each must start with. */
const documentMimeTypes = ["application/pdf", "image/jpeg", "image/png"] as const;
export type DocumentMimeType = (typeof documentMimeTypes)[number];
export const MAX_DOCUMENT_BYTES = 512 * 1024;

/** A real calendar day (no 30 February), from 1900 on. */
function isCalendarDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value) && value >= "1900-01-01";
}

const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "Use YYYY-MM-DD.")
  .refine(isCalendarDate, { message: "Not a calendar date from 1900-01-01 on." });
const country = z.string().regex(/^[A-Z]{2}$/, "Use an upper-case ISO 3166-1 alpha-2 country code.");
const name = z.string().trim().min(1).max(100);

const personFields = {
  first_name: name,
  last_name: name,
  date_of_birth: isoDate.openapi({ example: "1990-04-12" }),
  address: addressSchema.optional(),
  nationality: country.optional(),
  id_number: z.string().trim().min(1).max(64).optional().openapi({ description: "Never shown again." }),
  metadata: metadataSchema.optional(),
};

export const createIndividualBody = z
  .object({
    ...personFields,
    customer: z
      .string()
      .regex(/^cus_[0-9A-Za-z]+$/, "Must be a customer id (cus_...).")
      .optional()
      .openapi({ description: "The customer (cardholder, payer) this verification is for." }),
  })
  .strict()
  .openapi("CreateIndividualVerification");
export type CreateIndividualInput = z.infer<typeof createIndividualBody>;

const relationshipBody = z
  .object({
    ownership_percent: z
      .number()
      .min(0)
      .max(100)
      .refine((value) => Math.abs(value * 100 - Math.round(value * 100)) < 1e-6, {
        message: "At most two decimals.",
      })
      .default(0)
      .openapi({ example: 25, description: "Share of the business, 0 to 100 with at most two decimals." }),
    director: z.boolean().default(false),
    executive: z.boolean().default(false),
    officer: z.boolean().default(false),
    title: z.string().trim().min(1).max(100).optional(),
  })
  .strict()
  .openapi("Relationship");

export const createOwnerBody = z
  .object({ ...personFields, relationship: relationshipBody })
  .strict()
  .openapi("CreateBusinessPerson");
export type CreateOwnerInput = z.infer<typeof createOwnerBody>;

/** The registration data a declined business may correct when it resubmits (its country stays). */
const correctableBusinessFields = {
  legal_name: z.string().trim().min(1).max(200),
  registration_number: z.string().trim().min(1).max(40).openapi({ example: "12345678" }),
  incorporation_date: isoDate.openapi({ example: "2019-05-01" }),
  registered_address: addressSchema,
  website: z.url().max(500).optional(),
  mcc: z
    .string()
    .regex(/^\d{4}$/, "A four-digit merchant category code.")
    .openapi({ example: "5734" }),
};

export const createBusinessBody = z
  .object({
    ...correctableBusinessFields,
    country: country.openapi({ example: "GB" }),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .openapi("CreateBusinessVerification");
export type CreateBusinessInput = z.infer<typeof createBusinessBody>;

export const resubmitBusinessBody = z
  .object(correctableBusinessFields)
  .partial()
  .strict()
  .openapi("ResubmitBusinessVerification", {
    description:
      "Corrections to the registration data; fields left out keep their value. The country cannot change.",
  });
export type ResubmitBusinessInput = z.infer<typeof resubmitBusinessBody>;

/** The identity data a person may correct when Veriff asked for a new attempt. */
export const resubmitIndividualBody = z
  .object({
    first_name: name,
    last_name: name,
    date_of_birth: personFields.date_of_birth,
    address: addressSchema,
    nationality: country,
    id_number: z.string().trim().min(1).max(64).openapi({ description: "Never shown again." }),
  })
  .partial()
  .strict()
  .openapi("ResubmitIndividualVerification", {
    description: "Corrections to the person's data; fields left out keep their value.",
  });
export type ResubmitIndividualInput = z.infer<typeof resubmitIndividualBody>;

const reviewReason = z
  .object({
    code: z
      .string()
      .regex(/^[a-z0-9_]{1,64}$/, "Lower-case letters, digits and underscores, up to 64.")
      .openapi({ example: "registry_name_confirmed" }),
    description: z.string().trim().min(1).max(500),
  })
  .strict()
  .openapi("ReviewReason");

const reviewer = z.string().trim().min(1).max(100).openapi({
  description: "Who decided (the analyst's name or email): the audit row's actor.",
  example: "ana@ops",
});

export const reviewBody = z
  .discriminatedUnion("decision", [
    z
      .object({
        decision: z.literal("approve"),
        reviewer,
        reasons: z.array(reviewReason).max(10).default([]),
      })
      .strict(),
    z
      .object({ decision: z.literal("decline"), reviewer, reasons: z.array(reviewReason).min(1).max(10) })
      .strict(),
  ])
  .openapi("VerificationReview", {
    description: "An operator's decision on a verification in needs_review; a decline needs its reasons.",
  });
export type ReviewInput = z.infer<typeof reviewBody>;

export const createDocumentBody = z
  .object({
    verification: z
      .string()
      .regex(/^(?:idv|kyb)_[0-9A-Za-z]+$/, "An individual (idv_...) or business (kyb_...) verification id."),
    type: z
      .string()
      .refine((value) => (documentTypes as readonly string[]).includes(value), {
        message: `One of ${documentTypes.join(", ")}.`,
        params: { code: "document_type_invalid" },
      })
      .openapi({ enum: [...documentTypes] }),
    mime_type: z
      .string()
      .refine((value) => (documentMimeTypes as readonly string[]).includes(value), {
        message: `One of ${documentMimeTypes.join(", ")}.`,
        params: { code: "document_type_invalid" },
      })
      .openapi({ enum: [...documentMimeTypes] }),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/, "Lower-case hex SHA-256 of the file.")
      .openapi({ description: "Checked against the file; a mismatch refuses the upload." }),
    content: z
      .string()
      .max(800_000)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, "Standard base64.")
      .openapi({ description: "The file, base64. At most 512 KiB before encoding." }),
  })
  .strict()
  .openapi("CreateVerificationDocument");
export type CreateDocumentInput = z.infer<typeof createDocumentBody>;

const reasonSchema = z.object({ code: z.string(), description: z.string() }).openapi("VerificationReason");

const reviewSchema = z
  .object({
    decision: z.enum(["approved", "declined"]),
    reasons: z.array(reasonSchema),
    reviewed_at: timestamp,
  })
  .nullable()
  .openapi({ description: "The platform operator's decision, when the verification went through review." });

export const individualSchema = z
  .object({
    id: z.string().openapi({ example: "idv_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("individual_verification"),
    environment: environmentSchema,
    status: z.enum(individualStatuses),
    first_name: z.string(),
    last_name: z.string(),
    date_of_birth: z.string(),
    address: addressSchema.nullable(),
    nationality: z.string().nullable(),
    id_number_provided: z.boolean(),
    customer: z.string().nullable(),
    business_verification: z.string().nullable(),
    relationship: z
      .object({
        ownership_percent: z.number(),
        director: z.boolean(),
        executive: z.boolean(),
        officer: z.boolean(),
        title: z.string().nullable(),
        required: z.boolean().openapi({ description: "Must be approved for the business to be approved." }),
      })
      .nullable(),
    reasons: z.array(reasonSchema),
    attempts: z.number().int(),
    provider: z.literal("veriff"),
    verification_url: z
      .string()
      .nullable()
      .openapi({ description: "Send the person here (Veriff's session)." }),
    decision_code: z.number().int().nullable(),
    review: reviewSchema,
    submitted_at: timestamp.nullable(),
    decided_at: timestamp.nullable(),
    removed_at: timestamp.nullable().openapi({
      description:
        "When the merchant removed this person from its business verification; the person no longer counts for it.",
    }),
    metadata: z.record(z.string(), z.string()),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("IndividualVerification");
export type IndividualVerification = z.infer<typeof individualSchema>;

export const businessSchema = z
  .object({
    id: z.string().openapi({ example: "kyb_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("business_verification"),
    environment: environmentSchema,
    status: z.enum(businessStatuses),
    legal_name: z.string(),
    registration_number: z.string(),
    country: z.string(),
    incorporation_date: z.string(),
    registered_address: addressSchema,
    website: z.string().nullable(),
    mcc: z.string(),
    registry_check: z
      .object({
        provider: z.string(),
        outcome: z.enum(["passed", "failed", "needs_review"]),
        registered_name: z.string().nullable(),
        reasons: z.array(reasonSchema),
        checked_at: timestamp,
      })
      .nullable(),
    review: reviewSchema,
    reasons: z.array(reasonSchema),
    attempts: z.number().int(),
    submitted_at: timestamp.nullable(),
    decided_at: timestamp.nullable(),
    metadata: z.record(z.string(), z.string()),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("BusinessVerification");
export type BusinessVerification = z.infer<typeof businessSchema>;

export const documentSchema = z
  .object({
    id: z.string().openapi({ example: "vdoc_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("verification_document"),
    environment: environmentSchema,
    verification: z.string(),
    type: z.enum(documentTypes),
    mime_type: z.string(),
    size: z.number().int(),
    sha256: z.string(),
    created_at: timestamp,
  })
  .openapi("VerificationDocument");
export type VerificationDocument = z.infer<typeof documentSchema>;

export const downloadUrlSchema = z
  .object({
    object: z.literal("document_download_url"),
    document: z.string(),
    url: z.string(),
    expires_at: timestamp,
  })
  .openapi("DocumentDownloadUrl");

export const requirementsSchema = z
  .object({
    id: z.string().openapi({ description: "The merchant's id." }),
    object: z.literal("account_requirements"),
    environment: environmentSchema,
    business_verification: z.string().nullable(),
    status: z.enum([...businessStatuses, "unverified"]),
    currently_due: z.array(z.string()),
    eventually_due: z.array(z.string()),
    past_due: z.array(z.string()),
    current_deadline: timestamp.nullable(),
    disabled_reason: z.string().nullable(),
  })
  .openapi("AccountRequirements");

export const individualIdParams = idParams("idv_3kTq9yQy7yJ4pQz2Xb8w1LmN");
export const businessIdParams = idParams("kyb_3kTq9yQy7yJ4pQz2Xb8w1LmN");
export const documentIdParams = idParams("vdoc_3kTq9yQy7yJ4pQz2Xb8w1LmN");
export const businessPersonParams = businessIdParams.extend({
  person: z
    .string()
    .min(1)
    .max(255)
    .openapi({ param: { name: "person", in: "path" }, example: "idv_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
});

export const listIndividualsQuery = listQuerySchema.extend({
  status: z.enum(individualStatuses).optional(),
  customer: z.string().max(100).optional(),
  business_verification: z.string().max(100).optional(),
});
export type ListIndividualsQuery = z.infer<typeof listIndividualsQuery>;

/** The queue's head only: reviewing takes an item off it, so there is no cursor. */
export const reviewQueueQuery = listQuerySchema.pick({ limit: true });

export const reviewQueueItemSchema = z
  .object({
    object: z.literal("review_queue_item"),
    verification_type: z.enum(["individual_verification", "business_verification"]),
    id: z.string().openapi({ description: "The verification to review." }),
    merchant: z.string(),
    environment: environmentSchema,
    business_verification: z
      .string()
      .nullable()
      .openapi({ description: "For a person of a merchant's business: that business." }),
    customer: z.string().nullable(),
    reasons: z.array(reasonSchema),
    waiting_since: timestamp.openapi({ description: "When it went to needs_review." }),
  })
  .openapi("ReviewQueueItem");
export type ReviewQueueItem = z.infer<typeof reviewQueueItemSchema>;

export const reviewQueueSchema = z
  .object({
    object: z.literal("list"),
    data: z.array(reviewQueueItemSchema),
    has_more: z.boolean(),
  })
  .openapi("ReviewQueue");
