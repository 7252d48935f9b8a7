import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { nodeServices } from "../../../test/node-services";
import {
  addPerson,
  type Business,
  businessInput,
  createBusiness,
  createPerson,
  person,
  settled,
  submit,
  upload,
  type Verification,
} from "../../../test/verifications";
import type { ServiceContext, Services } from "../../core/context";
import { assertCanIssueCards, assertCanPayOut, assertCardholderVerified } from "./service";

interface Requirements {
  currently_due: string[];
  eventually_due: string[];
  past_due: string[];
  disabled_reason: string | null;
  status: string;
}

let services: Services;

beforeAll(() => {
  services = nodeServices();
});

afterAll(async () => {
  await services.close();
});

function contextOf(merchant: TestMerchant, environment: "sandbox" | "production"): ServiceContext {
  return {
    services,
    merchantId: merchant.merchantId,
    environment,
    actor: { type: "system", id: "test" },
    requestId: null,
  };
}

async function requirements(merchant: TestMerchant, env: "sandbox" | "production" = "production") {
  return (await merchant[env].request<Requirements>("GET", "/account/requirements")).body;
}

describe("the merchant's own business verification (KYB), end to end in production", () => {
  it("business, owners and documents submitted, each owner through Veriff, the business approved: payouts, cards and volume unlock", async () => {
    const merchant = await createMerchant();
    const ctx = contextOf(merchant, "production");
    expect(await requirements(merchant)).toMatchObject({
      status: "unverified",
      currently_due: ["business_verification"],
      disabled_reason: "requirements.currently_due",
    });
    await expect(assertCanPayOut(ctx)).rejects.toMatchObject({ code: "account_verification_required" });
    await expect(assertCanIssueCards(ctx)).rejects.toMatchObject({ code: "account_verification_required" });
    const big = { amount: 1_000_001, currency: "USD" };
    expectError(
      await merchant.production.request("POST", "/payments", big),
      403,
      "account_verification_required",
    );
    expect(
      (await merchant.production.request("POST", "/payments", { amount: 5_000, currency: "USD" })).status,
    ).toBe(200);

    const business = await createBusiness(merchant, "production");
    expect(business.status).toBe("pending");
    expectError(
      await merchant.production.request("POST", "/account/business_verification", businessInput()),
      409,
      "business_verification_exists",
    );
    expect(
      (await merchant.production.request<Business>("GET", "/account/business_verification")).body.id,
    ).toBe(business.id);
    expectError(
      await merchant.production.request("POST", `/business_verifications/${business.id}/submit`),
      400,
      "verification_incomplete",
    );

    const owners = [
      await addPerson(merchant, "production", business.id, "Ada", {
        ownership_percent: 25,
        director: true,
        title: "CEO",
      }),
      await addPerson(merchant, "production", business.id, "Grace", { ownership_percent: 25 }),
      await addPerson(merchant, "production", business.id, "Alan", { ownership_percent: 25 }),
      await addPerson(merchant, "production", business.id, "Edsger", { ownership_percent: 25 }),
    ];
    expect(owners.every((owner) => owner.relationship?.required)).toBe(true);
    expectError(
      await merchant.production.request("POST", `/business_verifications/${business.id}/persons`, {
        ...person("Extra"),
        relationship: { ownership_percent: 0.01 },
      }),
      400,
      "parameter_invalid",
    );
    expectError(
      await merchant.production.request("POST", `/business_verifications/${business.id}/submit`),
      400,
      "verification_incomplete",
    );
    await upload(merchant.production, business.id, "register_extract");
    await upload(merchant.production, owners[0]?.id ?? "", "proof_of_address", "png");

    const submitted = await merchant.production.request<Business>(
      "POST",
      `/business_verifications/${business.id}/submit`,
    );
    expect(submitted.body).toMatchObject({ status: "submitted", registry_check: { outcome: "passed" } });
    // As a set: owners added in the same millisecond come in id order, not the order they were added.
    expect((await requirements(merchant)).currently_due.sort()).toEqual(
      owners.map((owner) => `individual_verification.${owner.id}`).sort(),
    );

    for (const owner of owners) await submit(merchant.production, owner.id);
    for (const owner of owners)
      expect((await settled(merchant.production, owner.id)).status).toBe("approved");

    const approved = await merchant.production.request<Business>(
      "GET",
      `/business_verifications/${business.id}`,
    );
    expect(approved.body.status).toBe("approved");
    expect(await requirements(merchant)).toMatchObject({
      status: "approved",
      currently_due: [],
      past_due: [],
      disabled_reason: null,
    });
    const events = await query<{ type: string }>(
      "select type from events where merchant_id = $1 and environment = 'production' and object_id = $2 order by created_at, id",
      [merchant.merchantId, business.id],
    );
    expect(events.map((event) => event.type)).toEqual([
      "verification.created",
      "verification.submitted",
      "verification.approved",
    ]);
    const updates = await query<{ data: Requirements }>(
      "select data from events where merchant_id = $1 and type = 'account.requirements.updated' order by created_at, id",
      [merchant.merchantId],
    );
    expect(updates.length).toBeGreaterThanOrEqual(5);
    expect(updates.at(-1)?.data).toMatchObject({ currently_due: [], disabled_reason: null });

    await expect(assertCanPayOut(ctx)).resolves.toBeUndefined();
    await expect(assertCanIssueCards(ctx)).resolves.toBeUndefined();
    expect((await merchant.production.request("POST", "/payments", big)).status).toBe(200);
    // Sandbox never needed KYB.
    await expect(assertCanPayOut(contextOf(merchant, "sandbox"))).resolves.toBeUndefined();
  }, 60_000);

  it("a 24 % owner is not required: the business is approved without that person's check", async () => {
    const merchant = await createMerchant();
    const business = await createBusiness(merchant, "sandbox");
    const founder = await addPerson(merchant, "sandbox", business.id, "Ada", {
      ownership_percent: 76,
      director: true,
    });
    const minority = await addPerson(merchant, "sandbox", business.id, "Minor", { ownership_percent: 24 });
    expect(founder.relationship?.required).toBe(true);
    expect(minority.relationship?.required).toBe(false);
    await upload(merchant.sandbox, business.id, "certificate_of_incorporation");
    await merchant.sandbox.request("POST", `/business_verifications/${business.id}/submit`);
    expect((await requirements(merchant, "sandbox")).currently_due).toEqual([
      `individual_verification.${founder.id}`,
    ]);
    await submit(merchant.sandbox, founder.id);
    await settled(merchant.sandbox, founder.id);
    const read = await merchant.sandbox.request<Business>("GET", `/business_verifications/${business.id}`);
    expect(read.body.status).toBe("approved");
    const minorRead = await merchant.sandbox.request<Verification>(
      "GET",
      `/individual_verifications/${minority.id}`,
    );
    expect(minorRead.body.status).toBe("pending");
  });

  it("a declined required person declines the business; a registry miss declines it at submission; a partial match goes to review", async () => {
    const declined = await createMerchant();
    const business = await createBusiness(declined, "sandbox");
    const director = await addPerson(declined, "sandbox", business.id, "Decline", { director: true });
    await upload(declined.sandbox, business.id, "register_extract");
    await declined.sandbox.request("POST", `/business_verifications/${business.id}/submit`);
    await submit(declined.sandbox, director.id);
    expect((await settled(declined.sandbox, director.id)).status).toBe("declined");
    const read = await declined.sandbox.request<Business>("GET", `/business_verifications/${business.id}`);
    expect(read.body).toMatchObject({ status: "declined", reasons: [{ code: "required_person_declined" }] });
    expect((await requirements(declined, "sandbox")).disabled_reason).toBe("rejected.business");
    // People may still be added to a declined business, for its resubmission.
    const late = await declined.sandbox.request("POST", `/business_verifications/${business.id}/persons`, {
      ...person("Late"),
      relationship: { officer: true },
    });
    expect(late.status, late.text).toBe(200);

    for (const [extra, status] of [
      [{ registration_number: "12345000" }, "declined"],
      [{ legal_name: "Review Holdings Ltd" }, "needs_review"],
    ] as const) {
      const merchant = await createMerchant();
      const created = await createBusiness(merchant, "sandbox", extra);
      await addPerson(merchant, "sandbox", created.id, "Ada", { officer: true });
      await upload(merchant.sandbox, created.id, "register_extract");
      const submitted = await merchant.sandbox.request<Business>(
        "POST",
        `/business_verifications/${created.id}/submit`,
      );
      expect(submitted.body.status).toBe(status);
      expectError(
        await merchant.sandbox.request("POST", `/business_verifications/${created.id}/submit`),
        409,
        "verification_state_invalid",
      );
    }
  });

  it("a cardholder needs approved KYC before a card is activated (assertCardholderVerified)", async () => {
    const merchant = await createMerchant();
    const ctx = contextOf(merchant, "sandbox");
    const customer = await merchant.sandbox.request<{ id: string }>("POST", "/customers", {
      email: "holder@example.com",
    });
    await expect(assertCardholderVerified(ctx, customer.body.id)).rejects.toMatchObject({
      code: "cardholder_verification_required",
    });
    const declined = await createPerson(merchant.sandbox, "Decline", { customer: customer.body.id });
    await submit(merchant.sandbox, declined.id);
    await settled(merchant.sandbox, declined.id);
    await expect(assertCardholderVerified(ctx, customer.body.id)).rejects.toMatchObject({
      code: "cardholder_verification_required",
    });
    const approved = await createPerson(merchant.sandbox, "Ada", { customer: customer.body.id });
    await submit(merchant.sandbox, approved.id);
    await settled(merchant.sandbox, approved.id);
    await expect(assertCardholderVerified(ctx, customer.body.id)).resolves.toBeUndefined();
    // Another merchant's approval of the same id proves nothing here.
    const stranger = await createMerchant();
    await expect(
      assertCardholderVerified(contextOf(stranger, "sandbox"), customer.body.id),
    ).rejects.toMatchObject({
      code: "cardholder_verification_required",
    });
  });
});
