import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import {
  addPerson,
  approvedCustomer,
  createBusiness,
  createPerson,
  settled,
  submit,
  upload,
} from "../../../test/verifications";
import { billing, createCardholder } from "./testing";

async function cardCount(m: TestMerchant): Promise<number> {
  const [row] = await query<{ count: string }>(
    "select count(*)::text as count from issuing_cards where merchant_id = $1",
    [m.merchantId],
  );
  return Number(row?.count ?? 0);
}

const virtualCard = (cardholder: string, extra: Record<string, unknown> = {}) => ({
  cardholder,
  type: "virtual",
  currency: "EUR",
  ...extra,
});

describe("issuing: cards gated by the verifications policy", () => {
  it("activates a card only for a cardholder whose customer's KYC is approved", async () => {
    const m = await createMerchant();
    const unverified = await createCardholder(m.sandbox, {}, { verified: false });
    expectError(
      await m.sandbox.request("POST", "/issuing/cards", virtualCard(unverified, { status: "active" })),
      403,
      "cardholder_verification_required",
    );
    expect(await cardCount(m)).toBe(0);
    const inactive = await m.sandbox.request<{ id: string; status: string }>(
      "POST",
      "/issuing/cards",
      virtualCard(unverified),
    );
    expect(inactive.body.status).toBe("inactive");
    const activate = () =>
      m.sandbox.request("PATCH", `/issuing/cards/${inactive.body.id}`, { status: "active" });
    expectError(await activate(), 403, "cardholder_verification_required");

    // A customer whose KYC the Veriff double declines does not unlock it.
    const declinedCustomer = await m.sandbox.request<{ id: string }>("POST", "/customers", { name: "D" });
    const declined = await createPerson(m.sandbox, "Decline", { customer: declinedCustomer.body.id });
    await submit(m.sandbox, declined.id);
    expect((await settled(m.sandbox, declined.id)).status).toBe("declined");
    const linked = await m.sandbox.request<{ customer: string }>(
      "PATCH",
      `/issuing/cardholders/${unverified}`,
      {
        customer: declinedCustomer.body.id,
      },
    );
    expect(linked.body.customer).toBe(declinedCustomer.body.id);
    expectError(await activate(), 403, "cardholder_verification_required");
    // The customer whose KYC decided is fixed.
    expectError(
      await m.sandbox.request("PATCH", `/issuing/cardholders/${unverified}`, {
        customer: await approvedCustomer(m.sandbox),
      }),
      400,
      "parameter_invalid",
    );

    // An approved customer: the card activates, freezes and unfreezes.
    const verified = await createCardholder(m.sandbox);
    const card = await m.sandbox.request<{ id: string; status: string }>(
      "POST",
      "/issuing/cards",
      virtualCard(verified, { status: "active" }),
    );
    expect(card.status, card.text).toBe(200);
    expect(card.body.status).toBe("active");
    await m.sandbox.request("PATCH", `/issuing/cards/${card.body.id}`, { status: "frozen" });
    const unfrozen = await m.sandbox.request<{ status: string }>("PATCH", `/issuing/cards/${card.body.id}`, {
      status: "active",
    });
    expect(unfrozen.body.status).toBe("active");
  });

  it("links a cardholder only to a customer of the same merchant and environment", async () => {
    const m = await createMerchant();
    const other = await createMerchant();
    const theirs = await other.sandbox.request<{ id: string }>("POST", "/customers", { name: "Theirs" });
    const live = await m.production.request<{ id: string }>("POST", "/customers", { name: "Live" });
    for (const customer of [theirs.body.id, live.body.id, "cus_missing"]) {
      expectError(
        await m.sandbox.request("POST", "/issuing/cardholders", {
          type: "individual",
          name: "Ada",
          billing,
          customer,
        }),
        404,
        "resource_missing",
      );
    }
    expectError(
      await m.sandbox.request("POST", "/issuing/cardholders", {
        type: "individual",
        name: "Ada",
        billing,
        customer: "not-a-customer",
      }),
      400,
      "parameter_invalid",
    );
    const [row] = await query<{ count: string }>(
      "select count(*)::text as count from issuing_cardholders where merchant_id = $1",
      [m.merchantId],
    );
    expect(row?.count).toBe("0");
  });

  it("issues production cards only after the account's KYB, then refuses them for want of a production issuer", async () => {
    const m = await createMerchant();
    const holder = await createCardholder(m.production, {}, { verified: false });
    expectError(
      await m.production.request("POST", "/issuing/cards", virtualCard(holder)),
      403,
      "account_verification_required",
    );

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

    // KYB approved: activation still needs the cardholder's KYC, checked before the issuer.
    expectError(
      await m.production.request("POST", "/issuing/cards", virtualCard(holder, { status: "active" })),
      403,
      "cardholder_verification_required",
    );
    expectError(
      await m.production.request("POST", "/issuing/cards", virtualCard(holder)),
      400,
      "issuing_production_unavailable",
    );
    expect(await cardCount(m)).toBe(0);
  });
});
