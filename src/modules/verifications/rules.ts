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

export interface BusinessState {
  business: BusinessVerificationRow | null;
  people: IndividualVerificationRow[];
  documentTypes: DocumentType[];
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
  if (!check) return { status: "submitted", reasons: [] };
  if (check.outcome === "failed") return { status: "declined", reasons: check.reasons };
  const required = state.people.filter(isRequiredPerson);
  const declined = required.filter((person) => person.status === "declined");
  if (declined.length > 0) {
    return {
      status: "declined",
      reasons: declined.map((person) => ({
        code: "required_person_declined",
        description: `The identity check of ${person.id} was declined.`,
      })),
    };
  }
  if (check.outcome === "needs_review") return { status: "needs_review", reasons: check.reasons };
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
  else if (business.status !== "approved" && business.status !== "declined") {
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
