import type { Run } from "./run";

/** A test clock with a customer and its subscription: every test clock, subscription and subscription-settings operation once. */
export async function subscriptionFlows(run: Run): Promise<void> {
  const clock = await run<{ id: string }>("sandbox", "POST", "/test-clocks", {
    frozen_time: "2027-01-31T12:00:00Z",
    name: "Ajv",
  });
  await run("sandbox", "GET", "/test-clocks");
  await run("sandbox", "GET", `/test-clocks/${clock.id}`);
  const customer = await run<{ id: string }>("sandbox", "POST", "/customers", { test_clock: clock.id });
  const method = await run<{ id: string }>("sandbox", "POST", "/payment-methods", {
    type: "card",
    card: { number: "4242424242424242", exp_month: 11, exp_year: 2041, cvc: "123" },
  });
  await run("sandbox", "POST", `/payment-methods/${method.id}/attach`, {
    customer: customer.id,
    set_default: true,
  });
  const product = await run<{ id: string }>("sandbox", "POST", "/products", { name: "Plan" });
  const price = await run<{ id: string }>("sandbox", "POST", "/prices", {
    product: product.id,
    currency: "USD",
    unit_amount: 1000,
    recurring: { interval: "month", interval_count: 1 },
  });
  const meter = await run<{ id: string }>("sandbox", "POST", "/meters", {
    display_name: "Calls",
    aggregation: { formula: "sum" },
  });
  const metered = await run<{ id: string }>("sandbox", "POST", "/prices", {
    product: product.id,
    currency: "USD",
    unit_amount: 3,
    recurring: { interval: "month", interval_count: 1 },
    meter: meter.id,
  });
  const sub = await run<{ id: string; items: Array<{ id: string }> }>("sandbox", "POST", "/subscriptions", {
    customer: customer.id,
    items: [{ price: price.id }, { price: metered.id }],
  });
  await run("sandbox", "GET", "/subscriptions");
  await run("sandbox", "GET", `/subscriptions/${sub.id}`);
  await run("sandbox", "POST", "/usage-records", {
    meter: meter.id,
    customer: customer.id,
    identifier: `ajv-${sub.id}`,
    value: 2.5,
  });
  await run("sandbox", "GET", `/subscriptions/${sub.id}/usage`);
  const change = { items: [{ id: sub.items[0]?.id, quantity: 2 }], proration_behavior: "always_invoice" };
  await run("sandbox", "POST", `/subscriptions/${sub.id}/preview`, change);
  await run("sandbox", "PATCH", `/subscriptions/${sub.id}`, change);
  await run("sandbox", "POST", `/subscriptions/${sub.id}/pause`, {
    behavior: "void",
    resumes_at: "2027-02-15T00:00:00Z",
  });
  await run("sandbox", "POST", `/subscriptions/${sub.id}/resume`, {});
  await run("sandbox", "GET", "/subscription-settings");
  await run("sandbox", "PATCH", "/subscription-settings", {
    retry_days: [2, 4],
    after_final_failure: "unpaid",
  });
  await run("sandbox", "POST", `/test-clocks/${clock.id}/advance`, { frozen_time: "2027-03-01T00:00:00Z" });
  await run("sandbox", "POST", `/subscriptions/${sub.id}/cancel`, {});
  await run("sandbox", "DELETE", `/test-clocks/${clock.id}`);
}
