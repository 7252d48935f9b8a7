import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError } from "../../../test/harness";
import {
  advance,
  clockCustomer,
  customerInvoices,
  eventTypes,
  getInvoice,
  getSubscription,
  type InvoicePreview,
  monthlyPrice,
  newClock,
  subscribe,
} from "./testing";

async function ledgerPostings(paymentId: string | null): Promise<number> {
  const rows = await query("select 1 from ledger_transactions where source like $1", [
    `payment:${paymentId}:%`,
  ]);
  return rows.length;
}

describe("subscription renewals: a draft for an hour, then finalized and charged by the cycle", () => {
  it("the renewal is a draft that takes an added item, then is charged with it an hour later, as previewed", async () => {
    const m = await createMerchant();
    const clock = await newClock(m, "2027-03-01T00:00:00Z");
    const customer = await clockCustomer(m, clock);
    const other = await clockCustomer(m, clock);
    const sub = await subscribe(m, { customer, items: [{ price: await monthlyPrice(m, 2000, "Basic") }] });
    const first = sub.latest_invoice;
    const preview = await m.sandbox.request<InvoicePreview>("POST", `/subscriptions/${sub.id}/preview`, {});

    await advance(m, clock, "2027-04-01T00:30:00Z");
    const renewed = await getSubscription(m, sub.id);
    expect(renewed).toMatchObject({ status: "active", current_period_start: "2027-04-01T00:00:00.000Z" });
    const draft = await getInvoice(m, renewed.latest_invoice);
    expect(draft).toMatchObject({
      status: "draft",
      number: null,
      total: preview.body.total,
      amount_paid: 0,
      automatically_finalizes_at: "2027-04-01T01:00:00.000Z",
      created_at: "2027-04-01T00:00:00.000Z",
    });
    expect(draft.lines.map((line) => [line.description, line.amount])).toEqual(
      preview.body.lines.map((line) => [line.description, line.amount]),
    );
    expect(await eventTypes(draft.id)).toEqual(["invoice.created"]);

    // Refused, writing nothing: another customer's draft, another currency, an unknown or a paid invoice.
    const item = { customer, amount: 500, currency: "USD", description: "Setup", invoice: draft.id };
    expectError(
      await m.sandbox.request("POST", "/invoice-items", { ...item, customer: other }),
      400,
      "parameter_invalid",
    );
    expectError(
      await m.sandbox.request("POST", "/invoice-items", { ...item, currency: "EUR" }),
      400,
      "parameter_invalid",
    );
    expectError(
      await m.sandbox.request("POST", "/invoice-items", { ...item, invoice: "in_missing" }),
      404,
      "resource_missing",
    );
    expectError(
      await m.sandbox.request("POST", "/invoice-items", { ...item, invoice: first }),
      409,
      "invoice_status_invalid",
    );
    // Another merchant's request can't see the draft: 404, as for an unknown id.
    const stranger = await createMerchant();
    const theirs = await stranger.sandbox.request<{ id: string }>("POST", "/customers", { name: "Other" });
    expectError(
      await stranger.sandbox.request("POST", "/invoice-items", { ...item, customer: theirs.body.id }),
      404,
      "resource_missing",
    );
    expect(await query("select 1 from invoice_items where customer_id = $1", [customer])).toHaveLength(2);

    const added = await m.sandbox.request<{ id: string; invoice: string }>("POST", "/invoice-items", item);
    expect(added.status, added.text).toBe(200);
    expect(added.body.invoice).toBe(draft.id);
    expect(await getInvoice(m, draft.id)).toMatchObject({ status: "draft", subtotal: 2500, total: 2500 });
    expect(await eventTypes(draft.id)).toEqual(["invoice.created", "invoice.updated"]);

    await advance(m, clock, "2027-04-01T01:00:00Z");
    const paid = await getInvoice(m, draft.id);
    expect(paid).toMatchObject({ status: "paid", total: 2500, amount_paid: 2500 });
    expect(paid.automatically_finalizes_at).toBeNull();
    expect(paid.lines.map((line) => [line.description, line.amount])).toEqual([
      ["1 × Basic (2027-04-01 – 2027-05-01)", 2000],
      ["Setup", 500],
    ]);
    expect(paid.status_transitions).toMatchObject({
      finalized_at: "2027-04-01T01:00:00.000Z",
      paid_at: "2027-04-01T01:00:00.000Z",
    });
    expect(await ledgerPostings(paid.payment)).toBeGreaterThan(0);
    // Finalized and paid at one frozen time: compared as a set.
    expect((await eventTypes(draft.id)).slice(0, 2)).toEqual(["invoice.created", "invoice.updated"]);
    expect((await eventTypes(draft.id)).slice(2).sort()).toEqual(["invoice.finalized", "invoice.paid"]);
    expectError(await m.sandbox.request("POST", "/invoice-items", item), 409, "invoice_status_invalid");
    expect((await getSubscription(m, sub.id)).status).toBe("active");
  }, 180_000);

  it("a draft finalized early is charged by the cycle at its time; a subscription canceled meanwhile still has its draft charged", async () => {
    const m = await createMerchant();
    const clock = await newClock(m, "2027-05-01T00:00:00Z");
    const price = await monthlyPrice(m, 1200, "Basic");
    const [early, leaving] = [await clockCustomer(m, clock), await clockCustomer(m, clock)];
    const kept = await subscribe(m, { customer: early, items: [{ price }] });
    const canceled = await subscribe(m, { customer: leaving, items: [{ price }] });

    await advance(m, clock, "2027-06-01T00:10:00Z");
    const keptDraft = (await getSubscription(m, kept.id)).latest_invoice;
    const finalized = await m.sandbox.request<{ status: string; automatically_finalizes_at: string | null }>(
      "POST",
      `/invoices/${keptDraft}/finalize`,
    );
    expect(finalized.body).toMatchObject({ status: "open", automatically_finalizes_at: null });
    expect((await m.sandbox.request("POST", `/subscriptions/${canceled.id}/cancel`, {})).status).toBe(200);
    const leavingDraft = (await getSubscription(m, canceled.id)).latest_invoice;
    expect((await getInvoice(m, leavingDraft)).status).toBe("draft");

    await advance(m, clock, "2027-06-01T02:00:00Z");
    expect(await getInvoice(m, keptDraft)).toMatchObject({
      status: "paid",
      status_transitions: { paid_at: "2027-06-01T01:00:00.000Z" },
    });
    expect(await getSubscription(m, kept.id)).toMatchObject({ status: "active", latest_invoice: keptDraft });
    expect(await getInvoice(m, leavingDraft)).toMatchObject({ status: "paid", total: 1200 });
    expect(await getSubscription(m, canceled.id)).toMatchObject({
      status: "canceled",
      ended_at: "2027-06-01T00:10:00.000Z",
    });
    expect((await customerInvoices(m, leaving)).map((invoice) => invoice.status)).toEqual(["paid", "paid"]);
  }, 180_000);
});

