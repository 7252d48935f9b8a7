import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import {
  advance,
  clockCustomer,
  customerInvoices,
  eventTypes,
  getInvoice,
  meter,
  meteredPrice,
  monthlyPrice,
  newClock,
  recordOk,
  subscribe,
} from "./testing";

// 10 days and 7 seconds into a 30-day April: 20 days less 7 s of the period are unused.
const CANCELED_AT = "2027-04-11T00:00:07Z";
const UNUSED = 20 * 86_400 - 7;
const APRIL = 30 * 86_400;

/** The credit for the unused time of a period's amount, rounded half away from zero. */
function unusedCredit(amount: number): number {
  return -Math.round((amount * UNUSED) / APRIL);
}

async function pendingItems(m: TestMerchant, customer: string) {
  const list = await m.sandbox.request<{ data: Array<{ amount: number; description: string }> }>(
    "GET",
    `/invoice-items?customer=${customer}&pending=true`,
  );
  return list.body.data.map((item) => [item.description, item.amount]);
}

async function cancel(m: TestMerchant, id: string, body: Record<string, unknown>) {
  const canceled = await m.sandbox.request<{ status: string; latest_invoice: string | null }>(
    "POST",
    `/subscriptions/${id}/cancel`,
    body,
  );
  expect(canceled.status, canceled.text).toBe(200);
  return canceled.body;
}

describe("cancel now with prorate: a credit for the unused time, to the cent", () => {
  it("without invoice_now the credit waits for the next invoice; at_period_end refuses prorate", async () => {
    const m = await createMerchant();
    const clock = await newClock(m, "2027-04-01T00:00:00Z");
    const customer = await clockCustomer(m, clock);
    const sub = await subscribe(m, { customer, items: [{ price: await monthlyPrice(m, 1000, "Basic") }] });
    await advance(m, clock, CANCELED_AT);
    expectError(
      await m.sandbox.request("POST", `/subscriptions/${sub.id}/cancel`, {
        at_period_end: true,
        prorate: true,
      }),
      400,
      "parameter_invalid",
    );
    expect(await pendingItems(m, customer)).toEqual([]);
    expect(await cancel(m, sub.id, { prorate: true })).toMatchObject({ status: "canceled" });
    // 1000 × 1,727,993 ÷ 2,592,000 = 666.664… → 667.
    expect(unusedCredit(1000)).toBe(-667);
    expect(await pendingItems(m, customer)).toEqual([
      ["Unused time on 1 × Basic after 2027-04-11T00:00:07.000Z", -667],
    ]);
    expect(await customerInvoices(m, customer)).toHaveLength(1);
  }, 180_000);

  it("with invoice_now the final invoice nets the credit against the last usage and is charged", async () => {
    const m = await createMerchant();
    const clock = await newClock(m, "2027-04-01T00:00:00Z");
    const customer = await clockCustomer(m, clock);
    const calls = await meter(m, "API calls", "sum");
    const sub = await subscribe(m, {
      customer,
      items: [
        { price: await monthlyPrice(m, 1999, "Seat") },
        { price: await meteredPrice(m, calls, { unit_amount: 3 }) },
      ],
    });
    await advance(m, clock, CANCELED_AT);
    await recordOk(m, { meter: calls, customer, value: 600, timestamp: "2027-04-10T00:00:00Z" });
    const canceled = await cancel(m, sub.id, { prorate: true, invoice_now: true });
    // 1999 × 1,727,993 ÷ 2,592,000 = 1332.66… → 1333 credited; 600 × 3 = 1800 of usage.
    const credit = unusedCredit(1999);
    expect(credit).toBe(-1333);
    const invoice = await getInvoice(m, canceled.latest_invoice);
    expect(invoice).toMatchObject({ status: "paid", subtotal: 1800 + credit, total: 467, amount_paid: 467 });
    expect(invoice.lines.map((line) => [line.description, line.amount])).toEqual([
      ["Unused time on 1 × Seat after 2027-04-11T00:00:07.000Z", -1333],
      ["Usage of API calls (2027-04-01 – 2027-04-11)", 1800],
    ]);
    expect(await pendingItems(m, customer)).toEqual([]);
    expect((await eventTypes(sub.id)).at(-1)).toBe("customer.subscription.deleted");
  }, 180_000);

  it("with invoice_now and nothing to net it against, the credit is a credit note refunding the period's invoice", async () => {
    const m = await createMerchant();
    const clock = await newClock(m, "2027-04-01T00:00:00Z");
    const customer = await clockCustomer(m, clock);
    const sub = await subscribe(m, { customer, items: [{ price: await monthlyPrice(m, 1000, "Basic") }] });
    await advance(m, clock, CANCELED_AT);
    const canceled = await cancel(m, sub.id, { prorate: true, invoice_now: true });
    expect(canceled).toMatchObject({ status: "canceled", latest_invoice: sub.latest_invoice });
    expect(await customerInvoices(m, customer)).toHaveLength(1);
    expect(await pendingItems(m, customer)).toEqual([]);
    const notes = await m.sandbox.request<{
      data: Array<{
        total: number;
        refund_amount: number;
        refund: string | null;
        lines: Array<{ amount: number }>;
      }>;
    }>("GET", `/credit-notes?invoice=${sub.latest_invoice}`);
    expect(notes.body.data).toHaveLength(1);
    expect(notes.body.data[0]).toMatchObject({ total: 667, refund_amount: 667 });
    const refunds = await query<{ amount: string }>("select amount::text from refunds where id = $1", [
      notes.body.data[0]?.refund,
    ]);
    expect(refunds.map((row) => row.amount)).toEqual(["667"]);
    expect(await getInvoice(m, sub.latest_invoice)).toMatchObject({
      status: "paid",
      post_payment_credit_notes_amount: 667,
    });
  }, 180_000);
});
