import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import {
  addPerson,
  type Business,
  createBusiness,
  createPerson,
  runFunctionFor,
  runPoll,
  settled,
  submit,
  upload,
  type Verification,
} from "../../../test/verifications";

let merchant: TestMerchant;
let other: TestMerchant;

beforeAll(async () => {
  [merchant, other] = await Promise.all([createMerchant(), createMerchant()]);
});

async function eventsOf(objectId: string) {
  return query<{ type: string; previous_attributes: Record<string, unknown> | null }>(
    "select type, previous_attributes from events where object_id = $1 order by created_at, id",
    [objectId],
  );
}

async function sessionOf(id: string): Promise<string> {
  const [row] = await query<{ provider_session_id: string }>(
    "select provider_session_id from individual_verifications where id = $1",
    [id],
  );
  return row?.provider_session_id ?? "";
}

function resubmitPerson(
  owner: TestMerchant,
  id: string,
  body: unknown = {},
  headers?: Record<string, string>,
) {
  return owner.sandbox.request("POST", `/individual_verifications/${id}/resubmit`, body, headers);
}

function resubmitBusiness(
  owner: TestMerchant,
  id: string,
  body: unknown = {},
  headers?: Record<string, string>,
) {
  return owner.sandbox.request("POST", `/business_verifications/${id}/resubmit`, body, headers);
}

/** A sandbox business the registry did not find (declined at submission), with an officer and its extract. */
async function declinedBusiness(owner: TestMerchant) {
  const business = await createBusiness(owner, "sandbox", { registration_number: "12345000" });
  const officer = await addPerson(owner, "sandbox", business.id, "Ada", { officer: true });
  await upload(owner.sandbox, business.id, "register_extract");
  const submitted = await owner.sandbox.request<Business>(
    "POST",
    `/business_verifications/${business.id}/submit`,
  );
  expect(submitted.body.status).toBe("declined");
  return { business, officer };
}

describe("a person's resubmission", () => {
  it("resubmission_requested → corrected data in a new Veriff session → approved, with verification.resubmitted", async () => {
    const created = await createPerson(merchant.sandbox, "Resubmit", { id_number: "ID-0001" });
    await submit(merchant.sandbox, created.id);
    expect((await settled(merchant.sandbox, created.id)).status).toBe("resubmission_requested");
    const firstSession = await sessionOf(created.id);
    expectError(
      await merchant.sandbox.request("POST", `/individual_verifications/${created.id}/submit`),
      409,
      "verification_state_invalid",
    );
    const again = await resubmitPerson(merchant, created.id, { first_name: "Ada", id_number: "ID-0002" });
    expect(again.status, again.text).toBe(200);
    expect(again.body).toMatchObject({ status: "submitted", attempts: 2, first_name: "Ada", reasons: [] });
    expect(await sessionOf(created.id)).not.toBe(firstSession);
    expect(again.text).not.toContain("ID-0002");
    expect((await settled(merchant.sandbox, created.id)).status).toBe("approved");
    const resubmitted = (await eventsOf(created.id)).find(
      (event) => event.type === "verification.resubmitted",
    );
    expect(resubmitted?.previous_attributes).toEqual({
      status: "resubmission_requested",
      first_name: "Resubmit",
      id_number_provided: true,
    });
  });

  it("only resubmission_requested and expired can be resubmitted; at most 5 attempts", async () => {
    const pending = await createPerson(merchant.sandbox, "Undecided");
    expectError(await resubmitPerson(merchant, pending.id), 409, "verification_state_invalid");
    const expiring = await createPerson(merchant.sandbox, "Expire");
    await submit(merchant.sandbox, expiring.id);
    for (let attempt = 2; attempt <= 5; attempt += 1) {
      expect((await settled(merchant.sandbox, expiring.id)).status).toBe("expired");
      const again = await resubmitPerson(merchant, expiring.id);
      expect(again.body).toMatchObject({ status: "submitted", attempts: attempt });
    }
    expect((await settled(merchant.sandbox, expiring.id)).status).toBe("expired");
    expectError(await resubmitPerson(merchant, expiring.id), 409, "verification_attempts_exhausted");
  }, 60_000);

  it("bad input writes nothing; another merchant's or environment's id is 404; a retried key opens one session", async () => {
    const created = await createPerson(merchant.sandbox, "Expire");
    await submit(merchant.sandbox, created.id);
    await settled(merchant.sandbox, created.id);
    for (const [body, code] of [
      [{ customer: "cus_1" }, "parameter_unknown"],
      [{ date_of_birth: "1990-02-30" }, "parameter_invalid"],
      [{ nationality: "gb" }, "parameter_invalid"],
      [{ first_name: "" }, "parameter_invalid"],
    ] as const) {
      expectError(await resubmitPerson(merchant, created.id, body), 400, code);
    }
    expect((await settled(merchant.sandbox, created.id, "submitted")).attempts).toBe(1);
    expectError(await resubmitPerson(other, created.id), 404, "resource_missing");
    expectError(
      await merchant.production.request("POST", `/individual_verifications/${created.id}/resubmit`, {}),
      404,
      "resource_missing",
    );
    const key = { "idempotency-key": randomUUID() };
    const first = await resubmitPerson(merchant, created.id, { last_name: "Byron" }, key);
    const replay = await resubmitPerson(merchant, created.id, { last_name: "Byron" }, key);
    expect(replay.status).toBe(200);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body.verification_url).toBe(first.body.verification_url);
    expect(first.body.attempts).toBe(2);
  });
});

