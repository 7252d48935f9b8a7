import { describe, expect, it } from "vitest";
import { estimateFee } from "./fees";
import { type RoutingCandidate, type RoutingRule, routePayment } from "./routing";

const global: RoutingCandidate = {
  id: "global",
  capabilities: { methods: ["card", "alipay"], currencies: ["USD", "EUR", "INR"], countries: [] },
  fees: { percentBps: 290, fixed: { USD: 30, EUR: 25 }, defaultFixed: 30 },
  errorRate: 0,
};
const europe: RoutingCandidate = {
  id: "europe",
  capabilities: {
    methods: ["card", "ideal", "sepa_debit"],
    currencies: ["EUR", "USD"],
    countries: ["NL", "DE", "FR", "US"],
  },
  fees: { percentBps: 140, fixed: { EUR: 25, USD: 30 }, defaultFixed: 25, methodBps: { sepa_debit: 35 } },
  errorRate: 0,
};
const apac: RoutingCandidate = {
  id: "apac",
  capabilities: { methods: ["card", "upi"], currencies: ["INR", "USD"], countries: ["IN", "SG", "US"] },
  fees: { percentBps: 200, fixed: { INR: 300 }, defaultFixed: 30 },
  errorRate: 0,
};
const all = [global, europe, apac];

function route(request: Partial<Parameters<typeof routePayment>[1]>, candidates = all) {
  return routePayment(candidates, {
    method: "card",
    currency: "USD",
    country: "US",
    amount: 10_000,
    rules: [],
    splitBucket: 50,
    ...request,
  });
}

describe("fees", () => {
  it("rounds the percentage up and adds the fixed part, never above the amount", () => {
    expect(estimateFee(global.fees, "card", "USD", 10_000)).toBe(320);
    expect(estimateFee(global.fees, "card", "USD", 1)).toBe(1);
    expect(estimateFee(europe.fees, "sepa_debit", "EUR", 10_000)).toBe(60);
    expect(estimateFee(global.fees, "card", "INR", 101)).toBe(33);
    expect(estimateFee(global.fees, "card", "USD", Number.MAX_SAFE_INTEGER)).toBeLessThanOrEqual(
      Number.MAX_SAFE_INTEGER,
    );
  });
});

describe("routing", () => {
  const cases: Array<{
    name: string;
    request: Partial<Parameters<typeof routePayment>[1]>;
    order: string[];
  }> = [
    { name: "USD card in the US: cheapest first", request: {}, order: ["europe", "apac", "global"] },
    {
      name: "EUR iDEAL in NL: only europe",
      request: { method: "ideal", currency: "EUR", country: "NL" },
      order: ["europe"],
    },
    {
      name: "INR UPI in India: only apac",
      request: { method: "upi", currency: "INR", country: "IN" },
      order: ["apac"],
    },
    {
      name: "INR card in India: apac's fixed fee makes global cheaper",
      request: { currency: "INR", country: "IN" },
      order: ["global", "apac"],
    },
    {
      name: "EUR card from Japan: europe does not serve JP",
      request: { currency: "EUR", country: "JP" },
      order: ["global"],
    },
    {
      name: "unknown payer country: currency decides",
      request: { currency: "EUR", country: null },
      order: ["europe", "global"],
    },
    {
      name: "small amount: equal fees break ties by provider id",
      request: { amount: 100 },
      order: ["apac", "europe", "global"],
    },
  ];
  for (const testCase of cases) {
    it(testCase.name, () => {
      expect(route(testCase.request).order).toEqual(testCase.order);
    });
  }

  it("explains every candidate", () => {
    const decision = route({ method: "ideal", currency: "EUR", country: "NL" });
    expect(decision.reason).toBe("cheapest eligible provider");
    expect(decision.candidates).toEqual([
      { provider: "global", eligible: false, estimated_fee: null, reason: "does not support ideal" },
      { provider: "europe", eligible: true, estimated_fee: 165, reason: "eligible" },
      { provider: "apac", eligible: false, estimated_fee: null, reason: "does not support ideal" },
    ]);
  });

  it("refuses when nothing fits", () => {
    const decision = route({ method: "pix", currency: "BRL", country: "BR" });
    expect(decision.order).toEqual([]);
  });

  it("applies pin, exclude and split rules for matching currency or country only", () => {
    const pinUsd: RoutingRule = {
      id: "rr_pin",
      action: "pin",
      provider: "global",
      currency: "USD",
      country: null,
      percentage: null,
    };
    expect(route({ rules: [pinUsd] }).order).toEqual(["global", "europe", "apac"]);
    expect(route({ rules: [pinUsd] }).reason).toBe("pinned by routing rule rr_pin");
    expect(route({ currency: "EUR", country: "DE", rules: [pinUsd] }).order[0]).toBe("europe");

    const excludeEurope: RoutingRule = {
      id: "rr_ex",
      action: "exclude",
      provider: "europe",
      currency: null,
      country: "US",
      percentage: null,
    };
    const excluded = route({ rules: [excludeEurope] });
    expect(excluded.order).toEqual(["apac", "global"]);
    expect(excluded.candidates.find((c) => c.provider === "europe")?.reason).toBe(
      "excluded by a routing rule",
    );

    const split: RoutingRule = {
      id: "rr_split",
      action: "split",
      provider: "global",
      currency: "USD",
      country: null,
      percentage: 30,
    };
    expect(route({ rules: [split], splitBucket: 10 }).order[0]).toBe("global");
    expect(route({ rules: [split], splitBucket: 29 }).order[0]).toBe("global");
    expect(route({ rules: [split], splitBucket: 30 }).order[0]).toBe("europe");
  });

  it("puts unhealthy providers last", () => {
    const order = route({}, [global, { ...europe, errorRate: 0.8 }, apac]).order;
    expect(order).toEqual(["apac", "global", "europe"]);
  });
});
