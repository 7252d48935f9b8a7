import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { call, client, createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import {
  addPerson,
  type Business,
  createBusiness,
  createPerson,
  decisionBody,
  operatorHeaders,
  postWebhook,
  review,
  settled,
  submit,
  upload,
  type Verification,
  veriffKeys,
} from "../../../test/verifications";

let merchant: TestMerchant;

beforeAll(async () => {
  merchant = await createMerchant();
});

const approve = { decision: "approve", reviewer: "ana@ops" };
const decline = {
  decision: "decline",
  reviewer: "ben@ops",
  reasons: [{ code: "registry_name_mismatch", description: "The registered name is another company's." }],
};

async function eventsOf(objectId: string) {
  return query<{ type: string; previous_attributes: Record<string, unknown> | null }>(
    "select type, previous_attributes from events where object_id = $1 order by created_at, id",
    [objectId],
  );
}

async function auditActors(objectId: string, action: string) {
  return query<{ actor_type: string; actor_id: string }>(
    "select actor_type, actor_id from audit_logs where object_id = $1 and action = $2",
    [objectId, action],
  );
}

/** A sandbox business whose registry check is a partial match (needs_review), with an officer. */
async function businessInReview(owner: TestMerchant, officerName = "Ada") {
  const business = await createBusiness(owner, "sandbox", { legal_name: "Review Holdings Ltd" });
  const officer = await addPerson(owner, "sandbox", business.id, officerName, { officer: true });
  await upload(owner.sandbox, business.id, "register_extract");
  const submitted = await owner.sandbox.request<Business>(
    "POST",
    `/business_verifications/${business.id}/submit`,
  );
  expect(submitted.body.status).toBe("needs_review");
  return { business, officer };
}

/** A person Veriff sent to review (9121). */
async function personInReview(owner: TestMerchant) {
  const created = await createPerson(owner.sandbox, "Review");
  await submit(owner.sandbox, created.id);
  expect((await settled(owner.sandbox, created.id)).status).toBe("needs_review");
  return created;
}

describe("operator routes: only the operator token passes", () => {
  it("merchants' keys and sessions, no token and a wrong token are 401, and nothing changes", async () => {
    const person = await personInReview(merchant);
    const path = `/operator/individual_verifications/${person.id}/review`;
    for (const who of [merchant.sandbox, merchant.production, merchant.dashboard]) {
      expectError(await who.request("POST", path, approve), 401, "authentication_required");
    }
    expectError(await client({}).request("POST", path, approve), 401, "authentication_required");
    expectError(
      await review("individual_verifications", person.id, approve, operatorHeaders("x".repeat(40))),
      401,
      "credentials_invalid",
    );
    expectError(
      await review("individual_verifications", person.id, approve, {
        ...merchant.sandbox.headers,
        ...operatorHeaders(`${operatorHeaders()["x-operator-token"]}x`),
      }),
      401,
      "credentials_invalid",
    );
    const read = await merchant.sandbox.request<Verification>(
      "GET",
      `/individual_verifications/${person.id}`,
    );
    expect(read.body.status).toBe("needs_review");
  });

  it("bad input is a 400 with a catalog code and decides nothing; an unknown id is 404", async () => {
    const person = await personInReview(merchant);
    const cases: Array<[unknown, string]> = [
      [{ decision: "decline", reviewer: "ana@ops" }, "parameter_missing"],
      [{ decision: "decline", reviewer: "ana@ops", reasons: [] }, "parameter_invalid"],
      [{ decision: "maybe", reviewer: "ana@ops" }, "parameter_invalid"],
      [{ decision: "approve" }, "parameter_missing"],
      [{ ...approve, reviewer: "" }, "parameter_invalid"],
      [{ ...approve, merchant: "mer_1" }, "parameter_unknown"],
      [{ ...decline, reasons: [{ code: "Not A Code", description: "x" }] }, "parameter_invalid"],
    ];
    for (const [body, code] of cases) {
      expectError(await review("individual_verifications", person.id, body), 400, code);
    }
    const read = await merchant.sandbox.request<Verification>(
      "GET",
      `/individual_verifications/${person.id}`,
    );
    expect(read.body.status).toBe("needs_review");
    expect((await eventsOf(person.id)).map((event) => event.type)).not.toContain("verification.approved");
    expectError(await review("individual_verifications", "idv_missing", approve), 404, "resource_missing");
    expectError(await review("business_verifications", "kyb_missing", approve), 404, "resource_missing");
  });
});

describe("operator review of a person in needs_review", () => {
  it("approve → approved with the operator as the audit actor; a later Veriff decision is stale", async () => {
    const person = await personInReview(merchant);
    const answer = await review("individual_verifications", person.id, approve);
    expect(answer.status, answer.text).toBe(200);
    expect(answer.body).toMatchObject({ status: "approved", review: { decision: "approved", reasons: [] } });
    expect(answer.text).not.toContain("ana@ops");
    expect(await auditActors(person.id, "verification.approved")).toEqual([
      { actor_type: "operator", actor_id: "ana@ops" },
    ]);
    const [row] = await query<{ provider_session_id: string }>(
      "select provider_session_id from individual_verifications where id = $1",
      [person.id],
    );
    const late = await postWebhook(
      decisionBody(row?.provider_session_id ?? "", randomUUID(), 9102),
      veriffKeys().sharedSecret,
    );
    expect(late.body).toMatchObject({ applied: false, reason: "stale" });
    const read = await merchant.sandbox.request<Verification>(
      "GET",
      `/individual_verifications/${person.id}`,
    );
    expect(read.body.status).toBe("approved");
  });

  it("decline → declined with the reasons; a retried review answers it unchanged, a different one is 409", async () => {
    const person = await personInReview(merchant);
    const declined = await review("individual_verifications", person.id, decline);
    expect(declined.body).toMatchObject({ status: "declined", reasons: decline.reasons });
    const again = await review("individual_verifications", person.id, decline);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: "declined" });
    expectError(
      await review("individual_verifications", person.id, approve),
      409,
      "verification_state_invalid",
    );
    const types = (await eventsOf(person.id)).map((event) => event.type);
    expect(types.filter((type) => type === "verification.declined")).toHaveLength(1);
  });

  it("a verification that is not in needs_review cannot be reviewed", async () => {
    const pending = await createPerson(merchant.sandbox, "Undecided");
    expectError(
      await review("individual_verifications", pending.id, approve),
      409,
      "verification_state_invalid",
    );
  });

  it("approving a business's person in review rolls the business up to approved", async () => {
    const owner = await createMerchant();
    const business = await createBusiness(owner, "sandbox");
    const director = await addPerson(owner, "sandbox", business.id, "Review", { director: true });
    await upload(owner.sandbox, business.id, "register_extract");
    await owner.sandbox.request("POST", `/business_verifications/${business.id}/submit`);
    await submit(owner.sandbox, director.id);
    expect((await settled(owner.sandbox, director.id)).status).toBe("needs_review");
    expect((await review("individual_verifications", director.id, approve)).status).toBe(200);
    const read = await owner.sandbox.request<Business>("GET", `/business_verifications/${business.id}`);
    expect(read.body.status).toBe("approved");
    expect(await auditActors(business.id, "verification.approved")).toEqual([
      { actor_type: "operator", actor_id: "ana@ops" },
    ]);
  });
});