describe("a declined business's resubmission", () => {
  it("corrected registration number → the registry check runs again → approved with its officer", async () => {
    const owner = await createMerchant();
    const { business, officer } = await declinedBusiness(owner);
    const corrected = await resubmitBusiness(owner, business.id, { registration_number: "12345678" });
    expect(corrected.status, corrected.text).toBe(200);
    expect(corrected.body).toMatchObject({
      status: "submitted",
      attempts: 2,
      registration_number: "12345678",
      registry_check: { outcome: "passed" },
    });
    const resubmitted = (await eventsOf(business.id)).find(
      (event) => event.type === "verification.resubmitted",
    );
    expect(resubmitted?.previous_attributes).toEqual({ status: "declined", registration_number: "12345000" });
    await submit(owner.sandbox, officer.id);
    await settled(owner.sandbox, officer.id);
    const read = await owner.sandbox.request<Business>("GET", `/business_verifications/${business.id}`);
    expect(read.body.status).toBe("approved");
  });

  it("at most 3 submissions; a pending business is submitted, not resubmitted", async () => {
    const owner = await createMerchant();
    const { business } = await declinedBusiness(owner);
    for (const attempts of [2, 3]) {
      const again = await resubmitBusiness(owner, business.id, { legal_name: `Acme ${attempts} Ltd` });
      expect(again.body).toMatchObject({ status: "declined", attempts });
    }
    expectError(await resubmitBusiness(owner, business.id), 409, "verification_attempts_exhausted");
    const requirements = await owner.sandbox.request<{ currently_due: string[] }>(
      "GET",
      "/account/requirements",
    );
    expect(requirements.body.currently_due).toEqual([]);
    const fresh = await createMerchant();
    const pending = await createBusiness(fresh, "sandbox");
    expectError(await resubmitBusiness(fresh, pending.id), 409, "verification_state_invalid");
  });

  it("a business declined for a declined required person cannot be resubmitted", async () => {
    const owner = await createMerchant();
    const business = await createBusiness(owner, "sandbox");
    const director = await addPerson(owner, "sandbox", business.id, "Decline", { director: true });
    await upload(owner.sandbox, business.id, "register_extract");
    await owner.sandbox.request("POST", `/business_verifications/${business.id}/submit`);
    await submit(owner.sandbox, director.id);
    await settled(owner.sandbox, director.id);
    expectError(await resubmitBusiness(owner, business.id), 409, "verification_state_invalid");
  });

  it("bad input writes nothing; another merchant's or environment's id is 404; a retried key resubmits once", async () => {
    const owner = await createMerchant();
    const { business } = await declinedBusiness(owner);
    for (const [body, code] of [
      [{ country: "DE" }, "parameter_unknown"],
      [{ registration_number: "12-34" }, "registration_number_invalid"],
      [{ mcc: "57" }, "parameter_invalid"],
      [{ website: "not a url" }, "parameter_invalid"],
    ] as const) {
      expectError(await resubmitBusiness(owner, business.id, body), 400, code);
    }
    expectError(await resubmitBusiness(other, business.id), 404, "resource_missing");
    expectError(
      await owner.production.request("POST", `/business_verifications/${business.id}/resubmit`, {}),
      404,
      "resource_missing",
    );
    const read = await owner.sandbox.request<Business & { attempts: number }>(
      "GET",
      `/business_verifications/${business.id}`,
    );
    expect(read.body).toMatchObject({ status: "declined", attempts: 1 });
    const key = { "idempotency-key": randomUUID() };
    const first = await resubmitBusiness(owner, business.id, { registration_number: "12345678" }, key);
    const replay = await resubmitBusiness(owner, business.id, { registration_number: "12345678" }, key);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body).toEqual(first.body);
    const resubmissions = (await eventsOf(business.id)).filter(
      (event) => event.type === "verification.resubmitted",
    );
    expect(resubmissions).toHaveLength(1);
  });
});

