import { createHash } from "node:crypto";
import { call, createMerchant } from "../harness";
import { addPerson, createBusiness, operatorHeaders, review, settled, upload } from "../verifications";
import type { FlowContext, Run } from "./run";

/** Verification documents, the merchant business verification, resubmissions and operator reviews. */
export async function verificationFlows(run: Run, { m, problems, check }: FlowContext): Promise<void> {
  // A verification document on a customer's verification.
  const person = await run<{ id: string }>("sandbox", "POST", "/individual_verifications", {
    first_name: "Undecided",
    last_name: "Ajv",
    date_of_birth: "1990-01-01",
  });
  const pdf = Buffer.from("%PDF-1.7 ajv test document");
  await run("sandbox", "POST", "/verification_documents", {
    verification: person.id,
    type: "passport",
    mime_type: "application/pdf",
    sha256: createHash("sha256").update(pdf).digest("hex"),
    content: pdf.toString("base64"),
  });
  // The merchant's own business: a director, its registration document, then the submission.
  const business = await run<{ id: string }>("sandbox", "POST", "/account/business_verification", {
    legal_name: "Ajv Ltd",
    registration_number: "12345678",
    country: "GB",
    incorporation_date: "2019-05-01",
    registered_address: { line1: "1 High Street", city: "London", country: "GB" },
    mcc: "5734",
  });
  await run("sandbox", "POST", `/business_verifications/${business.id}/persons`, {
    first_name: "Undecided",
    last_name: "Director",
    date_of_birth: "1980-01-01",
    relationship: { director: true },
  });
  const certificate = Buffer.from("%PDF-1.7 ajv certificate of incorporation");
  await run("sandbox", "POST", "/verification_documents", {
    verification: business.id,
    type: "certificate_of_incorporation",
    mime_type: "application/pdf",
    sha256: createHash("sha256").update(certificate).digest("hex"),
    content: certificate.toString("base64"),
  });
  // An owner added by mistake, removed before the submission.
  const mistaken = await run<{ id: string }>(
    "sandbox",
    "POST",
    `/business_verifications/${business.id}/persons`,
    {
      first_name: "Undecided",
      last_name: "Owner",
      date_of_birth: "1980-01-01",
      relationship: { ownership_percent: 30 },
    },
  );
  await run("sandbox", "DELETE", `/business_verifications/${business.id}/persons/${mistaken.id}`);
  await run("sandbox", "POST", `/business_verifications/${business.id}/submit`);
  // A person's resubmission after Veriff asked for it, and an operator's review of a person.
  for (const name of ["Resubmit", "Review"]) {
    const person = await run<{ id: string }>("sandbox", "POST", "/individual_verifications", {
      first_name: name,
      last_name: "Ajv",
      date_of_birth: "1990-01-01",
    });
    await run("sandbox", "POST", `/individual_verifications/${person.id}/submit`);
    await settled(m.sandbox, person.id);
    if (name === "Resubmit") {
      await run("sandbox", "POST", `/individual_verifications/${person.id}/resubmit`, {
        first_name: "Ada",
      });
    } else {
      const reviewed = await review("individual_verifications", person.id, {
        decision: "approve",
        reviewer: "ajv@ops",
      });
      problems.push(
        ...check("POST", `/api/v1/operator/individual_verifications/${person.id}/review`, reviewed),
      );
      if (reviewed.status !== 200) problems.push(`review ${person.id}: ${reviewed.text.slice(0, 200)}`);
    }
  }
  // Another merchant's business in review: the operator declines it, the merchant resubmits it.
  const k = await createMerchant();
  const inReview = await createBusiness(k, "sandbox", { legal_name: "Review Ajv Ltd" });
  await addPerson(k, "sandbox", inReview.id, "Undecided", { officer: true });
  await upload(k.sandbox, inReview.id, "register_extract");
  await k.sandbox.request("POST", `/business_verifications/${inReview.id}/submit`);
  const queue = await call("GET", "/api/v1/operator/review_queue?limit=5", { headers: operatorHeaders() });
  problems.push(...check("GET", "/api/v1/operator/review_queue?limit=5", queue));
  if (queue.status !== 200) problems.push(`review queue: ${queue.text.slice(0, 200)}`);
  const declined = await review("business_verifications", inReview.id, {
    decision: "decline",
    reviewer: "ajv@ops",
    reasons: [{ code: "registry_name_mismatch", description: "Another company's name." }],
  });
  problems.push(...check("POST", `/api/v1/operator/business_verifications/${inReview.id}/review`, declined));
  const resubmitted = await k.sandbox.request("POST", `/business_verifications/${inReview.id}/resubmit`, {
    legal_name: "Ajv Two Ltd",
  });
  problems.push(...check("POST", `/api/v1/business_verifications/${inReview.id}/resubmit`, resubmitted));
  for (const answer of [declined, resubmitted]) {
    if (answer.status !== 200) problems.push(`KYB review/resubmit: ${answer.text.slice(0, 200)}`);
  }
}
