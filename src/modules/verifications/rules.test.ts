import { describe, expect, it } from "vitest";
import { decisionPayload, scenarioOf, veriffHmac } from "../../../scripts/local-stack/veriff";
import { registrationNumberValid, sandboxRegistry } from "./registry";
import {
  type BusinessState,
  businessOutcome,
  isRequiredPerson,
  missingForSubmission,
  requirementsOf,
} from "./rules";
import type {
  BusinessVerificationRow,
  IndividualVerificationRow,
  RegistryCheckColumn,
  RelationshipColumn,
} from "./tables";
import { decisionStatuses, parseDecision, veriffSignature, verifyVeriffSignature } from "./veriff";

const at = new Date("2026-01-01T00:00:00Z");

function person(
  id: string,
  relationship: Partial<RelationshipColumn>,
  status = "pending",
): IndividualVerificationRow {
  return {
    id,
    merchantId: "mer_1",
    environment: "sandbox",
    customerId: null,
    businessVerificationId: "kyb_1",
    relationship: {
      ownership_bps: 0,
      director: false,
      executive: false,
      officer: false,
      title: null,
      ...relationship,
    },
    firstName: "A",
    lastName: "B",
    dateOfBirth: "1990-01-01",
    address: null,
    nationality: null,
    idNumber: null,
    status: status as IndividualVerificationRow["status"],
    reasons: [],
    attempts: 0,
    providerSessionId: null,
    providerSessionUrl: null,
    providerAttemptId: null,
    decisionCode: null,
    review: null,
    submittedAt: null,
    decidedAt: null,
    removedAt: null,
    metadata: {},
    createdAt: at,
    updatedAt: at,
  };
}

const passed: RegistryCheckColumn = {
  provider: "sandbox_registry",
  outcome: "passed",
  registered_name: "Acme Ltd",
  reasons: [],
  checked_at: at.toISOString(),
};

