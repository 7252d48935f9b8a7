import { describe, expect, it } from "vitest";
import { createMerchant, expectError } from "../../../test/harness";

const card = {
  type: "card",
  card: { number: "4242424242424242", exp_month: 12, exp_year: 2034, cvc: "123" },
};

/**
 * The unverified merchant's production volume (KYB_UNVERIFIED_VOLUME_LIMIT, 1,000,000 in tests).
 * A payment created without a payment method is not volume yet; confirming it makes it volume, so
 * the gate is checked again then. The stack has no production provider: a confirmation the gate
 * lets through ends at routing (503 provider_unavailable).
 */
describe("the unverified merchant's production payment volume", () => {
  it("refuses to confirm a payment created without a payment method once it would pass the limit", async () => {
    const m = await createMerchant();
    const draft = await m.production.request<{ id: string; status: string }>("POST", "/payments", {
      amount: 1_000_000,
      currency: "USD",
    });
    expect(draft.body.status).toBe("requires_payment_method");
    const counted = await m.production.request<{ status: string }>("POST", "/payments", {
      amount: 1_000_000,
      currency: "USD",
      payment_method_data: card,
    });
    expect(counted.body.status, counted.text).toBe("requires_confirmation");
    expectError(
      await m.production.request("POST", `/payments/${draft.body.id}/confirm`, { payment_method_data: card }),
      403,
      "account_verification_required",
    );
    const stillDraft = await m.production.request<{ status: string }>("GET", `/payments/${draft.body.id}`);
    expect(stillDraft.body.status).toBe("requires_payment_method");

    const within = await createMerchant();
    const small = await within.production.request<{ id: string }>("POST", "/payments", {
      amount: 5_000,
      currency: "USD",
    });
    expectError(
      await within.production.request("POST", `/payments/${small.body.id}/confirm`, {
        payment_method_data: card,
      }),
      503,
      "provider_unavailable",
    );
  });
});

describe("the unverified merchant's production payment volume under parallel creates", () => {
  it("lets payments created at once pass the limit together no more than one by one", async () => {
    const m = await createMerchant();
    const answers = await Promise.all(
      Array.from({ length: 8 }, () =>
        m.production.request<{ id: string; status: string }>("POST", "/payments", {
          amount: 400_000,
          currency: "USD",
          payment_method_data: card,
        }),
      ),
    );
    const created = answers.filter((answer) => answer.status === 200);
    expect(created).toHaveLength(2);
    for (const answer of answers.filter((candidate) => candidate.status !== 200)) {
      expectError(answer, 403, "account_verification_required");
    }
    const listed = await m.production.request<{ data: Array<{ id: string }> }>("GET", "/payments?limit=100");
    expect(listed.body.data.map((payment) => payment.id).sort()).toEqual(
      created.map((answer) => answer.body.id).sort(),
    );
  });
});
