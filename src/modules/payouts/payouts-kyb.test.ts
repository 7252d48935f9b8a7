import { describe, expect, it } from "vitest";
import { createMerchant, expectError } from "../../../test/harness";
import { addPerson, createBusiness, settled, submit, upload } from "../../../test/verifications";

const payout = { amount: 1_000, currency: "USD", destination: "ba_doesnotexist" };

describe("payouts: gated by the account's KYB (the verifications policy)", () => {
  it("refuses production payouts until the business is approved, then goes on to the destination check", async () => {
    const m = await createMerchant();
    expectError(await m.production.request("POST", "/payouts", payout), 403, "account_verification_required");
    // Sandbox never asks for KYB.
    expectError(await m.sandbox.request("POST", "/payouts", payout), 404, "resource_missing");

    const business = await createBusiness(m, "production");
    const owner = await addPerson(m, "production", business.id, "Ada", {
      ownership_percent: 100,
      director: true,
      title: "CEO",
    });
    await upload(m.production, business.id, "register_extract");
    const submitted = await m.production.request("POST", `/business_verifications/${business.id}/submit`);
    expect(submitted.status, submitted.text).toBe(200);
    await submit(m.production, owner.id);
    expect((await settled(m.production, owner.id)).status).toBe("approved");
    const approved = await m.production.request<{ status: string }>(
      "GET",
      `/business_verifications/${business.id}`,
    );
    expect(approved.body.status).toBe("approved");

    // KYB approved: the gate lets the request through to the next check, the destination.
    expectError(await m.production.request("POST", "/payouts", payout), 404, "resource_missing");
  }, 120_000);
});