function removePerson(owner: TestMerchant, business: string, person: string) {
  return owner.sandbox.request("DELETE", `/business_verifications/${business}/persons/${person}`);
}

describe("removing a person from the business", () => {
  it("a director declined by Veriff is removed and replaced; the resubmitted business is approved with the new one", async () => {
    const owner = await createMerchant();
    const business = await createBusiness(owner, "sandbox");
    const declined = await addPerson(owner, "sandbox", business.id, "Decline", { director: true });
    const late = await addPerson(owner, "sandbox", business.id, "Nowebhook", { director: true });
    const unsubmitted = await addPerson(owner, "sandbox", business.id, "Ada", { ownership_percent: 10 });
    await upload(owner.sandbox, business.id, "register_extract");
    await owner.sandbox.request("POST", `/business_verifications/${business.id}/submit`);
    await submit(owner.sandbox, declined.id);
    await settled(owner.sandbox, declined.id);
    await submit(owner.sandbox, late.id);
    const blocked = await owner.sandbox.request<Business>("GET", `/business_verifications/${business.id}`);
    expect(blocked.body.status).toBe("declined");

    for (const person of [declined, late, unsubmitted]) {
      const removed = await removePerson(owner, business.id, person.id);
      expect(removed.status, removed.text).toBe(200);
      expect(removed.body).toMatchObject({ id: person.id, business_verification: business.id });
      expect(removed.body.removed_at).not.toBeNull();
    }
    expect((await eventsOf(declined.id)).map((event) => event.type)).toContain("verification.removed");
    expectError(
      await owner.sandbox.request("POST", `/individual_verifications/${unsubmitted.id}/submit`),
      409,
      "verification_state_invalid",
    );
    const listed = await owner.sandbox.request<{ data: Verification[] }>(
      "GET",
      `/individual_verifications?business_verification=${business.id}`,
    );
    expect(listed.body.data).toEqual([]);

    // The removed director's decision arrives (by the poller) after the removal: it is recorded on
    // the person, and the business, which no longer counts them, stays declined.
    await runPoll();
    expect((await settled(owner.sandbox, late.id)).status).toBe("approved");
    const still = await owner.sandbox.request<Business & { attempts: number }>(
      "GET",
      `/business_verifications/${business.id}`,
    );
    expect(still.body).toMatchObject({ status: "declined", attempts: 1 });

    expectError(await resubmitBusiness(owner, business.id), 400, "verification_incomplete");
    const replacement = await addPerson(owner, "sandbox", business.id, "Ada", { director: true });
    const resubmitted = await resubmitBusiness(owner, business.id);
    expect(resubmitted.body).toMatchObject({ status: "submitted", attempts: 2 });
    await submit(owner.sandbox, replacement.id);
    await settled(owner.sandbox, replacement.id);
    const approved = await owner.sandbox.request<Business>("GET", `/business_verifications/${business.id}`);
    expect(approved.body.status).toBe("approved");
  });

  it("only while pending or declined; a removed owner's share is freed; again answers it unchanged; others' ids are 404", async () => {
    const owner = await createMerchant();
    const business = await createBusiness(owner, "sandbox");
    const seller = await addPerson(owner, "sandbox", business.id, "Ada", { ownership_percent: 60 });
    const director = await addPerson(owner, "sandbox", business.id, "Ada", { director: true });
    const removed = await removePerson(owner, business.id, seller.id);
    expect(removed.status, removed.text).toBe(200);
    await addPerson(owner, "sandbox", business.id, "Ada", { ownership_percent: 60 });
    const again = await removePerson(owner, business.id, seller.id);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(removed.body);
    expect((await eventsOf(seller.id)).filter((event) => event.type === "verification.removed")).toHaveLength(
      1,
    );

    expectError(await removePerson(other, business.id, director.id), 404, "resource_missing");
    expectError(
      await owner.production.request(
        "DELETE",
        `/business_verifications/${business.id}/persons/${director.id}`,
      ),
      404,
      "resource_missing",
    );
    const stranger = await createPerson(owner.sandbox, "Ada");
    expectError(await removePerson(owner, business.id, stranger.id), 404, "resource_missing");
    expectError(await removePerson(owner, business.id, "idv_\u0000"), 404, "resource_missing");

    await upload(owner.sandbox, business.id, "register_extract");
    await owner.sandbox.request("POST", `/business_verifications/${business.id}/submit`);
    expectError(await removePerson(owner, business.id, director.id), 409, "verification_state_invalid");
    const kept = await owner.sandbox.request<Verification & { removed_at: string | null }>(
      "GET",
      `/individual_verifications/${director.id}`,
    );
    expect(kept.body.removed_at).toBeNull();
  });
});

