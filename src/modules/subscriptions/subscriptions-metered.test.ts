import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import {
  advance,
  clockCustomer,
  customerInvoices,
  getInvoice,
  getSubscription,
  meter,
  meteredPrice,
  monthlyPrice,
  newClock,
  record,
  recordOk,
  subscribe,
} from "./testing";

interface Line {
  description: string;
  amount: number;
  quantity: number;
}

interface Usage {
  period: { start: string; end: string };
  data: Array<{ item: string; meter: string; value: string; quantity: number; amount_estimate: number }>;
}

async function lines(m: TestMerchant, invoiceId: string | null): Promise<Line[]> {
  return ((await getInvoice(m, invoiceId)) as unknown as { lines: Line[] }).lines;
}

async function ledgerPostings(paymentId: string | null): Promise<number> {
  const rows = await query("select 1 from ledger_transactions where source like $1", [
    `payment:${paymentId}:%`,
  ]);
  return rows.length;
}

describe("metered subscriptions on a test clock", () => {
  it("sum on a per_unit price beside a licensed item: the period's usage lands on the renewal invoice, once", async () => {
    const m = await createMerchant();
    const clock = await newClock(m, "2027-03-01T09:00:00Z");
    const customer = await clockCustomer(m, clock);
    const calls = await meter(m, "API calls", "sum");
    const metered = await meteredPrice(m, calls, { unit_amount: 7 });
    const licensed = await monthlyPrice(m, 1500, "Seat");
    const sub = await subscribe(m, { customer, items: [{ price: licensed }, { price: metered }] });
    expect(sub.items.map((item) => [item.quantity, item.amount])).toEqual([
      [1, 1500],
      [null, 0],
    ]);
    // The first invoice has the licensed period only.
    expect((await lines(m, sub.latest_invoice)).map((line) => line.amount)).toEqual([1500]);

    await advance(m, clock, "2027-03-20T09:00:00Z");
    // Timestamps are checked against the clock's frozen time, not the real one.
    await recordOk(m, { meter: calls, customer, value: 3, timestamp: "2027-03-10T00:00:00Z" });
    await recordOk(m, { meter: calls, customer, value: 4.5, timestamp: "2027-03-19T00:00:00Z" });
    await recordOk(m, { meter: calls, customer, value: 2 }); // dated at the clock's time
    expectError(
      await record(m, { meter: calls, customer, timestamp: "2027-02-10T00:00:00Z" }),
      400,
      "usage_timestamp_out_of_range",
    );
    expectError(
      await record(m, { meter: calls, customer, timestamp: new Date().toISOString() }),
      400,
      "usage_timestamp_out_of_range",
    );
    const usage = await m.sandbox.request<Usage>("GET", `/subscriptions/${sub.id}/usage`);
    expect(usage.status).toBe(200);
    expect(usage.body.period).toEqual({ start: "2027-03-01T09:00:00.000Z", end: "2027-04-01T09:00:00.000Z" });
    // 9.5 rounds half up to 10 units × 7.
    expect(usage.body.data).toMatchObject([
      { item: sub.items[1]?.id, meter: calls, value: "9.5", quantity: 10, amount_estimate: 70 },
    ]);
    // The upcoming invoice's preview bills the usage so far, as the renewal will.
    const preview = await m.sandbox.request<{ lines: Line[]; total: number }>(
      "POST",
      `/subscriptions/${sub.id}/preview`,
      {},
    );
    expect(preview.status).toBe(200);
    expect(preview.body.lines.map((line) => [line.description, line.amount])).toEqual([
      ["1 × Seat (2027-04-01 – 2027-05-01)", 1500],
      ["Usage of API calls (2027-03-01 – 2027-04-01)", 70],
    ]);
    expect(preview.body.total).toBe(1570);

    await advance(m, clock, "2027-04-01T10:00:00Z");
    // After the period's end: the next period's usage.
    await recordOk(m, { meter: calls, customer, value: 5, timestamp: "2027-04-01T09:30:00Z" });
    const renewed = await getSubscription(m, sub.id);
    const renewal = await getInvoice(m, renewed.latest_invoice);
    expect(renewal).toMatchObject({ status: "paid", total: 1570, amount_paid: 1570 });
    expect(await ledgerPostings(renewal.payment)).toBeGreaterThan(0);
    expect(
      (await lines(m, renewal.id)).map((line) => [line.description, line.amount, line.quantity]),
    ).toEqual([
      ["1 × Seat (2027-04-01 – 2027-05-01)", 1500, 1],
      ["Usage of API calls (2027-03-01 – 2027-04-01)", 70, 10],
    ]);

    await advance(m, clock, "2027-05-01T10:00:00Z");
    const invoices = await customerInvoices(m, customer);
    expect(invoices.map((invoice) => [invoice.status, invoice.total])).toEqual([
      ["paid", 1500],
      ["paid", 1570],
      ["paid", 1535],
    ]);
    const usageLines = await query<{ n: string }>(
      "select count(*)::text as n from invoice_items where merchant_id = $1 and description like 'Usage of%'",
      [m.merchantId],
    );
    expect(usageLines[0]?.n).toBe("2");
  }, 240_000);

  it("max on a tiered price and count on a per_unit price, with only metered items: nothing up front", async () => {
    const m = await createMerchant();
    const clock = await newClock(m, "2027-06-01T00:00:00Z");
    const customer = await clockCustomer(m, clock);
    const peak = await meter(m, "Peak seats", "max");
    const events = await meter(m, "Events", "count");
    const tiered = await meteredPrice(m, peak, {
      pricing_model: "tiered",
      tiers_mode: "graduated",
      tiers: [
        { up_to: 10, unit_amount: 100 },
        { up_to: "inf", unit_amount: 10, flat_amount: 500 },
      ],
    });
    const perEvent = await meteredPrice(m, events, { unit_amount: 25 });
    const sub = await subscribe(m, { customer, items: [{ price: tiered }, { price: perEvent }] });
    expect(sub).toMatchObject({ status: "active", latest_invoice: null });
    expect(await customerInvoices(m, customer)).toEqual([]);

    await advance(m, clock, "2027-06-20T00:00:00Z");
    for (const value of [4, 12.5, 7]) await recordOk(m, { meter: peak, customer, value });
    for (let n = 0; n < 3; n += 1) await recordOk(m, { meter: events, customer });
    await advance(m, clock, "2027-07-02T00:00:00Z");
    const invoices = await customerInvoices(m, customer);
    expect(invoices).toHaveLength(1);
    // max 12.5 → 13 seats: 10 × 100 + 3 × 10 + 500; count 3 × 25.
    expect((await lines(m, invoices[0]?.id ?? null)).map((line) => [line.description, line.amount])).toEqual([
      ["Usage of Peak seats (2027-06-01 – 2027-07-01)", 1530],
      ["Usage of Events (2027-06-01 – 2027-07-01)", 75],
    ]);
    expect(invoices[0]).toMatchObject({ status: "paid", total: 1605 });
  }, 240_000);
});

