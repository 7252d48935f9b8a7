import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { baseUrl, createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { decideSandboxAction } from "../../../test/sandbox-actions";
import { runFunctionFor } from "../../../test/verifications";

interface Session {
  id: string;
  object: string;
  status: string;
  payment_status: string;
  url: string | null;
  amount_total: number;
  currency: string;
  payment: string | null;
  expires_at: string;
}

const SUCCESS = "https://shop.example/thanks?session={CHECKOUT_SESSION_ID}";
const card = (number: string) => ({
  method: "card",
  card_number: number,
  card_expiry: "12/40",
  card_cvc: "123",
  card_name: "Ada Lovelace",
  email: "ada@example.com",
});

async function price(m: TestMerchant, body: Record<string, unknown> = {}): Promise<string> {
  const product = await m.sandbox.request<{ id: string }>("POST", "/products", { name: "Poster" });
  const created = await m.sandbox.request<{ id: string }>("POST", "/prices", {
    product: product.body.id,
    currency: "USD",
    unit_amount: 1500,
    ...body,
  });
  expect(created.status).toBe(200);
  return created.body.id;
}

async function session(m: TestMerchant, body: Record<string, unknown> = {}): Promise<Session> {
  const created = await m.sandbox.request<Session>("POST", "/checkout/sessions", {
    line_items: [
      { price_data: { currency: "USD", unit_amount: 2000, product_data: { name: "T-shirt" } }, quantity: 2 },
    ],
    success_url: SUCCESS,
    cancel_url: "https://shop.example/cart",
    ...body,
  });
  expect(created.status, created.text).toBe(200);
  return created.body;
}

/** The hosted page's form, posted as a browser would; redirects are not followed. */
async function submit(id: string, fields: Record<string, string>) {
  const response = await fetch(`${baseUrl()}/checkout/${id}`, {
    method: "POST",
    body: new URLSearchParams(fields),
    redirect: "manual",
  });
  return { status: response.status, location: response.headers.get("location"), text: await response.text() };
}

async function paymentsOf(sessionId: string) {
  return query<{ id: string; status: string; amount: string }>(
    "select id, status, amount from payments where metadata->>'checkout_session' = $1",
    [sessionId],
  );
}

async function eventsOf(sessionId: string, type: string) {
  return query("select id from events where object_id = $1 and type = $2", [sessionId, type]);
}

describe("checkout sessions: API", { timeout: 90_000 }, () => {
  it("creates a session from a price and inline price data, with its url; retrieves, lists and lists line items", async () => {
    const m = await createMerchant();
    const poster = await price(m);
    const created = await session(m, {
      line_items: [
        { price: poster, quantity: 1, adjustable_quantity: { enabled: true, maximum: 5 } },
        {
          price_data: { currency: "USD", unit_amount: 250, product_data: { name: "Gift wrap" } },
          quantity: 2,
        },
      ],
      metadata: { order: "42" },
    });
    expect(created.id).toMatch(/^cs_[0-9A-Za-z]{24}$/);
    expect(created).toMatchObject({
      object: "checkout.session",
      status: "open",
      payment_status: "unpaid",
      amount_total: 2000,
      currency: "USD",
      url: `${new URL(baseUrl()).origin}/checkout/${created.id}`,
    });
    const hours = (Date.parse(created.expires_at) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24.01);

    expect((await m.sandbox.request<Session>("GET", `/checkout/sessions/${created.id}`)).body.id).toBe(
      created.id,
    );
    const list = await m.sandbox.request<{ data: Session[] }>("GET", "/checkout/sessions?status=open");
    expect(list.body.data.map((item) => item.id)).toEqual([created.id]);
    const items = await m.sandbox.request<{ data: Array<Record<string, unknown>> }>(
      "GET",
      `/checkout/sessions/${created.id}/line_items`,
    );
    expect(items.body.data).toMatchObject([
      {
        price: poster,
        quantity: 1,
        amount_total: 1500,
        adjustable_quantity: { enabled: true, minimum: 0, maximum: 5 },
      },
      { price: null, description: "Gift wrap", quantity: 2, amount_total: 500, adjustable_quantity: null },
    ]);
  });

  it("is a 404 for another merchant and for the other environment", async () => {
    const m = await createMerchant();
    const other = await createMerchant();
    const created = await session(m);
    for (const path of [`/checkout/sessions/${created.id}`, `/checkout/sessions/${created.id}/line_items`]) {
      expectError(await other.sandbox.request("GET", path), 404, "resource_missing");
      expectError(await m.production.request("GET", path), 404, "resource_missing");
    }
    expectError(
      await other.sandbox.request("POST", `/checkout/sessions/${created.id}/expire`),
      404,
      "resource_missing",
    );
    expect((await m.sandbox.request<Session>("GET", `/checkout/sessions/${created.id}`)).body.status).toBe(
      "open",
    );
  });

  it("refuses what it can't sell with a catalog code and writes nothing", async () => {
    const m = await createMerchant();
    const monthly = await price(m, { recurring: { interval: "month" } });
    const euro = await price(m, { currency: "EUR" });
    const usd = await price(m);
    const base = { success_url: SUCCESS };
    const line = (p: string) => ({ price: p, quantity: 1 });
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ ...base, line_items: [line(monthly)] }, 400, "checkout_line_items_invalid"],
      [{ ...base, line_items: [line(usd), line(euro)] }, 400, "checkout_line_items_invalid"],
      [
        {
          ...base,
          line_items: [{ price: usd, quantity: 9, adjustable_quantity: { enabled: true, maximum: 3 } }],
        },
        400,
        "checkout_line_items_invalid",
      ],
      [{ ...base, line_items: [line("price_doesnotexist")] }, 404, "resource_missing"],
      [{ ...base, line_items: [] }, 400, "parameter_invalid"],
      [
        {
          ...base,
          line_items: [
            { ...line(usd), price_data: { currency: "USD", unit_amount: 1, product_data: { name: "x" } } },
          ],
        },
        400,
        "parameter_invalid",
      ],
      [
        { ...base, line_items: [line(usd)], expires_at: new Date(Date.now() + 10 * 60_000).toISOString() },
        400,
        "parameter_invalid",
      ],
      [
        { ...base, line_items: [line(usd)], expires_at: new Date(Date.now() + 25 * 3_600_000).toISOString() },
        400,
        "parameter_invalid",
      ],
      [{ line_items: [line(usd)] }, 400, "parameter_missing"],
      [{ ...base, line_items: [line(usd)], success_url: "javascript:alert(1)" }, 400, "parameter_invalid"],
      [{ ...base, line_items: [line(usd)], customer: "cus_missing" }, 404, "resource_missing"],
    ];
    for (const [body, status, code] of cases) {
      expectError(await m.sandbox.request("POST", "/checkout/sessions", body), status, code);
    }
    expect(await query("select id from checkout_sessions where merchant_id = $1", [m.merchantId])).toEqual(
      [],
    );
  });

  it("replays a retried create with the same Idempotency-Key: one session", async () => {
    const m = await createMerchant();
    const body = {
      line_items: [
        { price_data: { currency: "USD", unit_amount: 900, product_data: { name: "Mug" } }, quantity: 1 },
      ],
      success_url: SUCCESS,
    };
    const headers = { "idempotency-key": `cs-${Date.now()}` };
    const first = await m.sandbox.request<Session>("POST", "/checkout/sessions", body, headers);
    const second = await m.sandbox.request<Session>("POST", "/checkout/sessions", body, headers);
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(
      await query("select id from checkout_sessions where merchant_id = $1", [m.merchantId]),
    ).toHaveLength(1);
  });

  it("expires an open session once, with checkout.session.expired; the page then refuses to pay", async () => {
    const m = await createMerchant();
    const created = await session(m);
    const expired = await m.sandbox.request<Session>("POST", `/checkout/sessions/${created.id}/expire`);
    expect(expired.body).toMatchObject({ status: "expired", url: null });
    expectError(
      await m.sandbox.request("POST", `/checkout/sessions/${created.id}/expire`),
      409,
      "checkout_session_state_invalid",
    );
    expect(await eventsOf(created.id, "checkout.session.expired")).toHaveLength(1);
    const page = await submit(created.id, card("4242424242424242"));
    expect(page.status).toBe(200);
    expect(await paymentsOf(created.id)).toEqual([]);
  });

  it("expires a session whose expires_at passed when the customer opens the page", async () => {
    const m = await createMerchant();
    const created = await session(m, { expires_at: new Date(Date.now() + 31 * 60_000).toISOString() });
    const page = await fetch(`${baseUrl()}/checkout/${created.id}`, {
      headers: { "x-test-clock-offset-seconds": String(40 * 60), "accept-language": "fr-FR,fr;q=0.9" },
    });
    const html = await page.text();
    expect(html).toContain('lang="fr"');
    expect(html).toContain("Ce paiement a expiré");
    expect((await m.sandbox.request<Session>("GET", `/checkout/sessions/${created.id}`)).body.status).toBe(
      "expired",
    );
    expect(await eventsOf(created.id, "checkout.session.expired")).toHaveLength(1);
  });
});

