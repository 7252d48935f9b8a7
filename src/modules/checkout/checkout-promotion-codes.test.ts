import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { baseUrl, createMerchant, expectError, type TestMerchant } from "../../../test/harness";

const SUCCESS = "https://shop.example/thanks?session={CHECKOUT_SESSION_ID}";
const card = (number: string) => ({
  method: "card",
  card_number: number,
  card_expiry: "12/40",
  card_cvc: "123",
  card_name: "Ada Lovelace",
});

type Session = {
  status: string;
  amount_subtotal: number;
  amount_total: number;
  total_details: { amount_discount: number };
  discounts: Array<{ coupon: string; promotion_code: string }>;
  payment: string | null;
  customer: string | null;
};

async function promotionCode(m: TestMerchant, code: string, extra: Record<string, unknown> = {}) {
  const coupon = await m.sandbox.request<{ id: string }>("POST", "/coupons", { percent_off: 25 });
  const created = await m.sandbox.request<{ id: string }>("POST", "/promotion-codes", {
    coupon: coupon.body.id,
    code,
    ...extra,
  });
  expect(created.status, created.text).toBe(200);
  return { id: created.body.id, coupon: coupon.body.id };
}

async function checkoutSession(m: TestMerchant, body: Record<string, unknown> = {}) {
  const created = await m.sandbox.request<{ id: string }>("POST", "/checkout/sessions", {
    line_items: [
      {
        price_data: { currency: "USD", unit_amount: 1999, product_data: { name: "Lamp" } },
        quantity: 1,
        adjustable_quantity: { enabled: true, minimum: 1, maximum: 9 },
      },
    ],
    success_url: SUCCESS,
    allow_promotion_codes: true,
    ...body,
  });
  expect(created.status, created.text).toBe(200);
  return created.body.id;
}

async function post(path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(`${baseUrl()}${path}`, {
    method: "POST",
    body: new URLSearchParams(fields),
    headers,
    redirect: "manual",
  });
  return { status: response.status, location: response.headers.get("location"), text: await response.text() };
}

const alertOf = (html: string) =>
  /role="alert"[^>]*>([^<]*)</.exec(html)?.[1]?.replaceAll("&#39;", "'").replaceAll("&quot;", '"') ?? null;

async function timesRedeemed(id: string): Promise<number> {
  const [row] = await query<{ times_redeemed: number }>(
    "select times_redeemed from promotion_codes where id = $1",
    [id],
  );
  return Number(row?.times_redeemed);
}