describe("metered subscriptions: large usage", () => {
  it("bills a period of more than 2^31 − 1 units: the usage line's quantity is exact and the subscription renews", async () => {
    const m = await createMerchant();
    const clock = await newClock(m, "2027-09-01T00:00:00Z");
    const customer = await clockCustomer(m, clock);
    const calls = await meter(m, "API calls", "sum");
    // $1.00 per started million calls.
    const perMillion = await meteredPrice(m, calls, {
      pricing_model: "package",
      package: { size: 1_000_000, round: "up" },
      unit_amount: 100,
    });
    const sub = await subscribe(m, { customer, items: [{ price: perMillion }] });
    await advance(m, clock, "2027-09-15T00:00:00Z");
    await recordOk(m, { meter: calls, customer, value: 2_000_000_000 });
    await recordOk(m, { meter: calls, customer, value: 1_000_000_001 });
    await advance(m, clock, "2027-10-01T01:00:00Z");
    const renewed = await getSubscription(m, sub.id);
    expect(renewed.current_period_start).toBe("2027-10-01T00:00:00.000Z");
    const renewal = await getInvoice(m, renewed.latest_invoice);
    // 3,000,000,001 calls: 3,001 packages of a million, the last one started.
    expect(renewal).toMatchObject({ status: "paid", total: 300_100 });
    expect((await lines(m, renewal.id)).map((line) => [line.amount, line.quantity])).toEqual([
      [300_100, 3_000_000_001],
    ]);
  }, 240_000);
});

