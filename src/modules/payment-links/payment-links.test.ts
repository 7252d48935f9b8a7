import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { baseUrl, createMerchant, expectError, type TestMerchant } from "../../../test/harness";

interface Link {
  id: string;
  url: string;
  active: boolean;
  restrictions: { completed_sessions: { limit: number; count: number } | null };
}

async function price(m: TestMerchant): Promise<string> {
  const product = await m.sandbox.request<{ id: string }>("POST", "/products", { name: "Ticket" });
  return (
    await m.sandbox.request<{ id: string }>("POST", "/prices", {
      product: product.body.id,
      currency: "USD",
      unit_amount: 1000,
    })
  ).body.id;
}

async function link(m: TestMerchant, body: Record<string, unknown>): Promise<Link> {
  const created = await m.sandbox.request<Link>("POST", "/payment_links", body);
  expect(created.status, created.text).toBe(200);
  return created.body;
}

/** A visit to the link: the checkout session it opened. */
async function visit(url: string): Promise<{ status: number; session: string | null }> {
  const response = await fetch(`${baseUrl()}${new URL(url).pathname}`, { redirect: "manual" });
  await response.text();
  const location = response.headers.get("location");
  return {
    status: response.status,
    session: location ? (new URL(location).pathname.split("/")[2] ?? null) : null,
  };
}

