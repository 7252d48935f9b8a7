import { describe, expect, it } from "vitest";
import { createMerchant, expectError } from "../../../test/harness";
import {
  advance,
  clockCustomer,
  customerInvoices,
  DECLINED_CARD,
  eventTypes,
  getInvoice,
  getSubscription,
  monthlyPrice,
  newClock,
  setCard,
  subscribe,
} from "./testing";

describe("subscriptions: the merchant's dunning schedule", () => {
  it("reads the default, sets a schedule per environment with an event, and refuses bad input writing nothing", async () => {
    const m = await createMerchant();
    const defaults = {
      object: "subscription_settings",
      retry_days: [1, 3, 5, 7],
      after_final_failure: "canceled",
    };
    expect((await m.sandbox.request("GET", "/subscription-settings")).body).toMatchObject(defaults);

    for (const [body, code] of [
      [{ retry_days: [] }, "parameter_invalid"],
      [{ retry_days: [3, 2] }, "parameter_invalid"],
      [{ retry_days: [2, 2] }, "parameter_invalid"],
      [{ retry_days: [0] }, "parameter_invalid"],
      [{ retry_days: [61] }, "parameter_invalid"],
      [{ retry_days: [1, 2, 3, 4, 5, 6, 7, 8, 9] }, "parameter_invalid"],
      [{ retry_days: [1.5] }, "parameter_invalid"],
      [{ after_final_failure: "past_due" }, "parameter_invalid"],
      [{ after_final_failure: "unpaid\u0000" }, "parameter_characters_invalid"],
      [{ dunning: true }, "parameter_unknown"],
    ] as const) {
      expectError(await m.sandbox.request("PATCH", "/subscription-settings", body), 400, code);
    }
    expect((await m.sandbox.request("GET", "/subscription-settings")).body).toMatchObject(defaults);

    const set = await m.sandbox.request("PATCH", "/subscription-settings", {
      retry_days: [2, 4],
      after_final_failure: "unpaid",
    });
    expect(set.status, set.text).toBe(200);
    expect(set.body).toEqual({
      object: "subscription_settings",
      environment: "sandbox",
      retry_days: [2, 4],
      after_final_failure: "unpaid",
    });
    const partial = await m.sandbox.request("PATCH", "/subscription-settings", { retry_days: [3] });
    expect(partial.body).toMatchObject({ retry_days: [3], after_final_failure: "unpaid" });
    expect(await eventTypes("subscription_settings_sandbox")).toContain("subscription_settings.updated");
    expect((await m.production.request("GET", "/subscription-settings")).body).toMatchObject({
      ...defaults,
      environment: "production",
    });
  });

  it("a failed renewal is retried on the merchant's days, then the subscription ends unpaid, its invoice left open", async () => {
    const m = await createMerchant();
    expect(
      (
        await m.sandbox.request("PATCH", "/subscription-settings", {
          retry_days: [2],
          after_final_failure: "unpaid",
        })
      ).status,
    ).toBe(200);
    const clock = await newClock(m, "2027-06-01T00:00:00Z");
    const customer = await clockCustomer(m, clock);
    const price = await monthlyPrice(m, 1200, "Basic");
    const sub = await subscribe(m, { customer, items: [{ price }] });
    await setCard(m, customer, DECLINED_CARD);

    // Drafted at 00:00, finalized and charged at 01:00: the retry days count from the charge.
    await advance(m, clock, "2027-07-01T01:00:00Z");
    expect(await getSubscription(m, sub.id)).toMatchObject({
      status: "past_due",
      next_payment_attempt: "2027-07-03T01:00:00.000Z",
    });
    await advance(m, clock, "2027-07-04T00:00:00Z");
    const ended = await getSubscription(m, sub.id);
    expect(ended).toMatchObject({
      status: "unpaid",
      canceled_at: null,
      ended_at: "2027-07-03T01:00:00.000Z",
      next_payment_attempt: null,
    });
    expect(await getInvoice(m, ended.latest_invoice)).toMatchObject({ status: "open", attempt_count: 2 });
    expect((await eventTypes(sub.id)).at(-1)).toBe("customer.subscription.updated");

    // Unpaid is final: a later period invoices nothing.
    await advance(m, clock, "2027-08-02T00:00:00Z");
    expect(await customerInvoices(m, customer)).toHaveLength(2);
    expect((await getSubscription(m, sub.id)).status).toBe("unpaid");
  }, 180_000);
});