describe("operator review of a business in needs_review", () => {
  it("approve with its required person approved → approved; the requirements clear", async () => {
    const owner = await createMerchant();
    const { business, officer } = await businessInReview(owner);
    await submit(owner.sandbox, officer.id);
    expect((await settled(owner.sandbox, officer.id)).status).toBe("approved");
    expect(
      (await owner.sandbox.request<Business>("GET", `/business_verifications/${business.id}`)).body.status,
    ).toBe("needs_review");
    const approved = await review("business_verifications", business.id, approve);
    expect(approved.status, approved.text).toBe(200);
    expect(approved.body).toMatchObject({ status: "approved", review: { decision: "approved" } });
    const requirements = await owner.sandbox.request<{ disabled_reason: string | null }>(
      "GET",
      "/account/requirements",
    );
    expect(requirements.body.disabled_reason).toBeNull();
    const events = await eventsOf(business.id);
    expect(events.at(-1)).toMatchObject({
      type: "verification.approved",
      previous_attributes: { status: "needs_review" },
    });
    expect(await auditActors(business.id, "verification.approved")).toEqual([
      { actor_type: "operator", actor_id: "ana@ops" },
    ]);
  });

  it("approve while a required person is still undecided → submitted, then approved with that person", async () => {
    const owner = await createMerchant();
    const { business, officer } = await businessInReview(owner);
    const waiting = await review("business_verifications", business.id, approve);
    expect(waiting.body).toMatchObject({ status: "submitted", review: { decision: "approved" } });
    await submit(owner.sandbox, officer.id);
    await settled(owner.sandbox, officer.id);
    const read = await owner.sandbox.request<Business>("GET", `/business_verifications/${business.id}`);
    expect(read.body.status).toBe("approved");
  });

  it("decline → declined with the operator's reasons; other environments' and pending businesses are refused", async () => {
    const owner = await createMerchant();
    const { business } = await businessInReview(owner);
    const declined = await review("business_verifications", business.id, decline);
    expect(declined.body).toMatchObject({ status: "declined", reasons: decline.reasons });
    expect(await auditActors(business.id, "verification.declined")).toEqual([
      { actor_type: "operator", actor_id: "ben@ops" },
    ]);
    const requirements = await owner.sandbox.request<{ disabled_reason: string; currently_due: string[] }>(
      "GET",
      "/account/requirements",
    );
    expect(requirements.body).toMatchObject({
      disabled_reason: "rejected.business",
      currently_due: ["business_verification.resubmit"],
    });
    const pending = await createBusiness(owner, "production");
    expectError(
      await review("business_verifications", pending.id, approve),
      409,
      "verification_state_invalid",
    );
  });
});

