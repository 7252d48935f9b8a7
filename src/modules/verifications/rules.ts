import type {
  BusinessStatus,
  BusinessVerificationRow,
  DocumentType,
  IndividualVerificationRow,
  ReasonColumn,
  RelationshipColumn,
} from "./tables";

/** Owners at or above this share (basis points: 2500 = 25 %) must be verified. */
const OWNERSHIP_THRESHOLD_BPS = 2500;

/** One of these proves the company exists. */
const REGISTRATION_DOCUMENTS: readonly DocumentType[] = ["certificate_of_incorporation", "register_extract"];

function isControlPerson(relationship: RelationshipColumn | null): boolean {
  return Boolean(relationship && (relationship.director || relationship.executive || relationship.officer));
}

/** Required people: every owner with ≥ 25 % and every control person (director, executive, officer). */
export function isRequiredPerson(person: Pick<IndividualVerificationRow, "relationship">): boolean {
  const relationship = person.relationship;
  if (!relationship) return false;
  return relationship.ownership_bps >= OWNERSHIP_THRESHOLD_BPS || isControlPerson(relationship);
}

/** A business may be submitted this many times (the first submission and two resubmissions). */
export const MAX_BUSINESS_ATTEMPTS = 3;
/** A person may open this many Veriff sessions (each one is billed by Veriff). */
export const MAX_INDIVIDUAL_ATTEMPTS = 5;

export interface BusinessState {
  business: BusinessVerificationRow | null;
  people: IndividualVerificationRow[];
  documentTypes: DocumentType[];
}

function declinedRequiredPeople(state: BusinessState): IndividualVerificationRow[] {
  return state.people.filter((person) => isRequiredPerson(person) && person.status === "declined");
}

/**
 * Why a declined business cannot be resubmitted, or null when it can: a declined required person's
 * identity check is final (a correction of the business's data does not change it), and the
 * attempts are limited.
 */
export function resubmissionRefusal(state: BusinessState): "attempts_exhausted" | "person_declined" | null {
  if (!state.business || state.business.attempts >= MAX_BUSINESS_ATTEMPTS) return "attempts_exhausted";
  if (declinedRequiredPeople(state).length > 0) return "person_declined";
  return null;
}

/** What the business lacks before it can be submitted, as [requirement, message]; empty when complete. */
export function missingForSubmission(state: BusinessState): Array<[string, string]> {
  const missing: Array<[string, string]> = [];
  if (!state.people.some((person) => isControlPerson(person.relationship))) {
    missing.push([
      "owners.control_person",
      "Add at least one control person (director, executive or officer).",
    ]);
  }
  const ownership = state.people.reduce((sum, person) => sum + (person.relationship?.ownership_bps ?? 0), 0);
  if (ownership > 10_000) missing.push(["owners.ownership", "The owners' shares add up to more than 100 %."]);
  if (!state.documentTypes.some((type) => REGISTRATION_DOCUMENTS.includes(type))) {
    missing.push(["documents.registration", "Upload a certificate_of_incorporation or a register_extract."]);
  }
  return missing;
}

/**
 * A submitted business's status from its own registry check and its required people: approved only
 * when the check passed and every required person is approved.
 */
export function businessOutcome(state: BusinessState): { status: BusinessStatus; reasons: ReasonColumn[] } {
  const check = state.business?.registryCheck;
  const review = state.business?.review;
  if (!check) return { status: "submitted", reasons: [] };
  if (review?.decision === "declined") return { status: "declined", reasons: review.reasons };
  if (check.outcome === "failed") return { status: "declined", reasons: check.reasons };
  const required = state.people.filter(isRequiredPerson);
  const declined = declinedRequiredPeople(state);
  if (declined.length > 0) {
    return {
      status: "declined",
      reasons: declined.map((person) => ({
        code: "required_person_declined",
        description: `The identity check of ${person.id} was declined.`,
      })),
    };
  }
  // An operator's approval settles a partial registry match; the people still have to be approved.
  if (check.outcome === "needs_review" && review?.decision !== "approved") {
    return { status: "needs_review", reasons: check.reasons };
  }
  if (required.every((person) => person.status === "approved")) return { status: "approved", reasons: [] };
  return { status: "submitted", reasons: [] };
}

export interface Requirements {
  id: string;
  object: "account_requirements";
  environment: "sandbox" | "production";
  business_verification: string | null;
  status: BusinessStatus | "unverified";
  currently_due: string[];
  eventually_due: string[];
  past_due: string[];
  current_deadline: string | null;
  disabled_reason: string | null;
}

/**
 * Stripe-style requirements of the merchant's own account. Everything is needed before production
 * payouts and card issuing, so eventually_due equals currently_due; once current_deadline passes,
 * what is still due is past_due.
 */
export function requirementsOf(
  state: BusinessState,
  owner: { merchantId: string; environment: "sandbox" | "production" },
  deadline: Date,
  now: Date,
): Requirements {
  const { business } = state;
  const due: string[] = [];
  if (!business) due.push("business_verification");
  else if (business.status === "declined") {
    if (resubmissionRefusal(state) === null) {
      for (const [param] of missingForSubmission(state)) due.push(`business_verification.${param}`);
      due.push("business_verification.resubmit");
    }
  } else if (business.status !== "approved") {
    for (const [param] of missingForSubmission(state)) due.push(`business_verification.${param}`);
    for (const person of state.people.filter(isRequiredPerson)) {
      if (person.status !== "approved") due.push(`individual_verification.${person.id}`);
    }
    if (business.status === "pending") due.push("business_verification.submit");
  }
  const pastDue = now.getTime() > deadline.getTime() ? [...due] : [];
  return {
    id: owner.merchantId,
    object: "account_requirements",
    environment: owner.environment,
    business_verification: business?.id ?? null,
    status: business?.status ?? "unverified",
    currently_due: due,
    eventually_due: [...due],
    past_due: pastDue,
    current_deadline: business?.status === "approved" ? null : deadline.toISOString(),
    disabled_reason: disabledReason(business?.status ?? null, due, pastDue),
  };
}

function disabledReason(status: BusinessStatus | null, due: string[], pastDue: string[]): string | null {
  if (status === "approved") return null;
  if (status === "declined") return "rejected.business";
  if (pastDue.length > 0) return "requirements.past_due";
  if (due.length > 0) return "requirements.currently_due";
  return "requirements.pending_verification";
}
