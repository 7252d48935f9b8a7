import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError } from "../../../test/harness";
import { recurringPrice, SUCCESS, subscriptionSession } from "./subscription-checkout-testing";

describe("subscription checkout: creating the session", { timeout: 90_000 }, () => {
  it("takes recurring prices and inline recurring price data, with subscription_data", async () => {
    const m = await createMerchant();
    const monthly = await recurringPrice(m);
    const created = await subscriptionSession(m, {
      line_items: [
        { price: monthly, quantity: 2 },
        {
          price_data: {
            currency: "EUR",
            unit_amount: 300,
            product_data: { name: "Extra seat" },
            recurring: { interval: "month" },
          },
          quantity: 1,
        },
      ],
      subscription_data: { trial_period_days: 14, metadata: { plan: "pro" } },
    });
    expect(created).toMatchObject({
      mode: "subscription",
      status: "open",
      payment_status: "unpaid",
      amount_total: 2300,
      subscription: null,
      payment: null,
    });
    const items = await m.sandbox.request<{ data: Array<{ price: string | null; product: string | null }> }>(
      "GET",
      `/checkout/sessions/${created.id}/line_items`,
    );
    expect(items.body.data[0]?.price).toBe(monthly);
    // The inline price became a product and a recurring price of the catalog.
    const inline = items.body.data[1]?.price ?? "";
    expect(inline).toMatch(/^price_/);
    const price = await m.sandbox.request<{ recurring: unknown; unit_amount: number; product: string }>(
      "GET",
      `/prices/${inline}`,
    );
    expect(price.body).toMatchObject({
      recurring: { interval: "month", interval_count: 1 },
      unit_amount: 300,
      product: items.body.data[1]?.product,
    });
  });

  it("refuses what a subscription can't take with a catalog code and writes nothing", async () => {
    const m = await createMerchant();
    const other = await createMerchant();
    const monthly = await recurringPrice(m);
    const yearly = await recurringPrice(m, { recurring: { interval: "year" } });
    const usdMonthly = await recurringPrice(m, { currency: "USD" });
    const oneTime = await recurringPrice(m, { recurring: undefined });
    const theirs = await recurringPrice(m, {}, other);
    const meter = await m.sandbox.request<{ id: string }>("POST", "/meters", {
      display_name: "Calls",
      aggregation: { formula: "sum" },
    });
    const metered = await recurringPrice(m, { meter: meter.body.id });
    const theirCustomer = await other.sandbox.request<{ id: string }>("POST", "/customers", { name: "Eve" });
    const productsBefore = await query("select id from products where merchant_id = $1", [m.merchantId]);
    const base = { mode: "subscription", success_url: SUCCESS };
    const line = (price: string) => ({ price, quantity: 1 });
    const inline = (recurring?: unknown) => ({
      price_data: { currency: "EUR", unit_amount: 500, product_data: { name: "Seat" }, recurring },
      quantity: 1,
    });
    const soon = new Date(Date.now() + 2 * 3_600_000).toISOString();
    const cases: Array<[Record<string, unknown>, number, string, string?]> = [
      [{ ...base, line_items: [line(oneTime)] }, 400, "subscription_price_invalid", "line_items[0].price"],
      [{ ...base, line_items: [line(metered)] }, 400, "subscription_price_invalid", "line_items[0].price"],
      [{ ...base, line_items: [line(monthly), line(yearly)] }, 400, "subscription_price_invalid"],
      [{ ...base, line_items: [line(monthly), line(usdMonthly)] }, 400, "subscription_price_invalid"],
      // A valid inline price before a bad line: no product or price is created for it.
      [
        { ...base, line_items: [inline({ interval: "month" }), line(yearly)] },
        400,
        "subscription_price_invalid",
      ],
      [{ ...base, line_items: [inline()] }, 400, "subscription_price_invalid"],
      [
        { ...base, line_items: [inline({ interval: "month", interval_count: 40 })] },
        400,
        "parameter_invalid",
      ],
      [
        { success_url: SUCCESS, line_items: [inline({ interval: "month" })] },
        400,
        "checkout_line_items_invalid",
      ],
      [
        { success_url: SUCCESS, line_items: [line(oneTime)], subscription_data: { trial_period_days: 3 } },
        400,
        "parameter_invalid",
        "subscription_data",
      ],
      [
        { ...base, line_items: [line(monthly)], payment_method_types: ["card", "ideal"] },
        400,
        "parameter_invalid",
      ],
      [
        { ...base, line_items: [line(monthly)], subscription_data: { trial_period_days: 0 } },
        400,
        "parameter_invalid",
      ],
      [
        {
          ...base,
          line_items: [line(monthly)],
          subscription_data: { trial_period_days: 3, trial_end: soon },
        },
        400,
        "parameter_invalid",
      ],
      // trial_end must come after the session's expiry (24 hours by default).
      [
        { ...base, line_items: [line(monthly)], subscription_data: { trial_end: soon } },
        400,
        "parameter_invalid",
      ],
      [{ ...base, line_items: [line(monthly)], subscription_data: { trial: 3 } }, 400, "parameter_unknown"],
      [{ ...base, line_items: [line(theirs)] }, 404, "resource_missing"],
      [{ ...base, line_items: [line(monthly)], customer: theirCustomer.body.id }, 404, "resource_missing"],
    ];
    for (const [body, status, code, param] of cases) {
      const response = await m.sandbox.request<{ error: { param?: string } }>(
        "POST",
        "/checkout/sessions",
        body,
      );
      expectError(response, status, code);
      if (param) expect(response.body.error.param).toBe(param);
    }
    expect(await query("select id from checkout_sessions where merchant_id = $1", [m.merchantId])).toEqual(
      [],
    );
    expect(await query("select id from products where merchant_id = $1", [m.merchantId])).toHaveLength(
      productsBefore.length,
    );
  });
});
