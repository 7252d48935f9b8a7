import { describe, expect, it } from "vitest";
import { chooseIssuingProvider, luhnCheckDigit, sandboxIssue, sandboxIssuingProviders } from "./catalog";

function luhnValid(number: string): boolean {
  return luhnCheckDigit(number.slice(0, -1)) === Number(number.slice(-1));
}

describe("issuing provider choice", () => {
  const cases: Array<[string, string, "virtual" | "physical", string | null, string]> = [
    ["USD", "US", "virtual", "sandbox_atlas", "only eligible provider"],
    ["USD", "DE", "physical", "sandbox_atlas", "only eligible provider"],
    ["EUR", "DE", "virtual", "sandbox_borealis", "cheapest virtual card fee"],
    ["EUR", "DE", "physical", "sandbox_atlas", "cheapest physical card fee"],
    ["GBP", "GB", "virtual", "sandbox_borealis", "cheapest virtual card fee"],
    ["EUR", "AT", "physical", "sandbox_borealis", "only eligible provider"],
    ["CHF", "CH", "virtual", "sandbox_borealis", "only eligible provider"],
    ["EUR", "US", "virtual", "sandbox_atlas", "only eligible provider"],
    ["CHF", "US", "virtual", null, "no provider issues CHF cards to US"],
    ["JPY", "JP", "virtual", null, "no provider issues JPY cards to JP"],
  ];
  it.each(cases)("%s to %s (%s) → %s", (currency, country, type, provider, reason) => {
    const decision = chooseIssuingProvider(sandboxIssuingProviders, { currency, country, type });
    expect(decision.provider).toBe(provider);
    expect(decision.reason).toBe(reason);
    expect(decision.candidates.map((candidate) => candidate.provider)).toEqual([
      "sandbox_atlas",
      "sandbox_borealis",
    ]);
  });

  it("says why each candidate was not eligible, and what the eligible ones cost", () => {
    const decision = chooseIssuingProvider(sandboxIssuingProviders, {
      currency: "USD",
      country: "US",
      type: "virtual",
    });
    expect(decision.candidates).toEqual([
      { provider: "sandbox_atlas", eligible: true, issuing_fee: 10, reason: "eligible" },
      { provider: "sandbox_borealis", eligible: false, issuing_fee: null, reason: "does not issue USD" },
    ]);
    const none = chooseIssuingProvider([], { currency: "EUR", country: "DE", type: "virtual" });
    expect(none).toEqual({
      provider: null,
      reason: "no issuing provider is configured in this environment",
      candidates: [],
    });
  });

  it("issues Luhn-valid 16-digit numbers in the provider's BIN, with a 3-digit CVC and three years' validity", () => {
    const now = new Date("2026-12-02T00:00:00Z");
    for (const provider of sandboxIssuingProviders) {
      for (let index = 0; index < 200; index++) {
        const card = sandboxIssue(provider, now);
        expect(card.number).toMatch(/^\d{16}$/);
        expect(card.number.startsWith(provider.bin)).toBe(true);
        expect(luhnValid(card.number)).toBe(true);
        expect(card.cvc).toMatch(/^\d{3}$/);
        expect([card.expMonth, card.expYear]).toEqual([12, 2029]);
      }
    }
    expect(luhnValid("4242424242424242")).toBe(true);
    expect(luhnValid("4242424242424241")).toBe(false);
  });
});
