/** The account: identity and business verifications, their documents, API keys and the dashboard session. */
import { createHash } from "node:crypto";
import type { TestMerchant } from "../harness";
import type { CollectionEndpoint, ObjectEndpoint } from "./types";

const createIndividualVerification = async (merchant: TestMerchant): Promise<string> => {
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/individual_verifications", {
    first_name: "Undecided",
    last_name: "Security",
    date_of_birth: "1990-01-01",
  });
  return created.body.id;
};

/** The merchant's own business: one per environment, so a second call finds the first. */
const createBusinessVerification = async (merchant: TestMerchant): Promise<string> => {
  const existing = await merchant.sandbox.request<{ id: string }>("GET", "/account/business_verification");
  if (existing.status === 200) return existing.body.id;
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/account/business_verification", {
    legal_name: "Security Ltd",
    registration_number: "12345678",
    country: "GB",
    incorporation_date: "2019-05-01",
    registered_address: { line1: "1 High Street", city: "London", country: "GB" },
    mcc: "5734",
  });
  return created.body.id;
};

const createVerificationDocument = async (merchant: TestMerchant): Promise<string> => {
  const bytes = Buffer.from("%PDF-1.7 security test document");
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/verification_documents", {
    verification: await createIndividualVerification(merchant),
    type: "passport",
    mime_type: "application/pdf",
    sha256: createHash("sha256").update(bytes).digest("hex"),
    content: bytes.toString("base64"),
  });
  return created.body.id;
};

/** The business of each person created below: the removal path names both. */
const businessOfPerson = new Map<string, string>();

const createBusinessPerson = async (merchant: TestMerchant): Promise<string> => {
  const business = await createBusinessVerification(merchant);
  const created = await merchant.sandbox.request<{ id: string }>(
    "POST",
    `/business_verifications/${business}/persons`,
    { first_name: "A", last_name: "B", date_of_birth: "1990-01-01", relationship: { ownership_percent: 1 } },
  );
  businessOfPerson.set(created.body.id, business);
  return created.body.id;
};

export const accountObjectEndpoints: ObjectEndpoint[] = [
  {
    name: "retrieve individual verification",
    method: "GET",
    path: (id) => `/individual_verifications/${id}`,
    create: createIndividualVerification,
  },
  {
    name: "submit individual verification",
    readBack: (id) => `/individual_verifications/${id}`,
    method: "POST",
    path: (id) => `/individual_verifications/${id}/submit`,
    create: createIndividualVerification,
  },
  {
    name: "retrieve business verification",
    method: "GET",
    path: (id) => `/business_verifications/${id}`,
    create: createBusinessVerification,
  },
  {
    name: "add business person",
    readBack: (id) => `/business_verifications/${id}`,
    method: "POST",
    path: (id) => `/business_verifications/${id}/persons`,
    body: { first_name: "A", last_name: "B", date_of_birth: "1990-01-01", relationship: { director: true } },
    create: createBusinessVerification,
  },
  {
    name: "remove business person",
    readBack: (id) => `/individual_verifications/${id}`,
    method: "DELETE",
    path: (id) => `/business_verifications/${businessOfPerson.get(id) ?? "kyb_x"}/persons/${id}`,
    create: createBusinessPerson,
  },
  {
    name: "submit business verification",
    readBack: (id) => `/business_verifications/${id}`,
    method: "POST",
    path: (id) => `/business_verifications/${id}/submit`,
    create: createBusinessVerification,
  },
  {
    name: "resubmit individual verification",
    readBack: (id) => `/individual_verifications/${id}`,
    method: "POST",
    path: (id) => `/individual_verifications/${id}/resubmit`,
    body: { first_name: "Ada" },
    create: createIndividualVerification,
  },
  {
    name: "resubmit business verification",
    readBack: (id) => `/business_verifications/${id}`,
    method: "POST",
    path: (id) => `/business_verifications/${id}/resubmit`,
    body: { legal_name: "Security Two Ltd" },
    create: createBusinessVerification,
  },
  {
    name: "retrieve verification document",
    method: "GET",
    path: (id) => `/verification_documents/${id}`,
    create: createVerificationDocument,
  },
  {
    name: "verification document download url",
    readBack: (id) => `/verification_documents/${id}`,
    method: "GET",
    path: (id) => `/verification_documents/${id}/download_url`,
    create: createVerificationDocument,
  },
];

export const accountCollectionEndpoints: CollectionEndpoint[] = [
  {
    name: "create individual verification",
    method: "POST",
    path: "/individual_verifications",
    body: { first_name: "Undecided", last_name: "B", date_of_birth: "1990-01-01" },
  },
  { name: "list individual verifications", method: "GET", path: "/individual_verifications" },
  {
    name: "upload verification document",
    method: "POST",
    path: "/verification_documents",
    body: { verification: "idv_x", type: "passport" },
  },
  {
    name: "create account business verification",
    method: "POST",
    path: "/account/business_verification",
    body: {
      legal_name: "Collection Ltd",
      registration_number: "87654321",
      country: "GB",
      incorporation_date: "2020-01-01",
      registered_address: { line1: "2 High Street", city: "London", country: "GB" },
      mcc: "5734",
    },
  },
  { name: "account business verification", method: "GET", path: "/account/business_verification" },
  { name: "account requirements", method: "GET", path: "/account/requirements" },
  { name: "list api keys", method: "GET", path: "/api-keys" },
  { name: "create api key", method: "POST", path: "/api-keys", body: { environment: "sandbox", name: "x" } },
  // The fixtures call it with an API key: 403 session_required, so no session of theirs ends.
  { name: "log out", method: "DELETE", path: "/auth/sessions/current" },
];