describe("the operators' review queue", () => {
  interface QueueItem {
    id: string;
    verification_type: string;
    merchant: string;
    environment: string;
    business_verification: string | null;
    waiting_since: string;
  }
  const queue = (query = "?limit=100", headers: Record<string, string> = operatorHeaders()) =>
    call<{ object: string; data: QueueItem[]; has_more: boolean }>(
      "GET",
      `/api/v1/operator/review_queue${query}`,
      { headers },
    );

  it("lists people and businesses in needs_review, oldest first, until they are reviewed", async () => {
    const owner = await createMerchant();
    const person = await personInReview(owner);
    const { business } = await businessInReview(owner);
    const listed = await queue();
    expect(listed.status, listed.text).toBe(200);
    const ours = listed.body.data.filter((item) => item.merchant === owner.merchantId);
    expect(ours.map((item) => [item.verification_type, item.id])).toEqual([
      ["individual_verification", person.id],
      ["business_verification", business.id],
    ]);
    expect(ours[0]).toMatchObject({ environment: "sandbox", business_verification: null });
    const waiting = listed.body.data.map((item) => item.waiting_since);
    expect(waiting).toEqual([...waiting].sort());
    const head = await queue("?limit=1");
    expect(head.body).toMatchObject({ object: "list", has_more: true });
    expect(head.body.data).toHaveLength(1);

    await review("individual_verifications", person.id, approve);
    const after = await queue();
    expect(after.body.data.map((item) => item.id)).not.toContain(person.id);
    expect(after.body.data.map((item) => item.id)).toContain(business.id);
  });

  it("leaves out a person the merchant removed from its business; refuses merchants and bad limits", async () => {
    const owner = await createMerchant();
    const business = await createBusiness(owner, "sandbox");
    const director = await addPerson(owner, "sandbox", business.id, "Review", { director: true });
    await submit(owner.sandbox, director.id);
    expect((await settled(owner.sandbox, director.id)).status).toBe("needs_review");
    expect((await queue()).body.data.map((item) => item.id)).toContain(director.id);
    const removed = await owner.sandbox.request(
      "DELETE",
      `/business_verifications/${business.id}/persons/${director.id}`,
    );
    expect(removed.status, removed.text).toBe(200);
    expect((await queue()).body.data.map((item) => item.id)).not.toContain(director.id);

    expectError(await queue("?limit=100", owner.sandbox.headers), 401, "authentication_required");
    for (const limit of ["0", "101", "x"])
      expectError(await queue(`?limit=${limit}`), 400, "parameter_invalid");
  });
});