function business(overrides: Partial<BusinessVerificationRow> = {}): BusinessVerificationRow {
  return {
    id: "kyb_1",
    merchantId: "mer_1",
    environment: "sandbox",
    legalName: "Acme Ltd",
    registrationNumber: "12345678",
    country: "GB",
    incorporationDate: "2019-01-01",
    registeredAddress: {
      line1: "1 St",
      line2: null,
      city: "London",
      state: null,
      postal_code: "E1",
      country: "GB",
    },
    website: null,
    mcc: "5734",
    status: "submitted",
    registryCheck: {
      provider: "sandbox_registry",
      outcome: "passed",
      registered_name: "Acme Ltd",
      reasons: [],
      checked_at: at.toISOString(),
    },
    review: null,
    reasons: [],
    attempts: 1,
    submittedAt: at,
    decidedAt: null,
    metadata: {},
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

describe("beneficial-owner rules", () => {
  it("a 24 % owner is not required; a 25 % owner and every control person are", () => {
    expect(isRequiredPerson(person("idv_a", { ownership_bps: 2400 }))).toBe(false);
    expect(isRequiredPerson(person("idv_b", { ownership_bps: 2499 }))).toBe(false);
    expect(isRequiredPerson(person("idv_c", { ownership_bps: 2500 }))).toBe(true);
    expect(isRequiredPerson(person("idv_d", { director: true }))).toBe(true);
    expect(isRequiredPerson(person("idv_e", { executive: true }))).toBe(true);
    expect(isRequiredPerson(person("idv_f", { officer: true }))).toBe(true);
  });

  it("4 owners at 25 % are all required: the business waits for each of them", () => {
    const owners = ["idv_1", "idv_2", "idv_3", "idv_4"].map((id) =>
      person(id, { ownership_bps: 2500 }, "approved"),
    );
    const director = person("idv_5", { director: true }, "approved");
    const state: BusinessState = {
      business: business(),
      people: [...owners, director],
      documentTypes: ["register_extract"],
    };
    expect(owners.every(isRequiredPerson)).toBe(true);
    expect(businessOutcome(state).status).toBe("approved");
    for (const index of [0, 1, 2, 3]) {
      const people = state.people.map((p, i) => (i === index ? { ...p, status: "submitted" as const } : p));
      expect(businessOutcome({ ...state, people }).status).toBe("submitted");
    }
  });

  it("a 24 % owner who is not approved does not hold the business back", () => {
    const state: BusinessState = {
      business: business(),
      people: [
        person("idv_1", { ownership_bps: 7600, director: true }, "approved"),
        person("idv_2", { ownership_bps: 2400 }, "declined"),
      ],
      documentTypes: ["certificate_of_incorporation"],
    };
    expect(businessOutcome(state).status).toBe("approved");
  });

  it("a declined required person declines the business; a failed registry check too; a partial match goes to review", () => {
    const people = [person("idv_1", { director: true }, "declined")];
    expect(businessOutcome({ business: business(), people, documentTypes: [] }).status).toBe("declined");
    const failed = business({ registryCheck: { ...passed, outcome: "failed" } });
    expect(businessOutcome({ business: failed, people: [], documentTypes: [] }).status).toBe("declined");
    const review = business({ registryCheck: { ...passed, outcome: "needs_review" } });
    expect(
      businessOutcome({
        business: review,
        people: [person("idv_2", { director: true }, "approved")],
        documentTypes: [],
      }).status,
    ).toBe("needs_review");
  });

  it("submission needs a control person, a registration document and at most 100 % ownership", () => {
    const empty: BusinessState = { business: business({ status: "pending" }), people: [], documentTypes: [] };
    expect(missingForSubmission(empty).map(([item]) => item)).toEqual([
      "owners.control_person",
      "documents.registration",
    ]);
    const over: BusinessState = {
      business: business({ status: "pending" }),
      people: [
        person("idv_1", { ownership_bps: 6000, director: true }),
        person("idv_2", { ownership_bps: 5000 }),
      ],
      documentTypes: ["register_extract"],
    };
    expect(missingForSubmission(over).map(([item]) => item)).toEqual(["owners.ownership"]);
  });
});

describe("requirements", () => {
  const owner = { merchantId: "mer_1", environment: "production" as const };
  const deadline = new Date("2026-02-01T00:00:00Z");

  it("lists what is due, and all of it as past_due after the deadline", () => {
    const none = requirementsOf({ business: null, people: [], documentTypes: [] }, owner, deadline, at);
    expect(none).toMatchObject({
      currently_due: ["business_verification"],
      past_due: [],
      disabled_reason: "requirements.currently_due",
    });
    const state: BusinessState = {
      business: business({ status: "pending", registryCheck: null }),
      people: [person("idv_1", { ownership_bps: 2500 }), person("idv_2", { ownership_bps: 2400 })],
      documentTypes: [],
    };
    const due = requirementsOf(state, owner, deadline, at);
    expect(due.currently_due).toEqual([
      "business_verification.owners.control_person",
      "business_verification.documents.registration",
      "individual_verification.idv_1",
      "business_verification.submit",
    ]);
    expect(due.eventually_due).toEqual(due.currently_due);
    const late = requirementsOf(state, owner, deadline, new Date("2026-03-01T00:00:00Z"));
    expect(late.past_due).toEqual(due.currently_due);
    expect(late.disabled_reason).toBe("requirements.past_due");
  });

  it("nothing is due once approved; a submitted business with nothing due is pending verification", () => {
    const approved = requirementsOf(
      { business: business({ status: "approved" }), people: [], documentTypes: [] },
      owner,
      deadline,
      at,
    );
    expect(approved).toMatchObject({ currently_due: [], disabled_reason: null, current_deadline: null });
    const waiting = requirementsOf(
      {
        business: business(),
        people: [person("idv_1", { director: true }, "approved")],
        documentTypes: ["register_extract"],
      },
      owner,
      deadline,
      at,
    );
    expect(waiting).toMatchObject({
      currently_due: [],
      disabled_reason: "requirements.pending_verification",
    });
  });
});

describe("sandbox registry", () => {
  it("checks registration numbers by country format", () => {
    expect(registrationNumberValid("GB", "12345678")).toBe(true);
    expect(registrationNumberValid("GB", "SC123456")).toBe(true);
    expect(registrationNumberValid("GB", "1234567")).toBe(false);
    expect(registrationNumberValid("DE", "HRB 123456")).toBe(true);
    expect(registrationNumberValid("DE", "123456")).toBe(false);
    expect(registrationNumberValid("US", "12-3456789")).toBe(true);
    expect(registrationNumberValid("FR", "73282932")).toBe(false);
    expect(registrationNumberValid("ZZ", "ABC-123")).toBe(true);
  });

  it("simulates a lookup: not found, partial match, found", async () => {
    const lookup = (registrationNumber: string, legalName = "Acme Ltd") =>
      sandboxRegistry.check({ country: "GB", registrationNumber, legalName }, at);
    expect((await lookup("12345000")).outcome).toBe("failed");
    expect((await lookup("12345678", "Review Me Ltd")).outcome).toBe("needs_review");
    expect(await lookup("12345678")).toMatchObject({ outcome: "passed", registered_name: "Acme Ltd" });
  });
});

describe("Veriff signatures and decisions", () => {
  it("signs as Veriff does (hex HMAC-SHA256) and verifies only the right secret and body", async () => {
    const body = JSON.stringify({ verification: { id: "s" } });
    const signature = await veriffSignature("secret", body);
    expect(signature).toBe(veriffHmac("secret", body));
    expect(await verifyVeriffSignature("secret", body, signature)).toBe(true);
    expect(await verifyVeriffSignature("other", body, signature)).toBe(false);
    expect(await verifyVeriffSignature("secret", `${body} `, signature)).toBe(false);
    expect(await verifyVeriffSignature("secret", body, "zz")).toBe(false);
    expect(await verifyVeriffSignature("secret", body, "")).toBe(false);
  });

  it("maps each decision code and keeps the reason code", () => {
    expect(decisionStatuses).toEqual({
      9001: "approved",
      9102: "declined",
      9103: "resubmission_requested",
      9104: "expired",
      9121: "needs_review",
    });
    for (const [name, code] of [
      ["Ada", 9001],
      ["Decline", 9102],
      ["Resubmit", 9103],
      ["Expire", 9104],
      ["Review", 9121],
    ] as const) {
      const scenario = scenarioOf(name);
      expect(scenario.code).toBe(code);
      const session = {
        id: "s1",
        apiKey: "k",
        vendorData: "idv_1",
        person: {},
        attemptId: "a1",
        deliveries: [],
        ...scenario,
      };
      const decision = parseDecision(decisionPayload(session, at));
      expect(decision).toMatchObject({ sessionId: "s1", attemptId: "a1", code, vendorData: "idv_1" });
      if (code === 9102) expect(decision?.reasonCode).toBe(102);
    }
    expect(parseDecision({ status: "success", verification: null })).toBeNull();
    expect(parseDecision({ action: "submitted" })).toBeNull();
  });
});
