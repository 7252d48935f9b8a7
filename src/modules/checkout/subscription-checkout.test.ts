import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { baseUrl, createMerchant, expectError, type TestMerchant } from "../../../test/harness";

interface Session {
  id: string;
  mode: string;
  status: string;
  payment_status: string;
  customer: string | null;
  subscription: string | null;
  payment: string | null;
  amount_total: number;
  url: string | null;
  expires_at: string;
}

interface Subscription {
  id: string;
  status: string;
  customer: string;
  latest_invoice: string | null;
  trial_end: string | null;
  items: Array<{ price: string; quantity: number }>;
}

const SUCCESS = "https://shop.example/welcome?session={CHECKOUT_SESSION_ID}";
const card = (number: string, email = "ada@example.com") => ({
  method: "card",
  card_number: number,
  card_expiry: "12/40",
  card_cvc: "123",
  card_name: "Ada Lovelace",
  email,
});

async function recurringPrice(
  m: TestMerchant,
  body: Record<string, unknown> = {},
  merchant: TestMerchant = m,
): Promise<string> {
  const product = await merchant.sandbox.request<{ id: string }>("POST", "/products", { name: "Pro plan" });
  const created = await merchant.sandbox.request<{ id: string }>("POST", "/prices", {
    product: product.body.id,
    currency: "EUR",
    unit_amount: 1000,
    recurring: { interval: "month" },
    ...body,
  });
  expect(created.status, created.text).toBe(200);
  return created.body.id;
}

async function subscriptionSession(m: TestMerchant, body: Record<string, unknown>): Promise<Session> {
  const created = await m.sandbox.request<Session>("POST", "/checkout/sessions", {
    mode: "subscription",
    success_url: SUCCESS,
    cancel_url: "https://shop.example/plans",
    ...body,
  });
  expect(created.status, created.text).toBe(200);
  return created.body;
}

async function submit(id: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl()}/checkout/${id}`, {
    method: "POST",
    body: new URLSearchParams(fields),
    headers,
    redirect: "manual",
  });
  return { status: response.status, location: response.headers.get("location"), text: await response.text() };
}

async function subscriptionsOf(m: TestMerchant) {
  return query<{ id: string; status: string; customer_id: string }>(
    "select id, status, customer_id from subscriptions where merchant_id = $1 order by created_at",
    [m.merchantId],
  );
}

async function customerOf(m: TestMerchant, id: string) {
  return (
    await m.sandbox.request<{ id: string; email: string | null; default_payment_method: string | null }>(
      "GET",
      `/customers/${id}`,
    )
  ).body;
}

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
    for (const number of ["4000000000003220", "4000000000000002"]) {
      const refused = await submit(created.id, { ...card(number), quantity_0: "2" });
      expect(refused.status, number).toBe(422);
      expect((await customerOf(m, customer.body.id)).default_payment_method).toBe(saved.body.id);
    }
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
