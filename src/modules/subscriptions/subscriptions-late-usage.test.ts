import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError } from "../../../test/harness";
import {
  advance,
  clockCustomer,
  customerInvoices,
  getInvoice,
  getSubscription,
  type InvoicePreview,
  meter,
  meteredPrice,
  newClock,
  record,
  recordOk,
  subscribe,
} from "./testing";

describe("late usage: a record dated in a billed period is billed once at the next renewal", () => {
  it("lands as a usage adjustment on the next renewal invoice, as previewed, and never again", async () => {
    const m = await createMerchant();
    const clock = await newClock(m, "2027-03-01T00:00:00Z");
    const customer = await clockCustomer(m, clock);
    const calls = await meter(m, "API calls", "sum");
    // Graduated tiers: the late units are priced where they fall on the period's total, not on their own.
    const tiered = await meteredPrice(m, calls, {
      pricing_model: "tiered",
      tiers_mode: "graduated",
      tiers: [
        { up_to: 10, unit_amount: 7 },
        { up_to: "inf", unit_amount: 5 },
      ],
    });
    const sub = await subscribe(m, { customer, items: [{ price: tiered }] });

    await advance(m, clock, "2027-03-20T00:00:00Z");
    await recordOk(m, { meter: calls, customer, value: 8, timestamp: "2027-03-10T00:00:00Z" });
    await advance(m, clock, "2027-04-01T01:00:00Z");
    const march = await getInvoice(m, (await getSubscription(m, sub.id)).latest_invoice);
    expect(march).toMatchObject({ status: "paid", total: 56 });

    // Stored after March was billed, dated in March: late. One April record on time.
    await advance(m, clock, "2027-04-10T00:00:00Z");
    await recordOk(m, { meter: calls, customer, value: 4, timestamp: "2027-03-25T00:00:00Z" });
    await recordOk(m, { meter: calls, customer, value: 3, timestamp: "2027-04-09T00:00:00Z" });
    const preview = await m.sandbox.request<InvoicePreview>("POST", `/subscriptions/${sub.id}/preview`, {});
    // March is now 12 units: 10 × 7 + 2 × 5 = 80, billed 56, so 24 more; April 3 × 7.
    expect(preview.body.lines.map((line) => [line.description, line.amount])).toEqual([
      ["Usage of API calls (2027-04-01 – 2027-05-01)", 21],
      ["Usage adjustment for API calls (2027-03-01 – 2027-04-01)", 24],
    ]);

    await advance(m, clock, "2027-05-01T01:00:00Z");
    const april = await getInvoice(m, (await getSubscription(m, sub.id)).latest_invoice);
    expect(april).toMatchObject({ status: "paid", total: preview.body.total });
    expect(april.lines.map((line) => [line.description, line.amount, line.quantity])).toEqual([
      ["Usage of API calls (2027-04-01 – 2027-05-01)", 21, 3],
      ["Usage adjustment for API calls (2027-03-01 – 2027-04-01)", 24, 4],
    ]);

    // A record 38 days old is past the 35-day window; May's renewal bills May and April's late record.
    await advance(m, clock, "2027-05-10T00:00:00Z");
    expectError(
      await record(m, { meter: calls, customer, value: 1, timestamp: "2027-04-02T00:00:00Z" }),
      400,
      "usage_timestamp_out_of_range",
    );
    await recordOk(m, { meter: calls, customer, value: 1, timestamp: "2027-04-30T00:00:00Z" });
    await recordOk(m, { meter: calls, customer, value: 2, timestamp: "2027-05-09T00:00:00Z" });
    await advance(m, clock, "2027-06-01T01:00:00Z");
    const may = await getInvoice(m, (await getSubscription(m, sub.id)).latest_invoice);
    expect(may.lines.map((line) => [line.description, line.amount])).toEqual([
      ["Usage of API calls (2027-05-01 – 2027-06-01)", 14],
      ["Usage adjustment for API calls (2027-04-01 – 2027-05-01)", 7],
    ]);
    await advance(m, clock, "2027-07-01T01:00:00Z");
    expect((await customerInvoices(m, customer)).map((invoice) => invoice.total)).toEqual([56, 45, 21]);
    const adjustments = await query<{ n: string }>(
      "select count(*)::text as n from invoice_items where customer_id = $1 and description like 'Usage adjustment%'",
      [customer],
    );
    expect(adjustments[0]?.n).toBe("2");
  }, 240_000);
});