describe("checkout sessions: the hosted page pays exactly once", { timeout: 90_000 }, () => {
  it("serves the page with a strict policy and localized words", async () => {
    const m = await createMerchant();
    const created = await session(m, { locale: "ja" });
    const page = await fetch(`${baseUrl()}/checkout/${created.id}`);
    expect(page.status).toBe(200);
    const csp = page.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("form-action 'self' https://shop.example");
    expect(csp).not.toContain("unsafe");
    const html = await page.text();
    expect(html).toContain('lang="ja"');
    expect(html).toContain("お支払い");
    expect(html).not.toMatch(/<script(?![^>]*src="\/hosted\/)/);
    expect((await fetch(`${baseUrl()}/checkout/cs_nosuchsession`)).status).toBe(404);
  });

  it("a card payment completes the session, redirects to success_url and writes checkout.session.completed once", async () => {
    const m = await createMerchant();
    const created = await session(m);
    const paid = await submit(created.id, card("4242424242424242"));
    expect(paid.status).toBe(303);
    expect(paid.location).toBe(`https://shop.example/thanks?session=${created.id}`);
    const after = (await m.sandbox.request<Session>("GET", `/checkout/sessions/${created.id}`)).body;
    expect(after).toMatchObject({ status: "complete", payment_status: "paid", url: null });
    const payments = await paymentsOf(created.id);
    expect(payments).toMatchObject([{ id: after.payment, status: "succeeded", amount: "4000" }]);
    expect(await eventsOf(created.id, "checkout.session.completed")).toHaveLength(1);
    // Paying again is only the completed page: no second payment.
    await submit(created.id, card("4242424242424242"));
    expect(await paymentsOf(created.id)).toHaveLength(1);
  });

  it("a double submit (two tabs, two clicks at once) charges once", async () => {
    const m = await createMerchant();
    const created = await session(m);
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => submit(created.id, card("4242424242424242"))),
    );
    expect(answers.filter((answer) => answer.status === 303)).not.toHaveLength(0);
    const payments = await paymentsOf(created.id);
    expect(payments).toHaveLength(1);
    expect(await eventsOf(created.id, "checkout.session.completed")).toHaveLength(1);
  });

  it("shows a decline so the customer can retry, then takes a good card", async () => {
    const m = await createMerchant();
    const created = await session(m);
    const declined = await submit(created.id, card("4000000000000002"));
    expect(declined.status).toBe(422);
    expect(declined.text).toContain('role="alert"');
    expect(declined.text).toContain("Your card was declined");
    expect(declined.text).not.toContain("4000000000000002");
    expect((await m.sandbox.request<Session>("GET", `/checkout/sessions/${created.id}`)).body.status).toBe(
      "open",
    );
    const paid = await submit(created.id, card("4242424242424242"));
    expect(paid.status).toBe(303);
    const payments = await paymentsOf(created.id);
    expect(payments.map((payment) => payment.status).sort()).toEqual(["failed", "succeeded"]);
  });

  it("refuses unreadable card data on the page and writes nothing", async () => {
    const m = await createMerchant();
    const created = await session(m);
    const bad = await submit(created.id, { ...card("4242424242424242"), card_expiry: "13" });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('role="alert"');
    expect(await paymentsOf(created.id)).toEqual([]);
  });

  it("refuses a NUL in a form field before claiming: the session stays payable", async () => {
    const m = await createMerchant();
    const created = await session(m);
    const bad = await submit(created.id, { ...card("4242424242424242"), card_name: "Ada\u0000Lovelace" });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('role="alert"');
    const wallet = await fetch(`${baseUrl()}/checkout/${created.id}/wallet`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ wallet: "google_pay", email: "a\u0000@example.com" }),
    });
    expect(wallet.status).toBe(422);
    expect(await query("select payment_claim from checkout_sessions where id = $1", [created.id])).toEqual([
      { payment_claim: null },
    ]);
    expect((await submit(created.id, card("4242424242424242"))).status).toBe(303);
    expect(await paymentsOf(created.id)).toHaveLength(1);
  });

  it("pays a session whose line names cut at the payment description's 1000 units would split an emoji", async () => {
    const m = await createMerchant();
    const line = (name: string) => ({
      price_data: { currency: "USD", unit_amount: 100, product_data: { name } },
      quantity: 1,
    });
    const long = "b".repeat(250);
    // The four names joined with ", " put the emoji's two halves at units 999 and 1000.
    const created = await session(m, {
      line_items: [line(long), line(long), line(long), line(`${"a".repeat(243)}😀aaaaa`)],
    });
    expect((await submit(created.id, card("4242424242424242"))).status).toBe(303);
    const [payment] = await query<{ description: string }>(
      "select description from payments where metadata->>'checkout_session' = $1",
      [created.id],
    );
    expect(payment?.description).toHaveLength(999);
  });

  it("3-D Secure: the page sends the customer to the challenge, and the return completes the session", async () => {
    const m = await createMerchant();
    const created = await session(m);
    const challenge = await submit(created.id, card("4000000000003220"));
    expect(challenge.status).toBe(303);
    const action = new URL(challenge.location ?? "", baseUrl());
    expect(action.pathname).toMatch(/^\/sandbox\/actions\/pay_/);
    const approved = await decideSandboxAction(`${baseUrl()}${action.pathname}${action.search}`, "approve");
    expect(approved.status).toBe(303);
    const back = new URL(approved.headers.get("location") ?? "");
    expect(back.pathname).toBe(`/checkout/${created.id}/return`);
    const done = await fetch(`${baseUrl()}${back.pathname}${back.search}`, { redirect: "manual" });
    expect(done.status).toBe(303);
    expect(done.headers.get("location")).toBe(`https://shop.example/thanks?session=${created.id}`);
    expect(
      (await m.sandbox.request<Session>("GET", `/checkout/sessions/${created.id}`)).body.payment_status,
    ).toBe("paid");
  });

  it("3-D Secure abandoned: past expires_at checkout-expire cancels the payment, expires the session and frees the link's place", async () => {
    const m = await createMerchant();
    const link = await m.sandbox.request<{ id: string; url: string }>("POST", "/payment_links", {
      line_items: [{ price: await price(m), quantity: 1 }],
      restrictions: { completed_sessions: { limit: 1 } },
    });
    const visit = await fetch(`${baseUrl()}${new URL(link.body.url).pathname}`, { redirect: "manual" });
    const id = new URL(visit.headers.get("location") ?? "").pathname.split("/")[2] ?? "";
    const challenge = await submit(id, card("4000000000003220"));
    expect(new URL(challenge.location ?? "", baseUrl()).pathname).toMatch(/^\/sandbox\/actions\/pay_/);
    // The customer never comes back; the session's time runs out.
    await query("update checkout_sessions set expires_at = now() - interval '1 second' where id = $1", [id]);
    await runFunctionFor("checkout-expire", {}, 0);
    const after = (await m.sandbox.request<Session>("GET", `/checkout/sessions/${id}`)).body;
    expect(after.status).toBe("expired");
    expect(await eventsOf(id, "checkout.session.expired")).toHaveLength(1);
    expect((await paymentsOf(id)).map((payment) => payment.status)).toEqual(["canceled"]);
    const restored = await m.sandbox.request<{ restrictions: { completed_sessions: { count: number } } }>(
      "GET",
      `/payment_links/${link.body.id}`,
    );
    expect(restored.body.restrictions.completed_sessions.count).toBe(0);
  });

  it("3-D Secure approved but the customer never returned: past expires_at checkout-expire completes the session", async () => {
    const m = await createMerchant();
    const created = await session(m);
    const challenge = await submit(created.id, card("4000000000003220"));
    const action = new URL(challenge.location ?? "", baseUrl());
    expect(
      (await decideSandboxAction(`${baseUrl()}${action.pathname}${action.search}`, "approve")).status,
    ).toBe(303);
    await query("update checkout_sessions set expires_at = now() - interval '1 second' where id = $1", [
      created.id,
    ]);
    await runFunctionFor("checkout-expire", {}, 0);
    const after = (await m.sandbox.request<Session>("GET", `/checkout/sessions/${created.id}`)).body;
    expect(after).toMatchObject({ status: "complete", payment_status: "paid" });
    expect((await paymentsOf(created.id)).map((payment) => payment.status)).toEqual(["succeeded"]);
    expect(await eventsOf(created.id, "checkout.session.completed")).toHaveLength(1);
    expect(await eventsOf(created.id, "checkout.session.expired")).toEqual([]);
  });

  it("a claim whose request died before writing a payment is released after 15 minutes, and the customer can pay", async () => {
    const m = await createMerchant();
    const [dead, recent] = await Promise.all([session(m), session(m)]);
    // The requests that claimed them died (the process, or the database under them) before createPayment wrote.
    const claim = (id: string, age: string) =>
      query(
        `update checkout_sessions set payment_claim = 'died', updated_at = now() - interval '${age}' where id = $1`,
        [id],
      );
    await claim(dead.id, "16 minutes");
    await claim(recent.id, "1 minute");
    await runFunctionFor("checkout-expire", {}, 0);
    const claims = await query<{ id: string; payment_claim: string | null; last_error: string | null }>(
      "select id, payment_claim, last_error from checkout_sessions where id = any($1) order by id = $2 desc",
      [[dead.id, recent.id], dead.id],
    );
    expect(claims).toEqual([
      { id: dead.id, payment_claim: null, last_error: "processing_error" },
      { id: recent.id, payment_claim: "died", last_error: null },
    ]);
    const paid = await submit(dead.id, card("4242424242424242"));
    expect(paid.location).toBe(`https://shop.example/thanks?session=${dead.id}`);
    expect((await paymentsOf(dead.id)).map((payment) => payment.status)).toEqual(["succeeded"]);
  });

  it("a claim whose request died after writing its payment adopts that payment instead of charging again", async () => {
    const m = await createMerchant();
    const created = await session(m);
    const payment = await m.sandbox.request<{ id: string; status: string }>("POST", "/payments", {
      amount: created.amount_total,
      currency: "USD",
      confirm: true,
      payment_method_data: {
        type: "card",
        card: { number: "4242424242424242", exp_month: 12, exp_year: 2040, cvc: "123" },
      },
      metadata: { checkout_session: created.id },
    });
    expect(payment.body.status).toBe("succeeded");
    await query(
      "update checkout_sessions set payment_claim = 'died', updated_at = now() - interval '16 minutes' where id = $1",
      [created.id],
    );
    await runFunctionFor("checkout-expire", {}, 0);
    const after = (await m.sandbox.request<Session>("GET", `/checkout/sessions/${created.id}`)).body;
    expect(after).toMatchObject({ status: "complete", payment_status: "paid", payment: payment.body.id });
    expect(await eventsOf(created.id, "checkout.session.completed")).toHaveLength(1);
    expect(await paymentsOf(created.id)).toHaveLength(1);
  });

  it("async payments: a settled debit is seen even behind a backlog of older sessions still processing", async () => {
    const m = await createMerchant();
    const debit = async () =>
      (
        await m.sandbox.request<{ id: string; status: string }>("POST", "/payments", {
          amount: 10_000,
          currency: "EUR",
          confirm: true,
          payment_method_data: { type: "sepa_debit", billing_details: { country: "DE" } },
        })
      ).body.id;
    const [slow, settled] = [await debit(), await debit()];
    const created = await session(m);
    // 100 older sessions whose debit is still processing, and this one, completed unpaid on a debit.
    await query(
      `insert into checkout_sessions select (r).* from (
         select json_populate_record(s, json_build_object('id', s.id || '_' || n, 'payment_id', $2::text,
           'status', 'complete', 'payment_status', 'unpaid', 'completed_at', now() - interval '1 day',
           'updated_at', now() - interval '1 day')) as r
         from checkout_sessions s, generate_series(1, 100) n where s.id = $1) older`,
      [created.id, slow],
    );
    await query(
      "update checkout_sessions set status = 'complete', payment_status = 'unpaid', payment_id = $2, completed_at = now(), updated_at = now() where id = $1",
      [created.id, settled],
    );
    await m.sandbox.request("POST", `/sandbox/payments/${settled}/complete`, { outcome: "succeeded" });
    try {
      await runFunctionFor("checkout-expire", {}, 0);
      await runFunctionFor("checkout-expire", {}, 0);
      expect(
        (await m.sandbox.request<Session>("GET", `/checkout/sessions/${created.id}`)).body.payment_status,
      ).toBe("paid");
      expect(await eventsOf(created.id, "checkout.session.async_payment_succeeded")).toHaveLength(1);
    } finally {
      await query("delete from checkout_sessions where id like $1", [`${created.id}\\_%`]);
    }
  });

  it("adjustable quantity: the customer's quantity is charged within the merchant's bounds", async () => {
    const m = await createMerchant();
    const poster = await price(m);
    const created = await session(m, {
      line_items: [
        { price: poster, quantity: 1, adjustable_quantity: { enabled: true, minimum: 1, maximum: 3 } },
      ],
    });
    const tooMany = await submit(created.id, { ...card("4242424242424242"), quantity_0: "4" });
    expect(tooMany.status).toBe(422);
    expect(await paymentsOf(created.id)).toEqual([]);
    expect((await submit(created.id, { ...card("4242424242424242"), quantity_0: "3" })).status).toBe(303);
    expect(await paymentsOf(created.id)).toMatchObject([{ amount: "4500" }]);
    const items = await m.sandbox.request<{ data: Array<{ quantity: number }> }>(
      "GET",
      `/checkout/sessions/${created.id}/line_items`,
    );
    expect(items.body.data[0]?.quantity).toBe(3);
  });
});
