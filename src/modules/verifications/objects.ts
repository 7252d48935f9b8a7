import { isRequiredPerson } from "./rules";
import type { BusinessVerification, IndividualVerification, VerificationDocument } from "./schemas";
import type {
  BusinessVerificationRow,
  IndividualVerificationRow,
  ReviewColumn,
  VerificationDocumentRow,
} from "./tables";

const iso = (value: Date | null) => (value ? value.toISOString() : null);

/** The operator's decision as merchants see it: without the reviewer's name. */
function reviewOf(review: ReviewColumn | null) {
  return review
    ? { decision: review.decision, reasons: review.reasons, reviewed_at: review.reviewed_at }
    : null;
}

export function toIndividual(row: IndividualVerificationRow): IndividualVerification {
  const relationship = row.relationship;
  return {
    id: row.id,
    object: "individual_verification",
    environment: row.environment,
    status: row.status,
    first_name: row.firstName,
    last_name: row.lastName,
    date_of_birth: row.dateOfBirth,
    address: row.address,
    nationality: row.nationality,
    id_number_provided: row.idNumber !== null,
    customer: row.customerId,
    business_verification: row.businessVerificationId,
    relationship: relationship
      ? {
          ownership_percent: relationship.ownership_bps / 100,
          director: relationship.director,
          executive: relationship.executive,
          officer: relationship.officer,
          title: relationship.title,
          required: isRequiredPerson(row),
        }
      : null,
    reasons: row.reasons,
    attempts: row.attempts,
    provider: "veriff",
    verification_url: row.providerSessionUrl,
    decision_code: row.decisionCode,
    review: reviewOf(row.review),
    submitted_at: iso(row.submittedAt),
    decided_at: iso(row.decidedAt),
    removed_at: iso(row.removedAt),
    metadata: row.metadata,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export function toBusiness(row: BusinessVerificationRow): BusinessVerification {
  return {
    id: row.id,
    object: "business_verification",
    environment: row.environment,
    status: row.status,
    legal_name: row.legalName,
    registration_number: row.registrationNumber,
    country: row.country,
    incorporation_date: row.incorporationDate,
    registered_address: row.registeredAddress,
    website: row.website,
    mcc: row.mcc,
    registry_check: row.registryCheck,
    review: reviewOf(row.review),
    reasons: row.reasons,
    attempts: row.attempts,
    submitted_at: iso(row.submittedAt),
    decided_at: iso(row.decidedAt),
    metadata: row.metadata,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export function toDocument(row: VerificationDocumentRow): VerificationDocument {
  return {
    id: row.id,
    object: "verification_document",
    environment: row.environment,
    verification: row.verificationId,
    type: row.type,
    mime_type: row.mimeType,
    size: row.size,
    sha256: row.sha256,
    created_at: row.createdAt.toISOString(),
  };
}

/** The event type of an individual verification's change to `status`. */
export function individualEventType(status: IndividualVerificationRow["status"]): string {
  return status === "pending" ? "verification.created" : `verification.${status}`;
}
