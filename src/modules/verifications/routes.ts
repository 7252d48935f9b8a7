import { createRoute } from "@hono/zod-openapi";
import {
  authSecurity,
  commonErrors,
  jsonBody,
  jsonContent,
  operatorSecurity,
  writeErrors,
} from "../../core/http";
import { listSchema } from "../../core/pagination";
import {
  businessIdParams,
  businessPersonParams,
  businessSchema,
  createBusinessBody,
  createDocumentBody,
  createIndividualBody,
  createOwnerBody,
  documentIdParams,
  documentSchema,
  downloadUrlSchema,
  individualIdParams,
  individualSchema,
  listIndividualsQuery,
  requirementsSchema,
  resubmitBusinessBody,
  resubmitIndividualBody,
  reviewBody,
  reviewQueueQuery,
  reviewQueueSchema,
} from "./schemas";

const tags = ["KYC & KYB"];
const errorSchema = writeErrors[400].content["application/json"].schema;
const providerErrors = {
  ...writeErrors,
  503: jsonContent(errorSchema, "Veriff is unavailable or not configured."),
};

export const createIndividualRoute = createRoute({
  method: "post",
  path: "/individual_verifications",
  operationId: "individualVerifications.create",
  tags,
  summary: "Create an individual verification (KYC)",
  description: "For a customer (cardholder, payer). Submit it to get a Veriff session URL for the person.",
  security: authSecurity,
  request: { body: jsonBody(createIndividualBody) },
  responses: { 200: jsonContent(individualSchema, "The new verification, pending."), ...writeErrors },
});

export const listIndividualsRoute = createRoute({
  method: "get",
  path: "/individual_verifications",
  operationId: "individualVerifications.list",
  tags,
  summary: "List individual verifications",
  description: "Filter by status, customer, or business_verification (the people of the business).",
  security: authSecurity,
  request: { query: listIndividualsQuery },
  responses: {
    200: jsonContent(listSchema(individualSchema, "IndividualVerificationList"), "Newest first."),
    ...commonErrors,
  },
});

export const retrieveIndividualRoute = createRoute({
  method: "get",
  path: "/individual_verifications/{id}",
  operationId: "individualVerifications.retrieve",
  tags,
  summary: "Retrieve an individual verification",
  security: authSecurity,
  request: { params: individualIdParams },
  responses: { 200: jsonContent(individualSchema, "The verification."), ...commonErrors },
});

export const submitIndividualRoute = createRoute({
  method: "post",
  path: "/individual_verifications/{id}/submit",
  operationId: "individualVerifications.submit",
  tags,
  summary: "Submit an individual verification to Veriff",
  description:
    "Opens a Veriff session for a pending verification; send the person to verification_url. The decision arrives by Veriff's webhook or, failing that, by polling.",
  security: authSecurity,
  request: { params: individualIdParams },
  responses: { 200: jsonContent(individualSchema, "The verification, submitted."), ...providerErrors },
});

export const createAccountBusinessRoute = createRoute({
  method: "post",
  path: "/account/business_verification",
  operationId: "accountBusinessVerification.create",
  tags,
  summary: "Start the account's business verification (KYB)",
  description:
    "The merchant's own business; one per environment. Then add persons and documents, and submit.",
  security: authSecurity,
  request: { body: jsonBody(createBusinessBody) },
  responses: { 200: jsonContent(businessSchema, "The business verification, pending."), ...writeErrors },
});

export const retrieveAccountBusinessRoute = createRoute({
  method: "get",
  path: "/account/business_verification",
  operationId: "accountBusinessVerification.retrieve",
  tags,
  summary: "Retrieve the account's business verification",
  security: authSecurity,
  responses: { 200: jsonContent(businessSchema, "The business verification."), ...commonErrors },
});

export const requirementsRoute = createRoute({
  method: "get",
  path: "/account/requirements",
  operationId: "accountRequirements.retrieve",
  tags,
  summary: "What the account still has to provide",
  description: "Stripe-style requirements: currently_due, eventually_due, past_due, disabled_reason.",
  security: authSecurity,
  responses: { 200: jsonContent(requirementsSchema, "The account's requirements."), ...commonErrors },
});

export const retrieveBusinessRoute = createRoute({
  method: "get",
  path: "/business_verifications/{id}",
  operationId: "businessVerifications.retrieve",
  tags,
  summary: "Retrieve a business verification",
  security: authSecurity,
  request: { params: businessIdParams },
  responses: { 200: jsonContent(businessSchema, "The business verification."), ...commonErrors },
});

export const addPersonRoute = createRoute({
  method: "post",
  path: "/business_verifications/{id}/persons",
  operationId: "businessVerifications.addPerson",
  tags,
  summary: "Add a beneficial owner or control person",
  description:
    "An individual verification linked to the business. Owners with 25 % or more and control persons (director, executive, officer) are required: the business is approved only when all of them are.",
  security: authSecurity,
  request: { params: businessIdParams, body: jsonBody(createOwnerBody) },
  responses: { 200: jsonContent(individualSchema, "The person's verification, pending."), ...writeErrors },
});

