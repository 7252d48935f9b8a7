import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { call, createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { eventually } from "../../../test/qstash";
import {
  createPerson,
  decisionBody,
  doubleSession,
  postWebhook,
  runPoll,
  settled,
  submit,
  type Verification,
  veriffKeys,
} from "../../../test/verifications";

let merchant: TestMerchant;
let other: TestMerchant;

beforeAll(async () => {
  [merchant, other] = await Promise.all([createMerchant(), createMerchant()]);
});

async function eventTypes(objectId: string): Promise<string[]> {
  const rows = await query<{ type: string }>(
    "select type from events where object_id = $1 order by created_at, id",
    [objectId],
  );
  return rows.map((row) => row.type);
}

async function sessionOf(id: string): Promise<string> {
  const [row] = await query<{ provider_session_id: string }>(
    "select provider_session_id from individual_verifications where id = $1",
    [id],
  );
  return row?.provider_session_id ?? "";
}

describe("individual verifications (KYC) against the local Veriff double", () => {
  it("pending → submitted → approved by the signed decision webhook, with an event for each change", async () => {
    const customer = await merchant.sandbox.request<{ id: string }>("POST", "/customers", {
      email: "ada@example.com",
    });
    const created = await createPerson(merchant.sandbox, "Ada", {
      customer: customer.body.id,
      id_number: "AB123456",
    });
    expect(created).toMatchObject({
      status: "pending",
      attempts: 0,
      verification_url: null,
      customer: customer.body.id,
    });
    expect(created).toMatchObject({ id_number_provided: true });
    expect(JSON.stringify(created)).not.toContain("AB123456");
    const submitted = await submit(merchant.sandbox, created.id);
    expect(submitted).toMatchObject({ status: "submitted", attempts: 1 });
    expect(submitted.verification_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v\//);
    const decided = await settled(merchant.sandbox, created.id);
    expect(decided).toMatchObject({ status: "approved", decision_code: 9001, reasons: [] });
    expect(await eventTypes(created.id)).toEqual([
      "verification.created",
      "verification.submitted",
      "verification.approved",
    ]);
  });

  it.each([
    ["Decline", 9102, "declined"],
    ["Resubmit", 9103, "resubmission_requested"],
    ["Expire", 9104, "expired"],
    ["Review", 9121, "needs_review"],
  ])("decision %s (%i) → %s, reasons kept", async (name, code, status) => {
    const created = await createPerson(merchant.sandbox, name);
    await submit(merchant.sandbox, created.id);
    const decided = await settled(merchant.sandbox, created.id);
    expect(decided).toMatchObject({ status, decision_code: code });
    if (code === 9102)
      expect(decided.reasons).toEqual([{ code: "102", description: "Suspected document tampering." }]);
    if (code === 9103) expect(decided.reasons[0]?.code).toBe("201");
    expect(await eventTypes(created.id)).toContain(`verification.${status}`);
  });

  it("resubmission_requested and expired go back to submitted with a new attempt; approved and declined are final", async () => {
    for (const name of ["Resubmit", "Expire"]) {
      const created = await createPerson(merchant.sandbox, name);
      await submit(merchant.sandbox, created.id);
      const first = await settled(merchant.sandbox, created.id);
      const firstSession = await sessionOf(created.id);
      const again = (
        await merchant.sandbox.request<Verification>(
          "POST",
          `/individual_verifications/${first.id}/resubmit`,
          {},
        )
      ).body;
      expect(again).toMatchObject({ status: "submitted", attempts: 2, decision_code: null, reasons: [] });
      expect(await sessionOf(created.id)).not.toBe(firstSession);
    }
    for (const name of ["Ada", "Decline"]) {
      const created = await createPerson(merchant.sandbox, name);
      await submit(merchant.sandbox, created.id);
      await settled(merchant.sandbox, created.id);
      const refused = await merchant.sandbox.request(
        "POST",
        `/individual_verifications/${created.id}/submit`,
      );
      expectError(refused, 409, "verification_state_invalid");
    }
  });

  it("a submitted verification cannot be submitted again", async () => {
    const created = await createPerson(merchant.sandbox, "Undecided");
    await submit(merchant.sandbox, created.id);
    expectError(
      await merchant.sandbox.request("POST", `/individual_verifications/${created.id}/submit`),
      409,
      "verification_state_invalid",
    );
  });

  it("needs_review → approved or declined when Veriff decides after its review", async () => {
    for (const [code, status] of [
      [9001, "approved"],
      [9102, "declined"],
    ] as const) {
      const created = await createPerson(merchant.sandbox, "Review");
      await submit(merchant.sandbox, created.id);
      expect((await settled(merchant.sandbox, created.id)).status).toBe("needs_review");
      const session = await sessionOf(created.id);
      const { sharedSecret } = veriffKeys();
      const answer = await postWebhook(decisionBody(session, randomUUID(), code), sharedSecret);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ applied: true, status });
      const read = await merchant.sandbox.request<Verification>(
        "GET",
        `/individual_verifications/${created.id}`,
      );
      expect(read.body.status).toBe(status);
    }
  });
});