describe("Checkout page: promotion codes", () => {
  it("Apply shows the discounted total and redeems nothing; paying charges it and redeems once", async () => {
    const m = await createMerchant();
    const code = await promotionCode(m, "SAVE25");
    const id = await checkoutSession(m);
    const applied = await post(`/checkout/${id}/promotion-code`, {
      promotion_code: "save25",
      quantity_0: "2",
    });
    expect(applied.status).toBe(200);
    // 2 × 19.99 = 39.98; 25 % is 9.995, rounded half up to 10.00.
    expect(applied.text).toContain("Code SAVE25 applied.");
    expect(applied.text).toContain("Discount (SAVE25)");
    expect(applied.text).toContain("Pay $29.98");
    expect(await timesRedeemed(code.id)).toBe(0);
    const before = await m.sandbox.request<Session>("GET", `/checkout/sessions/${id}`);
    expect(before.body).toMatchObject({
      amount_subtotal: 3998,
      amount_total: 2998,
      total_details: { amount_discount: 1000 },
      discounts: [{ coupon: code.coupon, promotion_code: code.id }],
    });

    // A declined card: the claim is released, the redemption kept for the retry (not made twice).
    const declined = await post(`/checkout/${id}`, {
      ...card("4000000000000002"),
      quantity_0: "2",
      email: "ada@example.com",
    });
    expect(declined.status).toBe(422);
    const paid = await post(`/checkout/${id}`, { ...card("4242424242424242"), quantity_0: "2" });
    expect(paid.status, paid.text).toBe(303);

    const session = await m.sandbox.request<Session>("GET", `/checkout/sessions/${id}`);
    expect(session.body).toMatchObject({ status: "complete", amount_total: 2998 });
    const payment = await m.sandbox.request<{ amount: number; status: string; customer: string }>(
      "GET",
      `/payments/${session.body.payment}`,
    );
    expect(payment.body).toMatchObject({
      amount: 2998,
      status: "succeeded",
      customer: session.body.customer,
    });
    expect(await timesRedeemed(code.id)).toBe(1);
    const discounts = await query<{ discount_amount: string; amount: string }>(
      "select discount_amount, amount from discounts where promotion_code_id = $1",
      [code.id],
    );
    expect(discounts).toEqual([{ discount_amount: "1000", amount: "3998" }]);
  });

  it("refusals are shown in the customer's language: unknown, used up, below the minimum, expired", async () => {
    const m = await createMerchant();
    const id = await checkoutSession(m, { locale: "fr" });
    const apply = (code: string, headers: Record<string, string> = {}) =>
      post(`/checkout/${id}/promotion-code`, { promotion_code: code, quantity_0: "1" }, headers);

    const unknown = await apply("NOPE");
    expect(unknown.status).toBe(422);
    expect(alertOf(unknown.text)).toBe("Ce code n'est pas valide.");

    const usedUp = await promotionCode(m, "ONCE", { max_redemptions: 1 });
    const buyer = await m.sandbox.request<{ id: string }>("POST", "/customers", { name: "Buyer" });
    await m.sandbox.request("POST", `/promotion-codes/${usedUp.id}/redeem`, {
      customer: buyer.body.id,
      amount: 1000,
      currency: "USD",
    });
    expect(alertOf((await apply("ONCE")).text)).toBe("Ce code a déjà été entièrement utilisé.");

    await promotionCode(m, "BIGBASKET", {
      restrictions: { minimum_amount: 5000, minimum_amount_currency: "USD" },
    });
    expect(alertOf((await apply("BIGBASKET")).text)).toBe("Ce code ne s'applique pas à cette commande.");

    const soon = new Date(Date.now() + 3_600_000).toISOString();
    await promotionCode(m, "SOON", { expires_at: soon });
    const late = await apply("SOON", { "x-test-clock-offset-seconds": "7200" });
    expect(alertOf(late.text)).toBe("Ce code a expiré.");

    const session = await m.sandbox.request<Session>("GET", `/checkout/sessions/${id}`);
    expect(session.body).toMatchObject({ amount_total: 1999, discounts: [] });
  });

  it("a code needs the customer's email to be redeemed; a session without allow_promotion_codes has no field", async () => {
    const m = await createMerchant();
    await promotionCode(m, "EMAILME");
    const id = await checkoutSession(m);
    await post(`/checkout/${id}/promotion-code`, { promotion_code: "EMAILME", quantity_0: "1" });
    const noEmail = await post(`/checkout/${id}`, { ...card("4242424242424242"), quantity_0: "1" });
    expect(noEmail.status).toBe(422);
    expect(alertOf(noEmail.text)).toBe("Enter your email to use a promotion code.");

    const closed = await checkoutSession(m, { allow_promotion_codes: false });
    const html = await (await fetch(`${baseUrl()}/checkout/${closed}`)).text();
    expect(html).not.toContain("promotion_code");
    const refused = await post(`/checkout/${closed}/promotion-code`, { promotion_code: "EMAILME" });
    expect(refused.status).toBe(422);
    expect((await m.sandbox.request<Session>("GET", `/checkout/sessions/${closed}`)).body.discounts).toEqual(
      [],
    );
  });

  it("discounts at creation: a coupon or a promotion code the merchant sets, charged and redeemed when paying", async () => {
    const m = await createMerchant();
    const coupon = await m.sandbox.request<{ id: string }>("POST", "/coupons", {
      amount_off: 500,
      currency: "USD",
      name: "Launch",
    });
    const id = await checkoutSession(m, {
      allow_promotion_codes: false,
      customer_email: "ada@example.com",
      discounts: [{ coupon: coupon.body.id }],
    });
    const created = await m.sandbox.request<Session>("GET", `/checkout/sessions/${id}`);
    expect(created.body).toMatchObject({
      amount_subtotal: 1999,
      amount_total: 1499,
      discounts: [{ coupon: coupon.body.id, promotion_code: null }],
    });
    const html = await (await fetch(`${baseUrl()}/checkout/${id}`)).text();
    expect(html).toContain("Discount (Launch)");
    expect(html).not.toContain("promotion_code");
    const paid = await post(`/checkout/${id}`, { ...card("4242424242424242"), quantity_0: "1" });
    expect(paid.status, paid.text).toBe(303);
    const [payment] = await query<{ amount: string }>(
      "select amount from payments where metadata->>'checkout_session' = $1",
      [id],
    );
    expect(payment?.amount).toBe("1499");
    const [redeemed] = await query<{ times_redeemed: number }>(
      "select times_redeemed from coupons where id = $1",
      [coupon.body.id],
    );
    expect(Number(redeemed?.times_redeemed)).toBe(1);

    const code = await promotionCode(m, "MERCHANT25");
    const withCode = await m.sandbox.request<Session>("POST", "/checkout/sessions", {
      line_items: [
        { price_data: { currency: "USD", unit_amount: 2000, product_data: { name: "Lamp" } }, quantity: 1 },
      ],
      success_url: SUCCESS,
      discounts: [{ promotion_code: code.id }],
    });
    expect(withCode.body).toMatchObject({
      amount_total: 1500,
      discounts: [{ coupon: code.coupon, promotion_code: code.id }],
    });

    const both = await m.sandbox.request("POST", "/checkout/sessions", {
      line_items: [
        { price_data: { currency: "USD", unit_amount: 2000, product_data: { name: "Lamp" } }, quantity: 1 },
      ],
      success_url: SUCCESS,
      allow_promotion_codes: true,
      discounts: [{ coupon: coupon.body.id }],
    });
    expectError(both, 400, "parameter_invalid");
    const missing = await m.sandbox.request("POST", "/checkout/sessions", {
      line_items: [
        { price_data: { currency: "USD", unit_amount: 2000, product_data: { name: "Lamp" } }, quantity: 1 },
      ],
      success_url: SUCCESS,
      discounts: [{ coupon: "coupon_nope" }],
    });
    expectError(missing, 404, "resource_missing");
  });
});
