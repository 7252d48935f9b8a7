import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { call, createMerchant, expectError } from "../../../test/harness";
import {
  clockCustomer,
  customerInvoices,
  GOOD_CARD,
  meter,
  meteredPrice,
  monthlyPrice,
  newClock,
  recordOk,
  setCard,
  subscribe,
} from "./testing";

describe("subscriptions: bad input is a 4xx with a catalog code and writes nothing", () => {
  it("refuses bad items, trials, anchors, coupons and collection terms", async () => {
    const m = await createMerchant();
    const clock = await newClock(m, "2027-01-10T00:00:00Z");
    const customer = await clockCustomer(m, clock);
    const price = await monthlyPrice(m, 1000, "Basic");
    const product = await m.sandbox.request<{ id: string }>("POST", "/products", { name: "One-off" });
    const oneTime = await m.sandbox.request<{ id: string }>("POST", "/prices", {
      product: product.body.id,
      currency: "USD",
      unit_amount: 100,
    });
    const euro = await m.sandbox.request<{ id: string }>("POST", "/prices", {
      product: product.body.id,
      currency: "EUR",
      unit_amount: 100,
      recurring: { interval: "month", interval_count: 1 },
    });
    // Each within the largest amount, together above it: no invoice could take a period of both.
    const big = await monthlyPrice(m, 9_000_000_000_000_000, "Big");
    const bigger = await monthlyPrice(m, 9_000_000_000_000_001, "Bigger");
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ customer, items: [] }, 400, "parameter_invalid"],
      [{ customer, items: [{ price: big }, { price: bigger }] }, 400, "amount_invalid"],
      [{ customer: "cus_missing", items: [{ price }] }, 404, "resource_missing"],
      [{ customer, items: [{ price: "price_missing" }] }, 404, "resource_missing"],
      [{ customer, items: [{ price: oneTime.body.id }] }, 400, "subscription_price_invalid"],
      [{ customer, items: [{ price }, { price: euro.body.id }] }, 400, "subscription_price_invalid"],
      [{ customer, items: [{ price }, { price }] }, 400, "parameter_invalid"],
      [{ customer, items: [{ price, quantity: 0 }] }, 400, "parameter_invalid"],
      [{ customer, items: [{ price }], trial_end: "2027-01-01T00:00:00Z" }, 400, "parameter_invalid"],
      [
        { customer, items: [{ price }], trial_end: "2027-02-01T00:00:00Z", trial_period_days: 3 },
        400,
        "parameter_invalid",
      ],
      [
        { customer, items: [{ price }], billing_cycle_anchor: "2027-03-01T00:00:00Z" },
        400,
        "parameter_invalid",
      ],
      [{ customer, items: [{ price }], days_until_due: 5 }, 400, "parameter_invalid"],
      [{ customer, items: [{ price }], coupon: "co_missing" }, 404, "resource_missing"],
      [{ customer, items: [{ price }], cancel_at: "2027-01-01T00:00:00Z" }, 400, "parameter_invalid"],
      [{ customer, items: [{ price }], unknown: true }, 400, "parameter_unknown"],
    ];
    for (const [body, status, code] of cases) {
      expectError(await m.sandbox.request("POST", "/subscriptions", body), status, code);
    }
    const rows = await query("select 1 from subscriptions where merchant_id = $1", [m.merchantId]);
    expect(rows.length).toBe(0);
    expect(await customerInvoices(m, customer)).toEqual([]);

    const sub = await subscribe(m, { customer, items: [{ price }] });
    const patches: Array<[Record<string, unknown>, number, string]> = [
      [{ items: [{ id: "si_missing", quantity: 2 }] }, 404, "resource_missing"],
      [{ items: [{ price: euro.body.id }] }, 400, "subscription_price_invalid"],
      [{ items: [{ id: sub.items[0]?.id, deleted: true }] }, 400, "parameter_invalid"],
      [{ proration_behavior: "sometimes" }, 400, "parameter_invalid"],
      [{ items: [{ price: big }, { price: bigger }] }, 400, "amount_invalid"],
    ];
    for (const [body, status, code] of patches) {
      expectError(await m.sandbox.request("PATCH", `/subscriptions/${sub.id}`, body), status, code);
      expectError(await m.sandbox.request("POST", `/subscriptions/${sub.id}/preview`, body), status, code);
    }
    expect(
      (await m.sandbox.request<{ items: unknown[] }>("GET", `/subscriptions/${sub.id}`)).body.items,
    ).toEqual(sub.items);
    expectError(await m.production.request("GET", `/subscriptions/${sub.id}`), 404, "resource_missing");
  }, 180_000);
});

describe("subscription-cycle on real time", () => {
  // The real-time cycle runs with a clock offset for this merchant alone, so other files' real-time
  // subscriptions are not renewed or expired 32 days early.
  it("renews a period, and bills its metered usage, exactly once when several runs race", async () => {
    const m = await createMerchant();
    const customer = (await m.sandbox.request<{ id: string }>("POST", "/customers", { name: "Real time" }))
      .body.id;
    await setCard(m, customer, GOOD_CARD);
    const calls = await meter(m, "Calls", "sum");
    const sub = await subscribe(m, {
      customer,
      items: [
        { price: await monthlyPrice(m, 800, "Basic") },
        { price: await meteredPrice(m, calls, { unit_amount: 3 }) },
      ],
    });
    expect(sub.test_clock).toBeNull();
    await recordOk(m, { meter: calls, customer, value: 11 });
    const run = (offsetSeconds: number) =>
      call("POST", "/internal/dev/functions/subscription-cycle", {
        body: { merchant: m.merchantId },
        headers: { "x-test-clock-offset-seconds": String(offsetSeconds) },
      });
    // 32 days on (the dev clock offset), three cycles at once, then one more: one renewal draft, 11 × 3 of usage.
    const renewal = 32 * 86_400;
    const runs = await Promise.all([run(renewal), run(renewal), run(renewal)]);
    expect(runs.map((response) => response.status)).toEqual([200, 200, 200]);
    expect((await run(renewal)).status).toBe(200);
    expect((await customerInvoices(m, customer)).map((invoice) => invoice.status)).toEqual(["paid", "draft"]);
    // Two hours later the draft is past its automatic finalization: three runs at once charge it once.
    const collection = renewal + 2 * 3_600;
    const collections = await Promise.all([run(collection), run(collection), run(collection)]);
    expect(collections.map((response) => response.status)).toEqual([200, 200, 200]);
    expect((await run(collection)).status).toBe(200);
    const charges = await query("select 1 from payments where customer_id = $1", [customer]);
    expect(charges.length).toBe(2);
    const invoices = await customerInvoices(m, customer);
    expect(invoices.map((invoice) => [invoice.status, invoice.total])).toEqual([
      ["paid", 800],
      ["paid", 833],
    ]);
  }, 180_000);
});