async function pay(session: string, fields: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl()}/checkout/${session}`, {
    method: "POST",
    body: new URLSearchParams({
      method: "card",
      card_number: "4242424242424242",
      card_expiry: "12/40",
      card_cvc: "123",
      email: "fan@example.com",
      ...fields,
    }),
    redirect: "manual",
  });
  return { status: response.status, text: await response.text() };
}

describe("payment links", { timeout: 120_000 }, () => {
  it("creates a short unguessable link; each visit opens a fresh checkout session of its items", async () => {
    const m = await createMerchant();
    const created = await link(m, {
      line_items: [
        { price: await price(m), quantity: 1, adjustable_quantity: { enabled: true, maximum: 4 } },
      ],
      after_completion: { type: "redirect", redirect: { url: "https://shop.example/done" } },
    });
    expect(created.id).toMatch(/^plink_/);
    expect(created.url).toMatch(/\/pay\/test_[0-9A-Za-z]{16}$/);
    const first = await visit(created.url);
    const second = await visit(created.url);
    expect(first.status).toBe(303);
    expect(first.session).toMatch(/^cs_/);
    expect(second.session).not.toBe(first.session);
    const sessions = await m.sandbox.request<{ data: Array<{ id: string; payment_link: string }> }>(
      "GET",
      `/checkout/sessions?payment_link=${created.id}`,
    );
    expect(sessions.body.data).toHaveLength(2);
    const paid = await fetch(`${baseUrl()}/checkout/${first.session}`, {
      method: "POST",
      body: new URLSearchParams({
        method: "card",
        card_number: "4242424242424242",
        card_expiry: "12/40",
        email: "a@example.com",
      }),
      redirect: "manual",
    });
    expect(paid.headers.get("location")).toBe("https://shop.example/done");
    expect((await visit("https://x/pay/doesnotexist000")).status).toBe(410);
  });

  it("20 parallel checkouts of a link limited to 5 complete exactly 5", async () => {
    const m = await createMerchant();
    const created = await link(m, {
      line_items: [{ price: await price(m), quantity: 1 }],
      restrictions: { completed_sessions: { limit: 5 } },
    });
    const sessions = await Promise.all(Array.from({ length: 20 }, () => visit(created.url)));
    const outcomes = await Promise.all(sessions.map((opened) => pay(opened.session ?? "")));
    expect(outcomes.filter((outcome) => outcome.status === 200)).toHaveLength(5);
    const complete = await query(
      "select id from checkout_sessions where payment_link_id = $1 and status = 'complete'",
      [created.id],
    );
    expect(complete).toHaveLength(5);
    const charged = await query(
      "select p.id from payments p join checkout_sessions s on p.id = s.payment_id where s.payment_link_id = $1",
      [created.id],
    );
    expect(charged).toHaveLength(5);
    const after = (await m.sandbox.request<Link>("GET", `/payment_links/${created.id}`)).body;
    expect(after.restrictions.completed_sessions).toEqual({ limit: 5, count: 5 });
    expect((await visit(created.url)).status).toBe(410);
  });

  it("a donation link takes the amount the customer picks, within its bounds", async () => {
    const m = await createMerchant();
    const created = await link(m, {
      custom_amount: {
        currency: "EUR",
        minimum: 500,
        maximum: 100_000,
        preset: 2_500,
        description: "Donation",
      },
      after_completion: {
        type: "hosted_confirmation",
        hosted_confirmation: { custom_message: "Thank you for giving!" },
      },
    });
    const opened = await visit(created.url);
    const tooSmall = await pay(opened.session ?? "", { amount: "1.00" });
    expect(tooSmall.status).toBe(422);
    const given = await pay(opened.session ?? "", { amount: "42.50" });
    expect(given.status).toBe(200);
    expect(given.text).toContain("Thank you for giving!");
    const amounts = await query<{ amount: string; currency: string }>(
      "select amount, currency from payments where metadata->>'checkout_session' = $1 and status = 'succeeded'",
      [opened.session],
    );
    expect(amounts).toEqual([{ amount: "4250", currency: "EUR" }]);
  });

  it("an inactive or expired link opens no session; tenancy and bad input", async () => {
    const m = await createMerchant();
    const other = await createMerchant();
    const p = await price(m);
    const created = await link(m, { line_items: [{ price: p, quantity: 1 }] });
    const off = await m.sandbox.request<Link>("PATCH", `/payment_links/${created.id}`, { active: false });
    expect(off.body.active).toBe(false);
    expect((await visit(created.url)).status).toBe(410);
    const soon = await link(m, {
      line_items: [{ price: p, quantity: 1 }],
      expires_at: new Date(Date.now() + 60_000).toISOString(),
    });
    const later = await fetch(`${baseUrl()}${new URL(soon.url).pathname}`, {
      redirect: "manual",
      headers: { "x-test-clock-offset-seconds": "120" },
    });
    expect(later.status).toBe(410);
    expectError(await other.sandbox.request("GET", `/payment_links/${created.id}`), 404, "resource_missing");
    expectError(await m.production.request("GET", `/payment_links/${created.id}`), 404, "resource_missing");
    expectError(
      await other.sandbox.request("PATCH", `/payment_links/${created.id}`, { active: true }),
      404,
      "resource_missing",
    );
    expectError(await m.sandbox.request("POST", "/payment_links", {}), 400, "parameter_invalid");
    expectError(
      await m.sandbox.request("POST", "/payment_links", {
        custom_amount: { currency: "USD", minimum: 900, maximum: 100, description: "x" },
      }),
      400,
      "amount_invalid",
    );
    expectError(
      await m.sandbox.request("POST", "/payment_links", {
        line_items: [{ price: "price_missing", quantity: 1 }],
      }),
      404,
      "resource_missing",
    );
    for (const adjustable_quantity of [
      { enabled: true, maximum: 3 },
      { enabled: true, minimum: 5, maximum: 8 },
    ]) {
      expectError(
        await m.sandbox.request("POST", "/payment_links", {
          line_items: [{ price: p, quantity: 4, adjustable_quantity }],
        }),
        400,
        "checkout_line_items_invalid",
      );
    }
    // A price archived after the link was made: visitors get the page, not the API's error.
    const archivable = await price(m);
    const stale = await link(m, { line_items: [{ price: archivable, quantity: 1 }] });
    expect((await m.sandbox.request("PATCH", `/prices/${archivable}`, { active: false })).status).toBe(200);
    const refused = await fetch(`${baseUrl()}${new URL(stale.url).pathname}`, { redirect: "manual" });
    expect(refused.status).toBe(410);
    expect(refused.headers.get("content-type")).toContain("text/html");
    const count = await query("select id from payment_links where merchant_id = $1", [m.merchantId]);
    expect(count).toHaveLength(3);
    const key = { "idempotency-key": `pl-${Date.now()}` };
    const body = { line_items: [{ price: p, quantity: 2 }] };
    const first = await m.sandbox.request<Link>("POST", "/payment_links", body, key);
    const replay = await m.sandbox.request<Link>("POST", "/payment_links", body, key);
    expect(replay.body.id).toBe(first.body.id);
    expect(await query("select id from payment_links where merchant_id = $1", [m.merchantId])).toHaveLength(
      4,
    );
  });
});
