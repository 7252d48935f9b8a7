import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { baseUrl, createMerchant, type TestMerchant } from "../../../test/harness";
import { applePayToken, deviceCard, googlePayToken, tablesHolding } from "../../../test/wallet-tokens";

const SUCCESS = "https://shop.example/thanks?session={CHECKOUT_SESSION_ID}";

type WalletAnswer = {
  id: string;
  amount: number;
  google_pay: { payment_data_request: { transactionInfo: { totalPrice: string } } } | null;
  apple_pay: { payment_request: { total: { amount: string } } } | null;
  redirect?: string;
  error?: { code: string; message: string };
};

async function checkoutSession(m: TestMerchant, body: Record<string, unknown> = {}) {
  const created = await m.sandbox.request<{ id: string }>("POST", "/checkout/sessions", {
    line_items: [
      {
        price_data: { currency: "USD", unit_amount: 1250, product_data: { name: "Mug" } },
        quantity: 1,
        adjustable_quantity: { enabled: true, minimum: 1, maximum: 5 },
      },
    ],
    success_url: SUCCESS,
    ...body,
  });
  expect(created.status, created.text).toBe(200);
  return created.body.id;
}

/** The page script's calls: JSON to the page's own endpoints, no API key. */
async function page(path: string, body: Record<string, unknown>) {
  const response = await fetch(`${baseUrl()}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as WalletAnswer };
}

async function checkoutRow(id: string) {
  const [row] = await query<{ status: string; payment_id: string | null; payment_claim: string | null }>(
    "select status, payment_id, payment_claim from checkout_sessions where id = $1",
    [id],
  );
  return row;
}

describe("Checkout page: Apple Pay and Google Pay through the page's endpoints", () => {
  it("renders the wallet buttons hidden, for the script to reveal; none in subscription mode or without cards", async () => {
    const m = await createMerchant();
    const id = await checkoutSession(m);
    const html = await (await fetch(`${baseUrl()}/checkout/${id}`)).text();
    expect(html).toContain('id="wallet-buttons"');
    expect(html).toMatch(/data-wallet="apple_pay" hidden/);
    expect(html).toMatch(/data-wallet="google_pay" hidden/);
    expect(html).toContain('src="/hosted/wallet.js"');

    const upiOnly = await checkoutSession(m, {
      line_items: [
        { price_data: { currency: "INR", unit_amount: 50000, product_data: { name: "Tea" } }, quantity: 1 },
      ],
      payment_method_types: ["upi"],
    });
    expect(await (await fetch(`${baseUrl()}/checkout/${upiOnly}`)).text()).not.toContain("wallet-buttons");
    expectRefused(await page(`/checkout/${upiOnly}/wallet`, { wallet: "google_pay" }), "invalid");
  });

  it("refuses an email that is not one before claiming: nothing stored, no customer made", async () => {
    const m = await createMerchant();
    const id = await checkoutSession(m);
    for (const email of ["not an email", `${"a".repeat(100_000)}@example.com`]) {
      const opened = await page(`/checkout/${id}/wallet`, { wallet: "google_pay", quantity_0: "1", email });
      expect(opened.status).toBe(200);
      const token = googlePayToken({ merchantId: m.merchantId });
      expectRefused(
        await page(`/checkout/${id}/wallet/${opened.body.id}/complete`, { token, quantity_0: "1", email }),
        "invalid",
      );
    }
    expect(await checkoutRow(id)).toMatchObject({ status: "open", payment_claim: null, payment_id: null });
    expect(await query("select id from customers where merchant_id = $1", [m.merchantId])).toEqual([]);
    expect(await query("select customer_email from checkout_sessions where id = $1", [id])).toEqual([
      { customer_email: null },
    ]);
  });

  it("opens a wallet session for a merchant whose name, cut to the sheet's 64 units, would split an emoji", async () => {
    const m = await createMerchant();
    await query("update merchants set business_name = $2 where id = $1", [
      m.merchantId,
      `${"a".repeat(63)}😀 Shop`,
    ]);
    const id = await checkoutSession(m);
    const opened = await page(`/checkout/${id}/wallet`, { wallet: "google_pay", quantity_0: "1" });
    expect(opened.status, JSON.stringify(opened.body)).toBe(200);
    expect(opened.body.amount).toBe(1250);
  });
  it("Google Pay: a wallet session for the chosen quantity, the token pays the checkout session once", async () => {
    const m = await createMerchant();
    const id = await checkoutSession(m);
    const opened = await page(`/checkout/${id}/wallet`, { wallet: "google_pay", quantity_0: "3" });
    expect(opened.status).toBe(200);
    expect(opened.body.amount).toBe(3750);
    expect(opened.body.google_pay?.payment_data_request.transactionInfo.totalPrice).toBe("37.50");

    const card = deviceCard();
    const token = googlePayToken({ merchantId: m.merchantId, card });
    // The sheet's amount is what the customer chose; other choices are refused before any claim.
    expectRefused(
      await page(`/checkout/${id}/wallet/${opened.body.id}/complete`, { token, quantity_0: "2" }),
      "invalid",
    );
    const paid = await page(`/checkout/${id}/wallet/${opened.body.id}/complete`, { token, quantity_0: "3" });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect(paid.body.redirect).toBe(SUCCESS.replace("{CHECKOUT_SESSION_ID}", id));

    const session = await m.sandbox.request<Record<string, unknown>>("GET", `/checkout/sessions/${id}`);
    expect(session.body).toMatchObject({ status: "complete", payment_status: "paid", amount_total: 3750 });
    const payment = await m.sandbox.request<Record<string, unknown>>(
      "GET",
      `/payments/${session.body.payment}`,
    );
    expect(payment.body).toMatchObject({
      status: "succeeded",
      amount: 3750,
      metadata: { checkout_session: id, wallet: "google_pay", wallet_session: opened.body.id },
    });

    // Paid once: a second wallet session can't be opened, another token pays nothing.
    expectRefused(
      await page(`/checkout/${id}/wallet`, { wallet: "google_pay" }),
      "checkout_session_state_invalid",
    );
    const again = await page(`/checkout/${id}/wallet/${opened.body.id}/complete`, {
      token: googlePayToken({ merchantId: m.merchantId }),
      quantity_0: "3",
    });
    expect(again.body.redirect).toBe(`/checkout/${id}`);
    const payments = await query("select id from payments where metadata->>'checkout_session' = $1", [id]);
    expect(payments).toHaveLength(1);
    const completed = await query("select id from events where object_id = $1 and type = $2", [
      id,
      "checkout.session.completed",
    ]);
    expect(completed).toHaveLength(1);
    expect(await tablesHolding(m.merchantId, [card.number, card.cryptogram])).toEqual([]);
  });

  it("Apple Pay: merchant validation for the page's wallet session, then the token pays", async () => {
    const m = await createMerchant();
    const id = await checkoutSession(m);
    const opened = await page(`/checkout/${id}/wallet`, { wallet: "apple_pay" });
    expect(opened.status).toBe(200);
    expect(opened.body.apple_pay?.payment_request.total.amount).toBe("12.50");
    const validated = await page(`/checkout/${id}/wallet/${opened.body.id}/apple-pay/validate`, {
      validation_url: "https://apple-pay-gateway-cert.apple.com/paymentservices/startSession",
    });
    expect(validated.status).toBe(200);
    expect(validated.body).toMatchObject({
      domainName: new URL(baseUrl()).hostname,
      displayName: "Test Shop",
    });

    // A wallet session another checkout session opened is not this one's.
    const other = await checkoutSession(m);
    const foreign = await page(`/checkout/${other}/wallet/${opened.body.id}/apple-pay/validate`, {
      validation_url: "https://apple-pay-gateway-cert.apple.com/paymentservices/startSession",
    });
    expect(foreign.status).toBe(404);

    const paid = await page(`/checkout/${id}/wallet/${opened.body.id}/complete`, {
      token: applePayToken({ amount: 1250 }),
    });
    expect(paid.status, JSON.stringify(paid.body)).toBe(200);
    expect((await checkoutRow(id))?.status).toBe("complete");
  });

  it("a declined wallet card releases the claim with a localized message; the session stays open", async () => {
    const m = await createMerchant();
    const id = await checkoutSession(m, { locale: "fr" });
    const opened = await page(`/checkout/${id}/wallet`, { wallet: "google_pay" });
    const declining = {
      number: "4000000000000002",
      expMonth: 12,
      expYear: 2031,
      cryptogram: "AAECAwQFBgcICQ==",
    };
    const refused = await page(`/checkout/${id}/wallet/${opened.body.id}/complete`, {
      token: googlePayToken({ merchantId: m.merchantId, card: declining }),
    });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toEqual({
      code: "card_declined",
      message: "Votre carte a été refusée. Essayez une autre carte ou un autre moyen.",
    });
    expect(await checkoutRow(id)).toMatchObject({ status: "open", payment_claim: null });
  });
});

describe("Checkout page wallet endpoints: bad input", () => {
  it("malformed bodies, unknown wallets, sessions and tokens are 4xx answers, never 500s", async () => {
    const m = await createMerchant();
    const id = await checkoutSession(m);
    const raw = await fetch(`${baseUrl()}/checkout/${id}/wallet`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(raw.status).toBe(422);
    expectRefused(await page(`/checkout/${id}/wallet`, { wallet: "paypal" }), "invalid");
    expectRefused(
      await page(`/checkout/${id}/wallet`, { wallet: "google_pay", quantity_0: "99" }),
      "quantity_out_of_range",
    );
    expect((await page("/checkout/cs_nope/wallet", { wallet: "google_pay" })).status).toBe(404);
    const opened = await page(`/checkout/${id}/wallet`, { wallet: "google_pay" });
    expectRefused(await page(`/checkout/${id}/wallet/${opened.body.id}/complete`, {}), "invalid");
    expectRefused(
      await page(`/checkout/${id}/wallet/${opened.body.id}/complete`, { token: "{}" }),
      "wallet_token_invalid",
    );
    expect((await page(`/checkout/${id}/wallet/wses_nope/complete`, { token: "{}" })).status).toBe(404);
    expect(await checkoutRow(id)).toMatchObject({ status: "open", payment_claim: null });
  });
});

function expectRefused(answer: { status: number; body: WalletAnswer }, code: string) {
  expect(answer.status, JSON.stringify(answer.body)).toBeGreaterThanOrEqual(400);
  expect(answer.body.error?.code).toBe(code);
}