describe("metered subscriptions: the last period's usage when they end", () => {
  it("cancel_at_period_end: the ending period's usage is billed on a final invoice, charged, once", async () => {
    const m = await createMerchant();
    const clock = await newClock(m, "2027-11-01T00:00:00Z");
    const customer = await clockCustomer(m, clock);
    const calls = await meter(m, "API calls", "sum");
    const sub = await subscribe(m, {
      customer,
      items: [{ price: await meteredPrice(m, calls, { unit_amount: 3 }) }],
      cancel_at_period_end: true,
    });
    await advance(m, clock, "2027-11-10T00:00:00Z");
    await recordOk(m, { meter: calls, customer, value: 40 });
    await advance(m, clock, "2027-12-05T00:00:00Z");
    const ended = await getSubscription(m, sub.id);
    expect(ended).toMatchObject({ status: "canceled", ended_at: "2027-12-01T00:00:00.000Z" });
    const invoices = await customerInvoices(m, customer);
    expect(invoices.map((invoice) => [invoice.id, invoice.status, invoice.total])).toEqual([
      [ended.latest_invoice, "paid", 120],
    ]);
    expect((await lines(m, ended.latest_invoice)).map((line) => [line.description, line.quantity])).toEqual([
      ["Usage of API calls (2027-11-01 – 2027-12-01)", 40],
    ]);
    await advance(m, clock, "2028-01-05T00:00:00Z");
    expect(await customerInvoices(m, customer)).toHaveLength(1);
  }, 240_000);

  it("cancel now bills the usage so far only with invoice_now, as Stripe", async () => {
    const m = await createMerchant();
    const clock = await newClock(m, "2027-11-01T00:00:00Z");
    const calls = await meter(m, "API calls", "sum");
    const price = await meteredPrice(m, calls, { unit_amount: 3 });
    const [quiet, billed] = [await clockCustomer(m, clock), await clockCustomer(m, clock)];
    const subs = [
      await subscribe(m, { customer: quiet, items: [{ price }] }),
      await subscribe(m, { customer: billed, items: [{ price }] }),
    ];
    await advance(m, clock, "2027-11-10T00:00:00Z");
    for (const customer of [quiet, billed]) {
      await recordOk(m, { meter: calls, customer, value: 5, timestamp: "2027-11-09T12:00:00Z" });
    }
    expectError(
      await m.sandbox.request("POST", `/subscriptions/${subs[0]?.id}/cancel`, {
        at_period_end: true,
        invoice_now: true,
      }),
      400,
      "parameter_invalid",
    );
    const canceled = await m.sandbox.request<{ status: string }>(
      "POST",
      `/subscriptions/${subs[0]?.id}/cancel`,
      {},
    );
    expect(canceled.body.status).toBe("canceled");
    expect(await customerInvoices(m, quiet)).toEqual([]);
    const invoiced = await m.sandbox.request<{ status: string; latest_invoice: string | null }>(
      "POST",
      `/subscriptions/${subs[1]?.id}/cancel`,
      { invoice_now: true },
    );
    expect(invoiced.body.status).toBe("canceled");
    const invoice = await getInvoice(m, invoiced.body.latest_invoice);
    expect(invoice).toMatchObject({ status: "paid", total: 15 });
    expect((await lines(m, invoice.id)).map((line) => line.description)).toEqual([
      "Usage of API calls (2027-11-01 – 2027-11-10)",
    ]);
  }, 240_000);
});

describe("metered subscriptions: refusals", () => {
  it("refuses a quantity on a metered item, NUL and unknown fields; usage is tenant-scoped", async () => {
    const [m, other] = await Promise.all([createMerchant(), createMerchant()]);
    const clock = await newClock(m, "2027-01-10T00:00:00Z");
    const customer = await clockCustomer(m, clock);
    const metered = await meteredPrice(m, await meter(m, "Calls", "sum"), { unit_amount: 2 });
    const licensed = await monthlyPrice(m, 1000, "Basic");
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ customer, items: [{ price: metered, quantity: 1 }] }, 400, "parameter_invalid"],
      [{ customer, items: [{ price: `${metered}\u0000` }] }, 400, "parameter_characters_invalid"],
      [{ customer, items: [{ price: metered, usage: 1 }] }, 400, "parameter_unknown"],
    ];
    for (const [body, status, code] of cases) {
      expectError(await m.sandbox.request("POST", "/subscriptions", body), status, code);
    }
    const sub = await subscribe(m, { customer, items: [{ price: licensed }] });
    expectError(
      await m.sandbox.request("PATCH", `/subscriptions/${sub.id}`, {
        items: [{ price: metered, quantity: 2 }],
      }),
      400,
      "parameter_invalid",
    );
    const added = await m.sandbox.request<{ items: Array<{ price: string; quantity: number | null }> }>(
      "PATCH",
      `/subscriptions/${sub.id}`,
      { items: [{ price: metered }] },
    );
    expect(added.status).toBe(200);
    expect(added.body.items.map((item) => [item.price, item.quantity])).toEqual([
      [licensed, 1],
      [metered, null],
    ]);
    expectError(
      await other.sandbox.request("GET", `/subscriptions/${sub.id}/usage`),
      404,
      "resource_missing",
    );
    expectError(await m.production.request("GET", `/subscriptions/${sub.id}/usage`), 404, "resource_missing");
  }, 180_000);

  it("usage priced past the largest amount is a 400, not a 500, and invoices nothing", async () => {
    const m = await createMerchant();
    const clock = await newClock(m, "2027-03-01T09:00:00Z");
    const customer = await clockCustomer(m, clock);
    const calls = await meter(m, "API calls", "sum");
    const metered = await meteredPrice(m, calls, { unit_amount: 100 });
    const sub = await subscribe(m, { customer, items: [{ price: metered }] });
    await recordOk(m, { meter: calls, customer, value: 1e15 });
    expectError(
      await m.sandbox.request("POST", `/subscriptions/${sub.id}/preview`, {}),
      400,
      "amount_invalid",
    );
    expectError(
      await m.sandbox.request("POST", `/test-clocks/${clock}/advance`, {
        frozen_time: "2027-04-01T12:00:00Z",
      }),
      400,
      "amount_invalid",
    );
    expect(await customerInvoices(m, customer)).toHaveLength(0);
  });
});