describe("account.requirements.updated when the deadline passes (requirements-deadline)", () => {
  it("is sent once, when what is due becomes past_due, and not before the deadline", async () => {
    const owner = await createMerchant();
    await createBusiness(owner, "sandbox");
    const requirementEvents = () =>
      query<{
        environment: string;
        data: { past_due: string[] };
        previous_attributes: { past_due: string[] };
      }>(
        "select environment, data, previous_attributes from events where merchant_id = $1 and type = 'account.requirements.updated' and data->'past_due' <> '[]'::jsonb order by environment",
        [owner.merchantId],
      );
    const early = await runFunctionFor("requirements-deadline", { merchant: owner.merchantId }, 29 * 86_400);
    expect(early).toMatchObject({ status: "succeeded", result: { looked: 0, pastDue: 0 } });
    expect(await requirementEvents()).toEqual([]);

    const late = await runFunctionFor("requirements-deadline", { merchant: owner.merchantId }, 31 * 86_400);
    expect(late).toMatchObject({ status: "succeeded", result: { looked: 2, pastDue: 2 } });
    const events = await requirementEvents();
    expect(events.map((event) => event.environment)).toEqual(["production", "sandbox"]);
    const sandbox = events.find((event) => event.environment === "sandbox");
    expect(sandbox?.data.past_due).toContain("business_verification.submit");
    expect(sandbox?.previous_attributes.past_due).toEqual([]);
    const read = await owner.sandbox.request<{ past_due: string[] }>(
      "GET",
      "/account/requirements",
      undefined,
      {
        "x-test-clock-offset-seconds": String(31 * 86_400),
      },
    );
    expect(read.body.past_due).toEqual(sandbox?.data.past_due);

    const again = await runFunctionFor("requirements-deadline", { merchant: owner.merchantId }, 32 * 86_400);
    expect(again).toMatchObject({ status: "succeeded", result: { looked: 0 } });
    expect(await requirementEvents()).toHaveLength(2);
  });
});
