import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError } from "../../../test/harness";
import {
  addPerson,
  type Business,
  businessInput,
  createBusiness,
  createPerson,
  decisionBody,
  person,
  postWebhook,
  submit,
  upload,
  type Verification,
  veriffKeys,
} from "../../../test/verifications";

describe("business verification: tenancy, input, idempotency", () => {
  it("another merchant's or the other environment's business is 404 on every route", async () => {
    const [owner, stranger] = await Promise.all([createMerchant(), createMerchant()]);
    const business = await createBusiness(owner, "sandbox");
    for (const client of [stranger.sandbox, owner.production]) {
      expectError(
        await client.request("GET", `/business_verifications/${business.id}`),
        404,
        "resource_missing",
      );
      expectError(
        await client.request("POST", `/business_verifications/${business.id}/submit`),
        404,
        "resource_missing",
      );
      expectError(
        await client.request("POST", `/business_verifications/${business.id}/persons`, {
          ...person("X"),
          relationship: { director: true },
        }),
        404,
        "resource_missing",
      );
    }
    expectError(
      await stranger.sandbox.request("GET", "/account/business_verification"),
      404,
      "resource_missing",
    );
    const list = await stranger.sandbox.request<{ data: Verification[] }>(
      "GET",
      `/individual_verifications?business_verification=${business.id}`,
    );
    expect(list.body.data).toEqual([]);
  });

  it("bad input is a 400 with a catalog code and writes nothing", async () => {
    const merchant = await createMerchant();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ registration_number: "1234" }, "registration_number_invalid"],
      [{ country: "gb" }, "parameter_invalid"],
      [{ mcc: "57" }, "parameter_invalid"],
      [{ incorporation_date: "2019-13-01" }, "parameter_invalid"],
      [{ website: "not a url" }, "parameter_invalid"],
      [{ legal_name: undefined }, "parameter_missing"],
      [{ owner: "me" }, "parameter_unknown"],
    ];
    for (const [extra, code] of cases) {
      expectError(
        await merchant.sandbox.request("POST", "/account/business_verification", businessInput(extra)),
        400,
        code,
      );
    }
    expectError(
      await merchant.sandbox.request("GET", "/account/business_verification"),
      404,
      "resource_missing",
    );
    const business = await createBusiness(merchant, "sandbox");
    for (const relationship of [
      { ownership_percent: 101 },
      { ownership_percent: 25.001 },
      { ownership_percent: -1 },
      { director: "yes" },
    ]) {
      expectError(
        await merchant.sandbox.request("POST", `/business_verifications/${business.id}/persons`, {
          ...person("X"),
          relationship,
        }),
        400,
        "parameter_invalid",
      );
    }
    const [count] = await query<{ count: number }>(
      "select count(*)::int as count from individual_verifications where business_verification_id = $1",
      [business.id],
    );
    expect(count?.count).toBe(0);
  });

  it("a retried create or person with the same Idempotency-Key gives the same object", async () => {
    const merchant = await createMerchant();
    const key = { "idempotency-key": randomUUID() };
    const first = await merchant.sandbox.request<Business>(
      "POST",
      "/account/business_verification",
      businessInput(),
      key,
    );
    const again = await merchant.sandbox.request<Business>(
      "POST",
      "/account/business_verification",
      businessInput(),
      key,
    );
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    const personKey = { "idempotency-key": randomUUID() };
    const body = { ...person("Ada"), relationship: { director: true } };
    const added = await merchant.sandbox.request<Verification>(
      "POST",
      `/business_verifications/${first.body.id}/persons`,
      body,
      personKey,
    );
    const retried = await merchant.sandbox.request<Verification>(
      "POST",
      `/business_verifications/${first.body.id}/persons`,
      body,
      personKey,
    );
    expect(retried.body.id).toBe(added.body.id);
  });
});

describe("concurrency", () => {
  it("two owners approved by webhooks at the same moment still approve the business, once", async () => {
    const merchant = await createMerchant();
    const business = await createBusiness(merchant, "sandbox");
    const owners = [
      await addPerson(merchant, "sandbox", business.id, "Undecided", {
        ownership_percent: 50,
        director: true,
      }),
      await addPerson(merchant, "sandbox", business.id, "Undecided", { ownership_percent: 50 }),
    ];
    await upload(merchant.sandbox, business.id, "register_extract");
    await merchant.sandbox.request("POST", `/business_verifications/${business.id}/submit`);
    for (const owner of owners) await submit(merchant.sandbox, owner.id);
    const sessions = await query<{ provider_session_id: string }>(
      "select provider_session_id from individual_verifications where business_verification_id = $1",
      [business.id],
    );
    const { sharedSecret } = veriffKeys();
    const answers = await Promise.all(
      sessions.map((row) =>
        postWebhook(decisionBody(row.provider_session_id, randomUUID(), 9001), sharedSecret),
      ),
    );
    expect(answers.map((answer) => answer.body)).toMatchObject([{ applied: true }, { applied: true }]);
    const read = await merchant.sandbox.request<Business>("GET", `/business_verifications/${business.id}`);
    expect(read.body.status).toBe("approved");
    const approvals = await query<{ count: number }>(
      "select count(*)::int as count from events where object_id = $1 and type = 'verification.approved'",
      [business.id],
    );
    expect(approvals[0]?.count).toBe(1);
  });

  it("the same decision delivered twice at once is applied once", async () => {
    const merchant = await createMerchant();
    const created = await createPerson(merchant.sandbox, "Undecided");
    await submit(merchant.sandbox, created.id);
    const [row] = await query<{ provider_session_id: string }>(
      "select provider_session_id from individual_verifications where id = $1",
      [created.id],
    );
    const body = decisionBody(row?.provider_session_id ?? "", randomUUID(), 9001);
    const answers = await Promise.all([1, 2, 3].map(() => postWebhook(body, veriffKeys().sharedSecret)));
    expect(answers.filter((answer) => (answer.body as { applied?: boolean }).applied === true)).toHaveLength(
      1,
    );
    const events = await query<{ count: number }>(
      "select count(*)::int as count from events where object_id = $1 and type = 'verification.approved'",
      [created.id],
    );
    expect(events[0]?.count).toBe(1);
  });

  it("concurrent submits of one person open one recorded session; concurrent owners never pass 100 %", async () => {
    const merchant = await createMerchant();
    const created = await createPerson(merchant.sandbox, "Undecided");
    const submits = await Promise.all(
      [1, 2, 3].map(() => merchant.sandbox.request("POST", `/individual_verifications/${created.id}/submit`)),
    );
    expect(submits.filter((answer) => answer.status === 200)).toHaveLength(1);
    for (const refused of submits.filter((answer) => answer.status !== 200)) {
      expectError(refused, 409, "verification_state_invalid");
    }
    const business = await createBusiness(merchant, "sandbox");
    const added = await Promise.all(
      [1, 2].map(() =>
        merchant.sandbox.request("POST", `/business_verifications/${business.id}/persons`, {
          ...person("Half"),
          relationship: { ownership_percent: 60 },
        }),
      ),
    );
    expect(added.map((answer) => answer.status).sort()).toEqual([200, 400]);
  });
});
