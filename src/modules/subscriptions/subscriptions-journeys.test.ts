import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError } from "../../../test/harness";
import {
  advance,
  clockCustomer,
  customerInvoices,
  DECLINED_CARD,
  eventTypes,
  GOOD_CARD,
  getInvoice,
  getSubscription,
  type InvoicePreview,
  monthlyPrice,
  newClock,
  paymentPostings,
  setCard,
  subscribe,
} from "./testing";

/** Payments of the customer that captured money. */
async function captures(customer: string): Promise<number> {
  const rows = await query("select 1 from payments where customer_id = $1 and amount_received > 0", [
    customer,
  ]);
  return rows.length;
}

describe("subscription journeys on a test clock", () => {
  it("trial → paid: trial_will_end 3 days before, then the first period invoiced and charged", async () => {
    const m = await createMerchant();
    const clock = await newClock(m, "2027-03-01T09:00:00Z");
    const customer = await clockCustomer(m, clock);
    const price = await monthlyPrice(m, 1500, "Basic");
    const sub = await subscribe(m, { customer, items: [{ price }], trial_period_days: 14 });
    expect(sub).toMatchObject({
      status: "trialing",
      test_clock: clock,
      trial_end: "2027-03-15T09:00:00.000Z",
      current_period_end: "2027-03-15T09:00:00.000Z",
      latest_invoice: null,
    });
    await advance(m, clock, "2027-03-12T10:00:00Z");
    expect((await getSubscription(m, sub.id)).status).toBe("trialing");
    const preview = await m.sandbox.request<InvoicePreview>("POST", `/subscriptions/${sub.id}/preview`, {});
    expect(preview.body.lines.map((line) => [line.description, line.amount])).toEqual([
      ["1 × Basic (2027-03-15 – 2027-04-15)", 1500],
    ]);
    expect(await eventTypes(sub.id)).toEqual([
      "customer.subscription.created",
      "customer.subscription.trial_will_end",
    ]);
    await advance(m, clock, "2027-03-16T00:00:00Z");
    const active = await getSubscription(m, sub.id);
    expect(active).toMatchObject({
      status: "active",
      current_period_start: "2027-03-15T09:00:00.000Z",
      current_period_end: "2027-04-15T09:00:00.000Z",
    });
    const invoice = await getInvoice(m, active.latest_invoice);
    expect(invoice).toMatchObject({ status: "paid", total: preview.body.total, amount_paid: 1500, customer });
    expect(invoice.lines.map((line) => [line.description, line.amount])).toEqual(
      preview.body.lines.map((line) => [line.description, line.amount]),
    );
    // Drafted at the trial's end, finalized and charged an hour later.
    expect(invoice.created_at).toBe("2027-03-15T09:00:00.000Z");
    expect(invoice.status_transitions.paid_at).toBe("2027-03-15T10:00:00.000Z");
    expect(await paymentPostings(invoice.payment)).toEqual([{ amount: 1500, net: 0 }]);
    expect((await eventTypes(invoice.id))[0]).toBe("invoice.created");
    // One frozen time dates the last two: compared as a set.
    expect((await eventTypes(invoice.id)).slice(1).sort()).toEqual(["invoice.finalized", "invoice.paid"]);
  }, 180_000);

  it("trial without a payment method → canceled at the trial's end, nothing invoiced", async () => {
    const m = await createMerchant();
    const clock = await newClock(m, "2027-03-01T09:00:00Z");
    const customer = await clockCustomer(m, clock, null);
    const price = await monthlyPrice(m, 1500, "Basic");
    const sub = await subscribe(m, { customer, items: [{ price }], trial_end: "2027-03-08T00:00:00Z" });
    await advance(m, clock, "2027-03-09T00:00:00Z");
    expect(await getSubscription(m, sub.id)).toMatchObject({
      status: "canceled",
      canceled_at: "2027-03-08T00:00:00.000Z",
      ended_at: "2027-03-08T00:00:00.000Z",
      latest_invoice: null,
    });
    expect(await customerInvoices(m, customer)).toEqual([]);
    expect((await eventTypes(sub.id)).at(-1)).toBe("customer.subscription.deleted");
  }, 180_000);

  it("downgrade at period end: nothing prorated now, the renewal invoices the new price, as previewed", async () => {
    const m = await createMerchant();
    const clock = await newClock(m, "2027-01-01T00:00:00Z");
    const customer = await clockCustomer(m, clock);
    const pro = await monthlyPrice(m, 3000, "Pro");
    const basic = await monthlyPrice(m, 1000, "Basic");
    const sub = await subscribe(m, { customer, items: [{ price: pro }] });
    await advance(m, clock, "2027-01-15T00:00:00Z");
    const downgrade = { items: [{ id: sub.items[0]?.id, price: basic }], schedule: "period_end" };
    expectError(
      await m.sandbox.request("PATCH", `/subscriptions/${sub.id}`, {
        ...downgrade,
        proration_behavior: "create_prorations",
      }),
      400,
      "parameter_invalid",
    );
    const scheduled = await m.sandbox.request<{
      items: Array<{ id: string; price: string }>;
      scheduled_change: { items: Array<{ id: string; price: string }>; applies_at: string } | null;
    }>("PATCH", `/subscriptions/${sub.id}`, downgrade);
    expect(scheduled.status).toBe(200);
    expect(scheduled.body.items.map((item) => item.price)).toEqual([pro]);
    expect(scheduled.body.scheduled_change).toMatchObject({
      items: [{ id: sub.items[0]?.id, price: basic }],
      applies_at: "2027-02-01T00:00:00.000Z",
    });
    // A metadata-only update keeps the scheduled change.
    await m.sandbox.request("PATCH", `/subscriptions/${sub.id}`, { metadata: { plan: "basic soon" } });
    const preview = await m.sandbox.request<InvoicePreview>("POST", `/subscriptions/${sub.id}/preview`, {});
    expect(preview.body.lines.map((line) => [line.description, line.amount, line.proration])).toEqual([
      ["1 × Basic (2027-02-01 – 2027-03-01)", 1000, false],
    ]);
    await advance(m, clock, "2027-02-01T01:00:00Z");
    const renewed = await getSubscription(m, sub.id);
    expect(renewed.items.map((item) => item.price)).toEqual([basic]);
    expect((renewed as unknown as { scheduled_change: unknown }).scheduled_change).toBeNull();
    const invoice = await getInvoice(m, renewed.latest_invoice);
    expect(invoice).toMatchObject({ status: "paid", total: preview.body.total });
    expect(invoice.lines.map((line) => line.amount)).toEqual([1000]);
    expect(await paymentPostings(invoice.payment)).toEqual([{ amount: 1000, net: 0 }]);
    expect((await customerInvoices(m, customer)).map((each) => each.total)).toEqual([3000, 1000]);
  }, 240_000);

  it("upgrade mid-cycle: the preview equals the invoice to the cent (always_invoice and create_prorations)", async () => {
    const m = await createMerchant();
    const clock = await newClock(m, "2027-04-01T00:00:00Z");
    const customer = await clockCustomer(m, clock);
    const basic = await monthlyPrice(m, 1000, "Basic");
    const pro = await monthlyPrice(m, 3000, "Pro");
    const sub = await subscribe(m, { customer, items: [{ price: basic }] });
    expect(sub.status).toBe("active");
    expect((await getInvoice(m, sub.latest_invoice)).total).toBe(1000);

    // 10 days and 7 seconds into a 30-day April: 20 days less 7 s remain.
    await advance(m, clock, "2027-04-11T00:00:07Z");
    const change = {
      items: [{ id: sub.items[0]?.id, price: pro }],
      proration_behavior: "always_invoice",
    };
    const preview = await m.sandbox.request<InvoicePreview>(
      "POST",
      `/subscriptions/${sub.id}/preview`,
      change,
    );
    expect(preview.status).toBe(200);
    const remaining = 20 * 86_400 - 7;
    const whole = 30 * 86_400;
    const credit = -Math.round((1000 * remaining) / whole);
    const charge = Math.round((3000 * remaining) / whole);
    expect(preview.body).toMatchObject({
      billing_reason: "subscription_update",
      subtotal: credit + charge,
      total: credit + charge,
    });
    expect(preview.body.lines.map((line) => line.amount)).toEqual([credit, charge]);
    const updated = await m.sandbox.request<{ latest_invoice: string; status: string }>(
      "PATCH",
      `/subscriptions/${sub.id}`,
      change,
    );
    expect(updated.status).toBe(200);
    const invoice = await getInvoice(m, updated.body.latest_invoice);
    expect(invoice).toMatchObject({
      status: "paid",
      subtotal: preview.body.subtotal,
      total: preview.body.total,
    });
    expect(invoice.lines.map((line) => line.amount)).toEqual(preview.body.lines.map((line) => line.amount));

    // A quantity change with create_prorations: the preview is the renewal invoice.
    const more = { items: [{ id: sub.items[0]?.id, quantity: 2 }] };
    await advance(m, clock, "2027-04-21T12:00:00Z");
    const upcoming = await m.sandbox.request<InvoicePreview>(
      "POST",
      `/subscriptions/${sub.id}/preview`,
      more,
    );
    expect(upcoming.body.billing_reason).toBe("subscription_cycle");
    expect((await m.sandbox.request("PATCH", `/subscriptions/${sub.id}`, more)).status).toBe(200);
    await advance(m, clock, "2027-05-01T01:00:00Z");
    const renewed = await getSubscription(m, sub.id);
    expect(renewed).toMatchObject({ status: "active", current_period_end: "2027-06-01T00:00:00.000Z" });
    const renewal = await getInvoice(m, renewed.latest_invoice);
    expect(renewal).toMatchObject({
      status: "paid",
      subtotal: upcoming.body.subtotal,
      total: upcoming.body.total,
    });
    expect(renewal.lines.map((line) => line.amount)).toEqual(upcoming.body.lines.map((line) => line.amount));
    expect(renewal.lines.at(-1)?.amount).toBe(6000);
    expect(await paymentPostings(renewal.payment)).toEqual([{ amount: renewal.total, net: 0 }]);
    expect((await eventTypes(renewal.id))[0]).toBe("invoice.created");
  }, 240_000);

  it("cancel at period end: active until the period ends, then canceled with no new invoice", async () => {
    const m = await createMerchant();
    const clock = await newClock(m, "2027-05-10T00:00:00Z");
    const customer = await clockCustomer(m, clock);
    const sub = await subscribe(m, { customer, items: [{ price: await monthlyPrice(m, 900, "Basic") }] });
    const canceled = await m.sandbox.request("POST", `/subscriptions/${sub.id}/cancel`, {
      at_period_end: true,
    });
    expect(canceled.body).toMatchObject({ status: "active", cancel_at_period_end: true });
    await advance(m, clock, "2027-06-09T00:00:00Z");
    expect((await getSubscription(m, sub.id)).status).toBe("active");
    await advance(m, clock, "2027-06-11T00:00:00Z");
    expect(await getSubscription(m, sub.id)).toMatchObject({
      status: "canceled",
      ended_at: "2027-06-10T00:00:00.000Z",
    });
    expect((await customerInvoices(m, customer)).length).toBe(1);
    expectError(
      await m.sandbox.request("PATCH", `/subscriptions/${sub.id}`, { metadata: { a: "b" } }),
      409,
      "subscription_status_invalid",
    );
  }, 180_000);

  it("month-end anchor over February: Jan 31 → Feb 28 → Mar 31, one invoice per period", async () => {
    const m = await createMerchant();
    const clock = await newClock(m, "2027-01-31T12:00:00Z");
    const customer = await clockCustomer(m, clock);
    const sub = await subscribe(m, { customer, items: [{ price: await monthlyPrice(m, 2000, "Basic") }] });
    expect(sub.current_period_end).toBe("2027-02-28T12:00:00.000Z");
    const preview = await m.sandbox.request<InvoicePreview>("POST", `/subscriptions/${sub.id}/preview`, {});
    expect(preview.body.lines.map((line) => line.description)).toEqual([
      "1 × Basic (2027-02-28 – 2027-03-31)",
    ]);
    await advance(m, clock, "2027-03-01T00:00:00Z");
    const february = await getInvoice(m, (await getSubscription(m, sub.id)).latest_invoice);
    expect(february).toMatchObject({ status: "paid", total: preview.body.total });
    expect(february.lines.map((line) => line.description)).toEqual(["1 × Basic (2027-02-28 – 2027-03-31)"]);
    expect(await paymentPostings(february.payment)).toEqual([{ amount: 2000, net: 0 }]);
    expect(await getSubscription(m, sub.id)).toMatchObject({
      current_period_start: "2027-02-28T12:00:00.000Z",
      current_period_end: "2027-03-31T12:00:00.000Z",
    });
    await advance(m, clock, "2027-04-01T00:00:00Z");
    expect(await getSubscription(m, sub.id)).toMatchObject({
      status: "active",
      current_period_start: "2027-03-31T12:00:00.000Z",
      current_period_end: "2027-04-30T12:00:00.000Z",
    });
    const invoices = await customerInvoices(m, customer);
    expect(invoices.map((invoice) => [invoice.status, invoice.total])).toEqual([
      ["paid", 2000],
      ["paid", 2000],
      ["paid", 2000],
    ]);
  }, 180_000);

  it("failed payment → past_due → a method update retries at once and recovers; unrecovered → canceled", async () => {
    const m = await createMerchant();
    const clock = await newClock(m, "2027-06-01T00:00:00Z");
    const price = await monthlyPrice(m, 1200, "Basic");
    const recovering = await clockCustomer(m, clock);
    const lost = await clockCustomer(m, clock);
    const first = await subscribe(m, { customer: recovering, items: [{ price }] });
    const second = await subscribe(m, { customer: lost, items: [{ price }] });
    await setCard(m, recovering, DECLINED_CARD);
    await setCard(m, lost, DECLINED_CARD);

    await advance(m, clock, "2027-07-01T01:00:00Z");
    const pastDue = await getSubscription(m, first.id);
    // The renewal drafted at 00:00 is finalized and charged at 01:00: the dunning days count from then.
    expect(pastDue).toMatchObject({ status: "past_due", next_payment_attempt: "2027-07-02T01:00:00.000Z" });
    const unpaid = await getInvoice(m, pastDue.latest_invoice);
    expect(unpaid).toMatchObject({ status: "open", attempt_count: 1 });
    expect(await eventTypes(unpaid.id)).toContain("invoice.payment_failed");

    // The new default is tried at once, on the clock's time, not at the next dunning retry.
    await setCard(m, recovering, GOOD_CARD);
    const recovered = await getSubscription(m, first.id);
    expect(recovered).toMatchObject({
      status: "active",
      next_payment_attempt: null,
      latest_invoice: unpaid.id,
    });
    const paid = await getInvoice(m, unpaid.id);
    expect(paid).toMatchObject({ status: "paid", attempt_count: 2 });
    expect(paid.status_transitions.paid_at).toBe("2027-07-01T01:00:00.000Z");

    // Another declined card is tried at once too, and the dunning schedule stays as it was.
    await setCard(m, lost, DECLINED_CARD);
    const stillPastDue = await getSubscription(m, second.id);
    expect(stillPastDue).toMatchObject({
      status: "past_due",
      next_payment_attempt: "2027-07-02T01:00:00.000Z",
    });
    expect((await getInvoice(m, stillPastDue.latest_invoice)).attempt_count).toBe(2);
    await advance(m, clock, "2027-07-02T01:00:00Z");

    // Retries at 1, 3, 5 and 7 days all fail: canceled after the last.
    expect((await getSubscription(m, second.id)).next_payment_attempt).toBe("2027-07-04T01:00:00.000Z");
    await advance(m, clock, "2027-07-07T00:00:00Z");
    expect(await getSubscription(m, second.id)).toMatchObject({
      status: "past_due",
      next_payment_attempt: "2027-07-08T01:00:00.000Z",
    });
    await advance(m, clock, "2027-07-09T00:00:00Z");
    const ended = await getSubscription(m, second.id);
    expect(ended).toMatchObject({ status: "canceled", ended_at: "2027-07-08T01:00:00.000Z" });
    expect((await getInvoice(m, ended.latest_invoice)).attempt_count).toBe(6);
    expect((await eventTypes(second.id)).at(-1)).toBe("customer.subscription.deleted");
  }, 240_000);

  it("failure → unpaid: the renewal draft declined at finalization, retried on the merchant's days, then unpaid; paid later by hand", async () => {
    const m = await createMerchant();
    const settings = { retry_days: [1, 3], after_final_failure: "unpaid" };
    expect((await m.sandbox.request("PATCH", "/subscription-settings", settings)).status).toBe(200);
    const clock = await newClock(m, "2027-08-01T00:00:00Z");
    const customer = await clockCustomer(m, clock);
    const sub = await subscribe(m, { customer, items: [{ price: await monthlyPrice(m, 1500, "Basic") }] });
    const first = await getInvoice(m, sub.latest_invoice);
    expect(first).toMatchObject({ status: "paid", total: 1500 });
    expect(await paymentPostings(first.payment)).toEqual([{ amount: 1500, net: 0 }]);
    const preview = await m.sandbox.request<InvoicePreview>("POST", `/subscriptions/${sub.id}/preview`, {});
    await setCard(m, customer, DECLINED_CARD);

    await advance(m, clock, "2027-09-01T00:30:00Z");
    const draft = await getInvoice(m, (await getSubscription(m, sub.id)).latest_invoice);
    expect(draft).toMatchObject({ status: "draft", total: preview.body.total, attempt_count: 0 });
    expect(draft.lines.map((line) => [line.description, line.amount])).toEqual(
      preview.body.lines.map((line) => [line.description, line.amount]),
    );
    expect(await eventTypes(draft.id)).toEqual(["invoice.created"]);

    await advance(m, clock, "2027-09-01T01:00:00Z");
    expect(await getSubscription(m, sub.id)).toMatchObject({
      status: "past_due",
      next_payment_attempt: "2027-09-02T01:00:00.000Z",
    });
    const declined = await getInvoice(m, draft.id);
    expect(declined).toMatchObject({
      status: "open",
      attempt_count: 1,
      amount_remaining: 1500,
      payment: null,
    });
    expect((await eventTypes(draft.id)).slice(1).sort()).toEqual([
      "invoice.finalized",
      "invoice.payment_failed",
    ]);
    expect(await captures(customer)).toBe(1);

    await advance(m, clock, "2027-09-02T02:00:00Z");
    expect(await getSubscription(m, sub.id)).toMatchObject({
      status: "past_due",
      next_payment_attempt: "2027-09-04T01:00:00.000Z",
    });
    await advance(m, clock, "2027-09-05T00:00:00Z");
    const unpaid = await getSubscription(m, sub.id);
    expect(unpaid).toMatchObject({
      status: "unpaid",
      ended_at: "2027-09-04T01:00:00.000Z",
      latest_invoice: draft.id,
    });
    expect(await getInvoice(m, draft.id)).toMatchObject({ status: "open", attempt_count: 3 });
    expect((await eventTypes(draft.id)).filter((type) => type === "invoice.payment_failed")).toHaveLength(3);
    expect((await eventTypes(sub.id)).at(-1)).toBe("customer.subscription.updated");
    expect(await captures(customer)).toBe(1);

    // Unpaid is final: no later invoice; the open one is still payable.
    await advance(m, clock, "2027-10-02T00:00:00Z");
    expect(await customerInvoices(m, customer)).toHaveLength(2);
    await setCard(m, customer, GOOD_CARD);
    const paid = await m.sandbox.request<{ status: string; payment: string }>(
      "POST",
      `/invoices/${draft.id}/pay`,
      {},
    );
    expect(paid.body).toMatchObject({ status: "paid" });
    expect(await paymentPostings(paid.body.payment)).toEqual([{ amount: 1500, net: 0 }]);
    // The pay request runs on real time (invoice actions don't read the customer's clock): not last by date.
    expect(await eventTypes(draft.id)).toContain("invoice.paid");
    expect((await getSubscription(m, sub.id)).status).toBe("unpaid");
  }, 240_000);
});