describe("the decision webhook's signature", () => {
  it("a good signature is applied; a bad one is 401 and changes nothing; a replay is acknowledged and changes nothing", async () => {
    const created = await createPerson(merchant.sandbox, "Undecided");
    await submit(merchant.sandbox, created.id);
    const session = await sessionOf(created.id);
    const body = decisionBody(session, randomUUID(), 9102, {
      reasonCode: 105,
      reason: "Suspicious behaviour.",
    });
    const { sharedSecret } = veriffKeys();

    const bad = await postWebhook(body, `${sharedSecret}x`);
    expectError(bad, 401, "signature_invalid");
    const tampered = await postWebhook(body, sharedSecret);
    expect(tampered.status).toBe(200);
    // The tampered check: the same signature over a changed body.
    const unsigned = await call("POST", "/webhooks/veriff", {
      body: body.replace("9102", "9001"),
      headers: { "x-auth-client": veriffKeys().apiKey, "x-hmac-signature": "00".repeat(32) },
    });
    expectError(unsigned, 401, "signature_invalid");
    const missing = await call("POST", "/webhooks/veriff", { body });
    expectError(missing, 401, "signature_invalid");

    const read = await merchant.sandbox.request<Verification>(
      "GET",
      `/individual_verifications/${created.id}`,
    );
    expect(read.body).toMatchObject({ status: "declined", decision_code: 9102 });
    expect(read.body.reasons).toEqual([{ code: "105", description: "Suspicious behaviour." }]);
    const events = await eventTypes(created.id);

    const replay = await postWebhook(body, sharedSecret);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ applied: false, reason: "duplicate" });
    expect(await eventTypes(created.id)).toEqual(events);
  });

  it("the sandbox secret cannot decide a production session", async () => {
    const created = await createPerson(merchant.production, "Undecided");
    await submit(merchant.production, created.id);
    const session = await sessionOf(created.id);
    const sandbox = veriffKeys("sandbox");
    const answer = await postWebhook(
      decisionBody(session, randomUUID(), 9001),
      sandbox.sharedSecret,
      sandbox.apiKey,
    );
    expectError(answer, 404, "resource_missing");
    const production = veriffKeys("production");
    const applied = await postWebhook(
      decisionBody(session, randomUUID(), 9001),
      production.sharedSecret,
      production.apiKey,
    );
    expect(applied.body).toMatchObject({ applied: true, status: "approved" });
  });

  it("a webhook the double signs wrong is refused at every retry; the poller then applies the decision", async () => {
    const created = await createPerson(merchant.sandbox, "Badsig");
    await submit(merchant.sandbox, created.id);
    const session = await sessionOf(created.id);
    // The double's second delivery comes 500 ms after the first's answer: a bound for a loaded machine.
    const deliveries = await eventually(async () => {
      const made = (await doubleSession(session)).deliveries;
      return made.length >= 2 ? made : undefined;
    }, 30_000);
    expect(deliveries.slice(0, 2).map((delivery) => delivery.status)).toEqual([401, 401]);
    expect(
      (await merchant.sandbox.request<Verification>("GET", `/individual_verifications/${created.id}`)).body
        .status,
    ).toBe("submitted");
    await runPoll();
    const read = await merchant.sandbox.request<Verification>(
      "GET",
      `/individual_verifications/${created.id}`,
    );
    expect(read.body).toMatchObject({ status: "approved", decision_code: 9001 });
  });
});

describe("the polling fallback (verification-poll)", () => {
  it("applies the decision of a session whose webhook never came, only after VERIFF_POLL_AFTER_SECONDS", async () => {
    const created = await createPerson(merchant.sandbox, "Nowebhook");
    const undecided = await createPerson(merchant.sandbox, "Undecided");
    await submit(merchant.sandbox, created.id);
    await submit(merchant.sandbox, undecided.id);
    await runPoll(0);
    expect(
      (await merchant.sandbox.request<Verification>("GET", `/individual_verifications/${created.id}`)).body
        .status,
    ).toBe("submitted");
    const outcomes = await runPoll(3600);
    const poll = outcomes.find((outcome) => outcome.result && "polled" in outcome.result);
    expect(poll?.status).toBe("succeeded");
    const read = await merchant.sandbox.request<Verification>(
      "GET",
      `/individual_verifications/${created.id}`,
    );
    expect(read.body).toMatchObject({ status: "approved", decision_code: 9001 });
    const still = await merchant.sandbox.request<Verification>(
      "GET",
      `/individual_verifications/${undecided.id}`,
    );
    expect(still.body.status).toBe("submitted");
    const [decision] = await query<{ source: string }>(
      "select source from veriff_decisions where verification_id = $1",
      [created.id],
    );
    expect(decision?.source).toBe("poll");
  });
});

