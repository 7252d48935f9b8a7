import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { baseUrl, createMerchant, expectError } from "../../../test/harness";
import {
  card,
  customerOf,
  followChallenge,
  recurringPrice,
  type Session,
  type Subscription,
  submit,
  subscriptionSession,
  subscriptionsOf,
} from "./subscription-checkout-testing";

describe("subscription checkout: completing on the hosted page", { timeout: 90_000 }, () => {
  it("shows the recurring price and the trial, localized", async () => {
    const m = await createMerchant();
    const monthly = await recurringPrice(m);
    const quarterly = await recurringPrice(m, {
      unit_amount: 2500,
      recurring: { interval: "month", interval_count: 3 },
    });
    const trial = await subscriptionSession(m, {
      line_items: [{ price: monthly, quantity: 1 }],
      subscription_data: { trial_period_days: 14 },
    });
    const page = await (await fetch(`${baseUrl()}/checkout/${trial.id}`)).text();
    expect(page).toContain("€10.00 / month");
    expect(page).toContain("14 days free, then €10.00 / month");
    expect(page).toContain("Start trial");
    expect(page).toContain('id="card-number"');
    const french = await (
      await fetch(`${baseUrl()}/checkout/${trial.id}`, { headers: { "accept-language": "fr-FR" } })
    ).text();
    expect(french).toContain("10,00\u00a0€ / mois");
    expect(french).toContain("14\u00a0jours gratuits, puis");
    const plain = await subscriptionSession(m, { line_items: [{ price: quarterly, quantity: 1 }] });
    const quarterPage = await (await fetch(`${baseUrl()}/checkout/${plain.id}`)).text();
    expect(quarterPage).toContain("€25.00 / 3 months");
    expect(quarterPage).not.toContain("free, then");
    expect(quarterPage).toContain("Subscribe");
  });

  it("with a trial: a new customer from the email, the card as default, the subscription trialing, nothing charged", async () => {
    const m = await createMerchant();
    const monthly = await recurringPrice(m);
    const created = await subscriptionSession(m, {
      line_items: [{ price: monthly, quantity: 1 }],
      customer_email: "grace@example.com",
      subscription_data: { trial_period_days: 14, metadata: { plan: "pro" } },
    });
    const done = await submit(created.id, card("4242424242424242", ""));
    expect(done.status, done.text).toBe(303);
    expect(done.location).toBe(`https://shop.example/welcome?session=${created.id}`);
    const session = (await m.sandbox.request<Session>("GET", `/checkout/sessions/${created.id}`)).body;
    expect(session).toMatchObject({
      status: "complete",
      payment_status: "no_payment_required",
      payment: null,
    });
    expect(session.subscription).toMatch(/^sub_/);
    expect(session.customer).toMatch(/^cus_/);
    const subscription = (
      await m.sandbox.request<Subscription & { metadata: Record<string, string> }>(
        "GET",
        `/subscriptions/${session.subscription}`,
      )
    ).body;
    expect(subscription).toMatchObject({
      status: "trialing",
      customer: session.customer,
      latest_invoice: null,
      items: [{ price: monthly, quantity: 1 }],
      metadata: { plan: "pro" },
    });
    const customer = await customerOf(m, session.customer ?? "");
    expect(customer.email).toBe("grace@example.com");
    const methods = await m.sandbox.request<{ data: Array<{ id: string; card: { last4: string } }> }>(
      "GET",
      `/customers/${customer.id}/payment-methods`,
    );
    expect(methods.body.data).toHaveLength(1);
    expect(methods.body.data[0]?.card.last4).toBe("4242");
    expect(customer.default_payment_method).toBe(methods.body.data[0]?.id);
    expect(await query("select id from payments where merchant_id = $1", [m.merchantId])).toEqual([]);
    const events = await query<{ data: { subscription: string; customer: string } }>(
      "select data from events where object_id = $1 and type = 'checkout.session.completed'",
      [created.id],
    );
    expect(events).toHaveLength(1);
    expect(events[0]?.data).toMatchObject({ subscription: session.subscription, customer: session.customer });
  });

  it("without a trial: the session's customer is charged the first invoice at once and the subscription is active", async () => {
    const m = await createMerchant();
    const monthly = await recurringPrice(m);
    const existing = await m.sandbox.request<{ id: string }>("POST", "/customers", {
      email: "lin@example.com",
    });
    const created = await subscriptionSession(m, {
      line_items: [{ price: monthly, quantity: 3 }],
      customer: existing.body.id,
    });
    const done = await submit(created.id, card("4242424242424242"));
    expect(done.status, done.text).toBe(303);
    const session = (await m.sandbox.request<Session>("GET", `/checkout/sessions/${created.id}`)).body;
    expect(session).toMatchObject({ status: "complete", payment_status: "paid", customer: existing.body.id });
    const subscription = (
      await m.sandbox.request<Subscription>("GET", `/subscriptions/${session.subscription}`)
    ).body;
    expect(subscription.status).toBe("active");
    const invoice = await m.sandbox.request<{ status: string; amount_paid: number; payment: string }>(
      "GET",
      `/invoices/${subscription.latest_invoice}`,
    );
    expect(invoice.body).toMatchObject({ status: "paid", amount_paid: 3000 });
    const customer = await customerOf(m, existing.body.id);
    const payment = await m.sandbox.request<{ payment_method: string; status: string; amount: number }>(
      "GET",
      `/payments/${invoice.body.payment}`,
    );
    expect(payment.body).toMatchObject({ status: "succeeded", amount: 3000 });
    expect(payment.body.payment_method).toBe(customer.default_payment_method);
  });

  it("a declined card leaves no live subscription and the session open; another card then subscribes the same customer", async () => {
    const m = await createMerchant();
    const monthly = await recurringPrice(m);
    const created = await subscriptionSession(m, { line_items: [{ price: monthly, quantity: 1 }] });
    const declined = await submit(created.id, card("4000000000000002", "hal@example.com"));
    expect(declined.status).toBe(422);
    expect(declined.text).toContain('role="alert"');
    expect(declined.text).toContain("Your card was declined");
    expect(declined.text).not.toContain("4000000000000002");
    const open = (await m.sandbox.request<Session>("GET", `/checkout/sessions/${created.id}`)).body;
    expect(open).toMatchObject({ status: "open", subscription: null });
    const customerId = open.customer ?? "";
    expect(customerId).toMatch(/^cus_/);
    // What remains of the declined attempt: a canceled subscription, its first invoice void, the card detached.
    const [first, ...others] = await subscriptionsOf(m);
    expect(others).toEqual([]);
    expect(first?.status).toBe("canceled");
    const firstSubscription = (await m.sandbox.request<Subscription>("GET", `/subscriptions/${first?.id}`))
      .body;
    const voided = await m.sandbox.request<{ status: string }>(
      "GET",
      `/invoices/${firstSubscription.latest_invoice}`,
    );
    expect(voided.body.status).toBe("void");
    expect((await customerOf(m, customerId)).default_payment_method).toBeNull();
    const attached = await m.sandbox.request<{ data: unknown[] }>(
      "GET",
      `/customers/${customerId}/payment-methods`,
    );
    expect(attached.body.data).toEqual([]);

    const paid = await submit(created.id, card("4242424242424242"));
    expect(paid.status, paid.text).toBe(303);
    const session = (await m.sandbox.request<Session>("GET", `/checkout/sessions/${created.id}`)).body;
    expect(session).toMatchObject({ status: "complete", payment_status: "paid", customer: customerId });
    const all = await subscriptionsOf(m);
    expect(all.map((row) => row.status)).toEqual(["canceled", "active"]);
    expect(all[1]?.id).toBe(session.subscription);
    expect(await query("select id from customers where merchant_id = $1", [m.merchantId])).toHaveLength(1);
    const customer = await customerOf(m, customerId);
    expect(customer.default_payment_method).toMatch(/^pm_/);
  });

  it("an existing customer's default comes back after a 3-D Secure card and a decline; the chosen quantity is subscribed", async () => {
    const m = await createMerchant();
    const monthly = await recurringPrice(m);
    const customer = await m.sandbox.request<{ id: string }>("POST", "/customers", {
      email: "kay@example.com",
    });
    const saved = await m.sandbox.request<{ id: string }>("POST", "/payment-methods", {
      type: "card",
      card: { number: "5555555555554444", exp_month: 12, exp_year: 2040, cvc: "123" },
      customer: customer.body.id,
    });
    expect(saved.status, saved.text).toBe(200);
    const patched = await m.sandbox.request("PATCH", `/customers/${customer.body.id}`, {
      default_payment_method: saved.body.id,
    });
    expect(patched.status, patched.text).toBe(200);
    const created = await subscriptionSession(m, {
      line_items: [
        { price: monthly, quantity: 1, adjustable_quantity: { enabled: true, minimum: 1, maximum: 5 } },
      ],
      customer: customer.body.id,
    });
    // A 3-D Secure card whose challenge fails, then a declined card: each leaves the old default.
    const challenged = await submit(created.id, { ...card("4000000000003220"), quantity_0: "2" });
    expect(challenged.status, challenged.text).toBe(303);
    const failed = await followChallenge(challenged.location, "decline", 3);
    expect([200, 422]).toContain(failed.status);
    expect(await failed.text()).toContain('role="alert"');
    expect((await customerOf(m, customer.body.id)).default_payment_method).toBe(saved.body.id);
    const refused = await submit(created.id, { ...card("4000000000000002"), quantity_0: "2" });
    expect(refused.status).toBe(422);
    expect((await customerOf(m, customer.body.id)).default_payment_method).toBe(saved.body.id);
    expect((await subscriptionsOf(m)).map((row) => row.status)).toEqual(["canceled", "canceled"]);
    const paid = await submit(created.id, { ...card("4242424242424242"), quantity_0: "2" });
    expect(paid.status, paid.text).toBe(303);
    const session = (await m.sandbox.request<Session>("GET", `/checkout/sessions/${created.id}`)).body;
    const subscription = (
      await m.sandbox.request<Subscription>("GET", `/subscriptions/${session.subscription}`)
    ).body;
    expect(subscription).toMatchObject({ status: "active", items: [{ price: monthly, quantity: 2 }] });
    const after = await customerOf(m, customer.body.id);
    expect(after.default_payment_method).not.toBe(saved.body.id);
    expect(after.default_payment_method).toMatch(/^pm_/);
  });

  it("3-D Secure on the first charge: the challenge, then the return completes the session with the subscription active", async () => {
    const m = await createMerchant();
    const monthly = await recurringPrice(m);
    const created = await subscriptionSession(m, { line_items: [{ price: monthly, quantity: 1 }] });
    const challenged = await submit(created.id, card("4000000000003220", "sec@example.com"));
    expect(challenged.status, challenged.text).toBe(303);
    expect(new URL(challenged.location ?? "", baseUrl()).pathname).toMatch(/^\/sandbox\/actions\/pay_/);
    // Waiting on the challenge: a second submit (another tab) starts nothing and goes to the same challenge.
    const again = await submit(created.id, card("4242424242424242", "sec@example.com"));
    expect(again.location).toBe(challenged.location);
    expect((await subscriptionsOf(m)).map((row) => row.status)).toEqual(["incomplete"]);

    const done = await followChallenge(challenged.location, "approve");
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe(`https://shop.example/welcome?session=${created.id}`);
    const session = (await m.sandbox.request<Session>("GET", `/checkout/sessions/${created.id}`)).body;
    expect(session).toMatchObject({ status: "complete", payment_status: "paid" });
    const subscription = (
      await m.sandbox.request<Subscription>("GET", `/subscriptions/${session.subscription}`)
    ).body;
    expect(subscription.status).toBe("active");
    const invoice = await m.sandbox.request<{ status: string; amount_paid: number }>(
      "GET",
      `/invoices/${subscription.latest_invoice}`,
    );
    expect(invoice.body).toMatchObject({ status: "paid", amount_paid: 1000 });
    expect((await subscriptionsOf(m)).map((row) => row.status)).toEqual(["active"]);
    // The return opened again shows the completed page and changes nothing.
    const back = await fetch(`${baseUrl()}/checkout/${created.id}/return`, { redirect: "manual" });
    expect(back.status).toBe(200);
    const completed = await query("select id from events where object_id = $1 and type = $2", [
      created.id,
      "checkout.session.completed",
    ]);
    expect(completed).toHaveLength(1);
  });

  it("a price archived after the session was created: refused on the page, the card detached, nothing subscribed", async () => {
    const m = await createMerchant();
    const monthly = await recurringPrice(m);
    const created = await subscriptionSession(m, { line_items: [{ price: monthly, quantity: 1 }] });
    expect((await m.sandbox.request("PATCH", `/prices/${monthly}`, { active: false })).status).toBe(200);
    const refused = await submit(created.id, card("4242424242424242", "max@example.com"));
    expect(refused.status).toBe(422);
    expect(refused.text).toContain('role="alert"');
    expect(await subscriptionsOf(m)).toEqual([]);
    const open = (await m.sandbox.request<Session>("GET", `/checkout/sessions/${created.id}`)).body;
    expect(open.status).toBe("open");
    expect((await customerOf(m, open.customer ?? "")).default_payment_method).toBeNull();
    const attached = await m.sandbox.request<{ data: unknown[] }>(
      "GET",
      `/customers/${open.customer}/payment-methods`,
    );
    expect(attached.body.data).toEqual([]);
  });

  it("a double submit (two tabs, two clicks) makes one subscription", async () => {
    const m = await createMerchant();
    const monthly = await recurringPrice(m);
    const created = await subscriptionSession(m, { line_items: [{ price: monthly, quantity: 1 }] });
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => submit(created.id, card("4242424242424242"))),
    );
    expect(answers.filter((answer) => answer.status === 303)).not.toHaveLength(0);
    expect(await subscriptionsOf(m)).toHaveLength(1);
    expect(await query("select id from customers where merchant_id = $1", [m.merchantId])).toHaveLength(1);
    expect(await query("select id from payments where merchant_id = $1", [m.merchantId])).toHaveLength(1);
    expect(
      await query("select id from events where object_id = $1 and type = 'checkout.session.completed'", [
        created.id,
      ]),
    ).toHaveLength(1);
    // After completion the page only shows the outcome.
    const again = await submit(created.id, card("4242424242424242"));
    expect(again.text).toContain("Your subscription has started");
    expect(await subscriptionsOf(m)).toHaveLength(1);
  });

  it("another merchant's session, subscription and customer are 404", async () => {
    const m = await createMerchant();
    const other = await createMerchant();
    const monthly = await recurringPrice(m);
    const created = await subscriptionSession(m, {
      line_items: [{ price: monthly, quantity: 1 }],
      subscription_data: { trial_period_days: 7 },
    });
    expect((await submit(created.id, card("4242424242424242"))).status).toBe(303);
    const session = (await m.sandbox.request<Session>("GET", `/checkout/sessions/${created.id}`)).body;
    for (const path of [
      `/checkout/sessions/${created.id}`,
      `/subscriptions/${session.subscription}`,
      `/customers/${session.customer}`,
    ]) {
      expectError(await other.sandbox.request("GET", path), 404, "resource_missing");
      expectError(await m.production.request("GET", path), 404, "resource_missing");
    }
  });
});