export const removePersonRoute = createRoute({
  method: "delete",
  path: "/business_verifications/{id}/persons/{person}",
  operationId: "businessVerifications.removePerson",
  tags,
  summary: "Remove a person from the business verification",
  description:
    "While the business is pending or declined (409 verification_state_invalid otherwise). The person's verification is kept with removed_at and no longer counts for the business: replace a declined director or owner this way, then resubmit. Removing a removed person again answers it unchanged.",
  security: authSecurity,
  request: { params: businessPersonParams },
  responses: { 200: jsonContent(individualSchema, "The person's verification, removed."), ...writeErrors },
});

export const submitBusinessRoute = createRoute({
  method: "post",
  path: "/business_verifications/{id}/submit",
  operationId: "businessVerifications.submit",
  tags,
  summary: "Submit the business verification",
  description:
    "Needs a control person and a registration document. Runs the registry check; the business is approved once the check passed and every required person is approved.",
  security: authSecurity,
  request: { params: businessIdParams },
  responses: { 200: jsonContent(businessSchema, "The business verification."), ...writeErrors },
});

export const createDocumentRoute = createRoute({
  method: "post",
  path: "/verification_documents",
  operationId: "verificationDocuments.create",
  tags,
  summary: "Upload a verification document",
  description:
    "PDF, JPEG or PNG up to 512 KiB, base64 in `content`, with its SHA-256. The file goes to the object store; only its metadata to the database.",
  security: authSecurity,
  request: { body: jsonBody(createDocumentBody) },
  responses: { 200: jsonContent(documentSchema, "The document's metadata."), ...writeErrors },
});

export const retrieveDocumentRoute = createRoute({
  method: "get",
  path: "/verification_documents/{id}",
  operationId: "verificationDocuments.retrieve",
  tags,
  summary: "Retrieve a verification document's metadata",
  security: authSecurity,
  request: { params: documentIdParams },
  responses: { 200: jsonContent(documentSchema, "The document's metadata."), ...commonErrors },
});

export const documentDownloadUrlRoute = createRoute({
  method: "get",
  path: "/verification_documents/{id}/download_url",
  operationId: "verificationDocuments.downloadUrl",
  tags,
  summary: "A short-lived signed URL for the document's file",
  description:
    "The URL needs no credentials and expires after DOCUMENT_URL_TTL_SECONDS (5 minutes by default).",
  security: authSecurity,
  request: { params: documentIdParams },
  responses: { 200: jsonContent(downloadUrlSchema, "The signed URL."), ...commonErrors },
});

export const resubmitIndividualRoute = createRoute({
  method: "post",
  path: "/individual_verifications/{id}/resubmit",
  operationId: "individualVerifications.resubmit",
  tags,
  summary: "Resubmit an individual verification with corrections",
  description:
    "After Veriff asked for a new attempt (resubmission_requested) or the session expired: the corrected data goes to a new Veriff session. At most 5 attempts per verification.",
  security: authSecurity,
  request: { params: individualIdParams, body: jsonBody(resubmitIndividualBody) },
  responses: { 200: jsonContent(individualSchema, "The verification, submitted again."), ...providerErrors },
});

export const resubmitBusinessRoute = createRoute({
  method: "post",
  path: "/business_verifications/{id}/resubmit",
  operationId: "businessVerifications.resubmit",
  tags,
  summary: "Resubmit a declined business verification with corrections",
  description:
    "Corrects the registration data (not the country) and runs the checks again. People and documents can be added to a declined business first. At most 3 submissions per business; a declined required person cannot be corrected this way.",
  security: authSecurity,
  request: { params: businessIdParams, body: jsonBody(resubmitBusinessBody) },
  responses: { 200: jsonContent(businessSchema, "The business verification."), ...writeErrors },
});

const operatorTags = ["Operator"];

export const reviewIndividualRoute = createRoute({
  method: "post",
  path: "/operator/individual_verifications/{id}/review",
  operationId: "operatorIndividualVerifications.review",
  tags: operatorTags,
  summary: "Approve or decline a person in needs_review (platform operators)",
  description:
    "For the platform's operators, with X-Operator-Token; merchants' credentials are refused. Sending the same decision again answers the verification unchanged.",
  security: operatorSecurity,
  request: { params: individualIdParams, body: jsonBody(reviewBody) },
  responses: { 200: jsonContent(individualSchema, "The verification, decided."), ...writeErrors },
});

export const reviewBusinessRoute = createRoute({
  method: "post",
  path: "/operator/business_verifications/{id}/review",
  operationId: "operatorBusinessVerifications.review",
  tags: operatorTags,
  summary: "Approve or decline a business in needs_review (platform operators)",
  description:
    "For the platform's operators, with X-Operator-Token. Approval settles the business's own checks: it is approved once its required people are (submitted until then). Sending the same decision again answers the business unchanged.",
  security: operatorSecurity,
  request: { params: businessIdParams, body: jsonBody(reviewBody) },
  responses: { 200: jsonContent(businessSchema, "The business verification."), ...writeErrors },
});

export const reviewQueueRoute = createRoute({
  method: "get",
  path: "/operator/review_queue",
  operationId: "operatorReviewQueue.list",
  tags: operatorTags,
  summary: "What waits for an operator's review, oldest first (platform operators)",
  description:
    "People and businesses in needs_review across every merchant and environment, the longest waiting first. Reviewing an item takes it off the queue, so the next call shows what is next; has_more says more wait beyond limit.",
  security: operatorSecurity,
  request: { query: reviewQueueQuery },
  responses: { 200: jsonContent(reviewQueueSchema, "The queue's head."), ...commonErrors },
});
