import { describe, expect, it } from "vitest";
import { createMerchant } from "../../../test/harness";
import type { Payment, Rule } from "./providers-testing";
import { splitBucket } from "./routing";

describe("routing rules over HTTP", () => {
  interface RoutingCase {
    name: string;
    card: string;
    currency: string;
    amount: number;
    rules: Array<Record<string, unknown>>;
    provider: string;
    reason: string;
    eligible: string[];
    ineligible?: Record<string, string>;
  }
  const US = "4242424242424242";
  const FR = "4000002500000003";
  const IN = "4000003560000008";
  const GB = "4000008260000000";
  const JP = "4000003920000003";
  const table: RoutingCase[] = [
    {
      name: "USD, US card, small amount: global's fixed fee is cheaper",
      card: US,
      currency: "USD",
      amount: 10_000,
      rules: [],
      provider: "sandbox_global",
      reason: "cheapest",
      eligible: ["sandbox_global", "sandbox_apac"],
      ineligible: { sandbox_europe: "does not support USD" },
    },
    {
      name: "USD, US card, large amount: APAC's lower percentage wins",
      card: US,
      currency: "USD",
      amount: 1_000_000,
      rules: [],
      provider: "sandbox_apac",
      reason: "cheapest",
      eligible: ["sandbox_global", "sandbox_apac"],
    },
    {
      name: "EUR, FR card: the European processor",
      card: FR,
      currency: "EUR",
      amount: 10_000,
      rules: [],
      provider: "sandbox_europe",
      reason: "cheapest",
      eligible: ["sandbox_global", "sandbox_europe"],
      ineligible: { sandbox_apac: "does not support EUR" },
    },
    {
      name: "EUR, US card: Europe does not serve the US",
      card: US,
      currency: "EUR",
      amount: 10_000,
      rules: [],
      provider: "sandbox_global",
      reason: "cheapest",
      eligible: ["sandbox_global"],
      ineligible: { sandbox_europe: "does not serve US", sandbox_apac: "does not support EUR" },
    },
    {
      name: "INR, IN card: APAC",
      card: IN,
      currency: "INR",
      amount: 100_000,
      rules: [],
      provider: "sandbox_apac",
      reason: "cheapest",
      eligible: ["sandbox_global", "sandbox_apac"],
    },
    {
      name: "GBP, GB card: Europe",
      card: GB,
      currency: "GBP",
      amount: 5_000,
      rules: [],
      provider: "sandbox_europe",
      reason: "cheapest",
      eligible: ["sandbox_global", "sandbox_europe"],
    },
    {
      name: "pin: USD goes to APAC although global is cheaper",
      card: US,
      currency: "USD",
      amount: 10_000,
      rules: [{ action: "pin", provider: "sandbox_apac", currency: "USD" }],
      provider: "sandbox_apac",
      reason: "pinned by routing rule",
      eligible: ["sandbox_global", "sandbox_apac"],
    },
    {
      name: "a pin for another country does not apply",
      card: US,
      currency: "USD",
      amount: 10_000,
      rules: [{ action: "pin", provider: "sandbox_apac", country: "JP" }],
      provider: "sandbox_global",
      reason: "cheapest",
      eligible: ["sandbox_global", "sandbox_apac"],
    },
    {
      name: "a pin for JPY from Japan applies",
      card: JP,
      currency: "JPY",
      amount: 10_000,
      rules: [{ action: "pin", provider: "sandbox_global", country: "JP", currency: "JPY" }],
      provider: "sandbox_global",
      reason: "pinned by routing rule",
      eligible: ["sandbox_global", "sandbox_apac"],
    },
    {
      name: "exclude: EUR from France without the European processor",
      card: FR,
      currency: "EUR",
      amount: 10_000,
      rules: [{ action: "exclude", provider: "sandbox_europe", currency: "EUR" }],
      provider: "sandbox_global",
      reason: "cheapest",
      eligible: ["sandbox_global"],
      ineligible: { sandbox_europe: "excluded by a routing rule" },
    },
    {
      name: "a pin of an excluded provider is ignored",
      card: US,
      currency: "USD",
      amount: 10_000,
      rules: [
        { action: "exclude", provider: "sandbox_apac" },
        { action: "pin", provider: "sandbox_apac" },
      ],
      provider: "sandbox_global",
      reason: "cheapest",
      eligible: ["sandbox_global"],
      ineligible: { sandbox_apac: "excluded by a routing rule" },
    },
  ];

  for (const row of table) {
    it(`routes: ${row.name}`, async () => {
      const m = await createMerchant();
      for (const rule of row.rules) {
        expect((await m.sandbox.request("POST", "/routing/rules", rule)).status).toBe(200);
      }
      const res = await m.sandbox.request<Payment>("POST", "/payments", {
        amount: row.amount,
        currency: row.currency,
        confirm: true,
        payment_method_data: { type: "card", card: { number: row.card, exp_month: 12, exp_year: 2040 } },
      });
      expect(res.status).toBe(200);
      expect(res.body.provider).toBe(row.provider);
      expect(res.body.routing?.provider).toBe(row.provider);
      expect(res.body.routing?.reason).toContain(row.reason);
      const candidates = res.body.routing?.candidates ?? [];
      expect(
        candidates
          .filter((c) => c.eligible)
          .map((c) => c.provider)
          .sort(),
      ).toEqual([...row.eligible].sort());
      for (const [provider, reason] of Object.entries(row.ineligible ?? {})) {
        expect(candidates.find((c) => c.provider === provider)).toMatchObject({ eligible: false, reason });
      }
    });
  }

  it("routes: a 50 % split sends exactly the payments whose bucket falls in the share", async () => {
    const m = await createMerchant();
    const split = await m.sandbox.request<Rule>("POST", "/routing/rules", {
      action: "split",
      provider: "sandbox_apac",
      currency: "USD",
      percentage: 50,
    });
    for (let i = 0; i < 12; i++) {
      const res = await m.sandbox.request<Payment>("POST", "/payments", {
        amount: 10_000,
        currency: "USD",
        confirm: true,
        payment_method_data: { type: "card", card: { number: US, exp_month: 12, exp_year: 2040 } },
      });
      const inShare = splitBucket(res.body.id) < 50;
      expect(res.body.provider).toBe(inShare ? "sandbox_apac" : "sandbox_global");
      expect(res.body.routing?.reason).toBe(
        inShare
          ? `volume split by routing rule ${split.body.id} (50%)`
          : "cheapest eligible provider (outside the split share)",
      );
    }
  });
});