describe("tenancy, input and idempotency", () => {
  it("another merchant's or the other environment's verification is 404 on every route", async () => {
    const created = await createPerson(merchant.sandbox, "Undecided");
    for (const client of [other.sandbox, merchant.production]) {
      expectError(
        await client.request("GET", `/individual_verifications/${created.id}`),
        404,
        "resource_missing",
      );
      expectError(
        await client.request("POST", `/individual_verifications/${created.id}/submit`),
        404,
        "resource_missing",
      );
      const list = await client.request<{ data: Verification[] }>("GET", "/individual_verifications");
      expect(list.body.data.map((row) => row.id)).not.toContain(created.id);
    }
    const foreignCustomer = await other.sandbox.request<{ id: string }>("POST", "/customers", {});
    expectError(
      await merchant.sandbox.request("POST", "/individual_verifications", {
        first_name: "A",
        last_name: "B",
        date_of_birth: "1990-01-01",
        customer: foreignCustomer.body.id,
      }),
      404,
      "resource_missing",
    );
  });

  it("bad input is a 400 with a catalog code, and nothing is written", async () => {
    const before = await query<{ count: number }>(
      "select count(*)::int as count from individual_verifications where merchant_id = $1",
      [merchant.merchantId],
    );
    const cases: Array<[unknown, string]> = [
      [{ last_name: "B", date_of_birth: "1990-01-01" }, "parameter_missing"],
      [{ first_name: "A", last_name: "B", date_of_birth: "1990-02-30" }, "parameter_invalid"],
      [{ first_name: "A", last_name: "B", date_of_birth: "12/04/1990" }, "parameter_invalid"],
      [
        { first_name: "A", last_name: "B", date_of_birth: "1990-01-01", nationality: "gb" },
        "parameter_invalid",
      ],
      [
        { first_name: "A", last_name: "B", date_of_birth: "1990-01-01", customer: "pay_1" },
        "parameter_invalid",
      ],
      [{ first_name: "A", last_name: "B", date_of_birth: "1990-01-01", ssn: "1" }, "parameter_unknown"],
      [{ first_name: "", last_name: "B", date_of_birth: "1990-01-01" }, "parameter_invalid"],
    ];
    for (const [body, code] of cases) {
      expectError(await merchant.sandbox.request("POST", "/individual_verifications", body), 400, code);
    }
    expectError(
      await merchant.sandbox.request("GET", "/individual_verifications?status=done"),
      400,
      "parameter_invalid",
    );
    const after = await query<{ count: number }>(
      "select count(*)::int as count from individual_verifications where merchant_id = $1",
      [merchant.merchantId],
    );
    expect(after[0]?.count).toBe(before[0]?.count);
  });

  it("a retried create or submit with the same Idempotency-Key gives the same object", async () => {
    const key = { "idempotency-key": randomUUID() };
    const first = await merchant.sandbox.request<Verification>(
      "POST",
      "/individual_verifications",
      { first_name: "I", last_name: "K", date_of_birth: "1980-01-01" },
      key,
    );
    const again = await merchant.sandbox.request<Verification>(
      "POST",
      "/individual_verifications",
      { first_name: "I", last_name: "K", date_of_birth: "1980-01-01" },
      key,
    );
    expect(again.body.id).toBe(first.body.id);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const submitKey = { "idempotency-key": randomUUID() };
    const submitted = await merchant.sandbox.request<Verification>(
      "POST",
      `/individual_verifications/${first.body.id}/submit`,
      undefined,
      submitKey,
    );
    const resubmitted = await merchant.sandbox.request<Verification>(
      "POST",
      `/individual_verifications/${first.body.id}/submit`,
      undefined,
      submitKey,
    );
    expect(resubmitted.status).toBe(200);
    expect(resubmitted.body.verification_url).toBe(submitted.body.verification_url);
  });

  it("lists filter by status and customer", async () => {
    const created = await createPerson(merchant.sandbox, "Undecided");
    const pending = await merchant.sandbox.request<{ data: Verification[] }>(
      "GET",
      "/individual_verifications?status=pending",
    );
    expect(pending.body.data.map((row) => row.id)).toContain(created.id);
    expect(pending.body.data.every((row) => row.status === "pending")).toBe(true);
  });
});