describe("a downgrade's credit larger than the next invoice", () => {
  it("renews with the charges, as previewed, and the credit stays pending (was a 409 that stopped the clock)", async () => {
    const m = await createMerchant();
    const clock = await newClock(m, "2027-01-01T00:00:00Z");
    const customer = await clockCustomer(m, clock);
    const sub = await subscribe(m, { customer, items: [{ price: await monthlyPrice(m, 100_000, "Big") }] });
    await advance(m, clock, "2027-01-02T00:00:00Z");
    const downgraded = await m.sandbox.request("PATCH", `/subscriptions/${sub.id}`, {
      items: [{ id: sub.items[0]?.id, price: await monthlyPrice(m, 100, "Small") }],
    });
    expect(downgraded.status).toBe(200);
    // 30 of January's 31 days unused: a credit of 96 774 and a charge of 97 for the small plan.
    const preview = await m.sandbox.request<InvoicePreview>("POST", `/subscriptions/${sub.id}/preview`, {});
    expect(preview.body.lines.map((line) => line.amount)).toEqual([97, 100]);
    expect(preview.body.total).toBe(197);

    await advance(m, clock, "2027-02-01T02:00:00Z");
    const invoices = await customerInvoices(m, customer);
    expect(invoices.map((invoice) => [invoice.status, invoice.total])).toEqual([
      ["paid", 100_000],
      ["paid", 197],
    ]);
    const pending = await m.sandbox.request<{ data: Array<{ amount: number }> }>(
      "GET",
      `/invoice-items?customer=${customer}&pending=true`,
    );
    expect(pending.body.data.map((item) => item.amount)).toEqual([-96_774]);
    // Credits alone are nothing to invoice.
    expectError(
      await m.sandbox.request("POST", "/invoices", { customer }),
      400,
      "invoice_nothing_to_invoice",
    );
  });
});
