import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { query } from "./db";
import { baseUrl, createMerchant, type TestMerchant } from "./harness";
import {
  checkAccessible as checkPage,
  chromiumAvailable,
  fillCard,
  launchChromium,
  openPage as openBrowserPage,
  startShop,
} from "./hosted-browser";
import { googlePayToken } from "./wallet-tokens";

/**
 * The hosted checkout page in a real browser (Debian's Chromium, never a downloaded build): every
 * flow a customer takes, with axe-core on each page, a screenshot of each (test-artifacts/hosted/),
 * and the page's weight. One browser for the file; only the Worker's origin is reachable, and the
 * merchant's shop is a server the test runs on loopback (test/hosted-browser.ts).
 */
const ARTIFACTS = "test-artifacts/hosted";
let SHOP: string;
let shop: { url: string; close: () => void };

let browser: Browser;
let merchant: TestMerchant;

function openPage(): Promise<{ page: Page; bytes: Map<string, number> }> {
  return openBrowserPage(browser, [SHOP]);
}

function checkAccessible(page: Page, name: string) {
  return checkPage(page, ARTIFACTS, name);
}

async function createSession(body: Record<string, unknown> = {}): Promise<{ id: string; url: string }> {
  const created = await merchant.sandbox.request<{ id: string; url: string }>("POST", "/checkout/sessions", {
    line_items: [
      { price_data: { currency: "USD", unit_amount: 1999, product_data: { name: "Notebook" } }, quantity: 1 },
    ],
    success_url: `${SHOP}/thanks?session={CHECKOUT_SESSION_ID}`,
    cancel_url: `${SHOP}/cart`,
    ...body,
  });
  expect(created.status, created.text).toBe(200);
  return created.body;
}

async function sessionStatus(id: string) {
  return (
    await merchant.sandbox.request<{ status: string; payment_status: string }>(
      "GET",
      `/checkout/sessions/${id}`,
    )
  ).body;
}

async function paymentCount(id: string): Promise<number> {
  return (await query("select id from payments where metadata->>'checkout_session' = $1", [id])).length;
}

describe.skipIf(!chromiumAvailable && !process.env.CI)("hosted checkout page in Chromium", () => {
  beforeAll(async () => {
    merchant = await createMerchant();
    shop = await startShop();
    SHOP = shop.url;
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    shop?.close();
  });

  it("pays with the success card, weighs under 100 KB compressed, and has no accessibility violations", async () => {
    const session = await createSession({ customer_email: "ada@example.com" });
    const { page, bytes } = await openPage();
    const cspViolations: string[] = [];
    page.on("console", (message) => {
      if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
    });
    await page.goto(session.url);
    await checkAccessible(page, "checkout-card");
    const weight = [...bytes.values()].reduce((sum, size) => sum + size, 0);
    expect([...bytes.keys()].sort()).toEqual(
      [`/checkout/${session.id}`, "/hosted/checkout.css", "/hosted/checkout.js", "/hosted/wallet.js"].sort(),
    );
    expect(weight).toBeLessThanOrEqual(100 * 1024);
    await fillCard(page, "4242424242424242");
    await page.getByRole("button", { name: /Pay/ }).click();
    await page.waitForURL(`${SHOP}/thanks?session=${session.id}`);
    expect(cspViolations).toEqual([]);
    expect(await sessionStatus(session.id)).toMatchObject({ status: "complete", payment_status: "paid" });
    await page.close();
  }, 90_000);

  it("3-D Secure: the challenge, then back to the shop", async () => {
    const session = await createSession();
    const { page } = await openPage();
    await page.goto(session.url);
    await page.getByLabel("Email").fill("ada@example.com");
    await fillCard(page, "4000000000003220");
    await page.getByRole("button", { name: /Pay/ }).click();
    await page.getByRole("button", { name: "Approve" }).waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/three-d-secure.png` });
    await page.getByRole("button", { name: "Approve" }).click();
    await page.waitForURL(`${SHOP}/thanks?session=${session.id}`);
    expect(await sessionStatus(session.id)).toMatchObject({ status: "complete", payment_status: "paid" });
    await page.close();
  }, 90_000);

  it("a decline is announced and the customer pays with another card", async () => {
    const session = await createSession({ customer_email: "ada@example.com" });
    const { page } = await openPage();
    await page.goto(session.url);
    await fillCard(page, "4000000000000002");
    await page.getByRole("button", { name: /Pay/ }).click();
    const alert = page.getByRole("alert");
    await alert.waitFor();
    expect(await alert.textContent()).toContain("declined");
    await checkAccessible(page, "checkout-declined");
    await fillCard(page, "4242424242424242");
    await page.getByRole("button", { name: /Pay/ }).click();
    await page.waitForURL(`${SHOP}/thanks?session=${session.id}`);
    expect(await paymentCount(session.id)).toBe(2);
    await page.close();
  }, 90_000);

  it("a redirect method (iDEAL) and UPI", async () => {
    const ideal = await createSession({
      line_items: [
        { price_data: { currency: "EUR", unit_amount: 1250, product_data: { name: "Tulips" } }, quantity: 1 },
      ],
      payment_method_types: ["card", "ideal"],
      customer_email: "jan@example.com",
      locale: "de",
    });
    const { page } = await openPage();
    await page.goto(ideal.url);
    await page.getByLabel("iDEAL").check();
    await checkAccessible(page, "checkout-ideal-de");
    await page.getByRole("button", { name: /bezahlen/ }).click();
    await page.getByRole("button", { name: "Approve" }).click();
    await page.waitForURL(`${SHOP}/thanks?session=${ideal.id}`);
    expect(await sessionStatus(ideal.id)).toMatchObject({ status: "complete", payment_status: "paid" });

    const upi = await createSession({
      line_items: [
        {
          price_data: { currency: "INR", unit_amount: 49_900, product_data: { name: "Chai set" } },
          quantity: 1,
        },
      ],
      payment_method_types: ["upi", "card"],
      customer_email: "asha@example.com",
      locale: "hi",
    });
    await page.goto(upi.url);
    await page.getByLabel("UPI आईडी (VPA)").fill("success@upi");
    await checkAccessible(page, "checkout-upi-hi");
    await page.locator('button[type="submit"]').click();
    await page.waitForURL(`${SHOP}/thanks?session=${upi.id}`);
    expect(await sessionStatus(upi.id)).toMatchObject({ status: "complete", payment_status: "paid" });
    await page.close();
  }, 120_000);

  it("a payment link with a quantity, and a donation amount", async () => {
    const product = await merchant.sandbox.request<{ id: string }>("POST", "/products", {
      name: "Concert ticket",
    });
    const price = await merchant.sandbox.request<{ id: string }>("POST", "/prices", {
      product: product.body.id,
      currency: "USD",
      unit_amount: 2500,
    });
    const link = await merchant.sandbox.request<{ url: string; id: string }>("POST", "/payment_links", {
      line_items: [
        { price: price.body.id, quantity: 1, adjustable_quantity: { enabled: true, minimum: 1, maximum: 6 } },
      ],
    });
    const { page } = await openPage();
    await page.goto(link.body.url);
    await page.getByLabel("Quantity of Concert ticket").fill("3");
    await expect(page.getByRole("button", { name: /Pay/ }).textContent()).resolves.toContain("75.00");
    await page.getByLabel("Email").fill("fan@example.com");
    await fillCard(page, "4242424242424242");
    await checkAccessible(page, "payment-link-quantity");
    await page.getByRole("button", { name: /Pay/ }).click();
    await page.getByRole("status").waitFor();
    expect(await page.getByRole("status").textContent()).toContain("Payment received");
    const charged = await query<{ amount: string }>(
      "select p.amount from payments p join checkout_sessions s on s.payment_id = p.id where s.payment_link_id = $1",
      [link.body.id],
    );
    expect(charged).toEqual([{ amount: "7500" }]);

    const donation = await merchant.sandbox.request<{ url: string; id: string }>("POST", "/payment_links", {
      custom_amount: {
        currency: "USD",
        minimum: 100,
        maximum: 50_000,
        preset: 1_000,
        description: "Donation",
      },
      after_completion: {
        type: "hosted_confirmation",
        hosted_confirmation: { custom_message: "Thank you for giving!" },
      },
    });
    await page.goto(donation.body.url);
    await page.getByLabel("Amount (USD)").fill("12.34");
    await page.getByLabel("Email").fill("giver@example.com");
    await fillCard(page, "4242424242424242");
    await checkAccessible(page, "donation");
    await page.getByRole("button", { name: /Pay/ }).click();
    await page.getByText("Thank you for giving!").waitFor();
    const given = await query<{ amount: string }>(
      "select p.amount from payments p join checkout_sessions s on s.payment_id = p.id where s.payment_link_id = $1",
      [donation.body.id],
    );
    expect(given).toEqual([{ amount: "1234" }]);
    await page.close();
  }, 120_000);

  it("an expired session shows that it expired", async () => {
    const session = await createSession();
    await merchant.sandbox.request("POST", `/checkout/sessions/${session.id}/expire`);
    const { page } = await openPage();
    await page.goto(`${baseUrl()}/checkout/${session.id}`);
    expect(await page.getByRole("status").textContent()).toContain("expired");
    await checkAccessible(page, "checkout-expired");
    await page.close();
  }, 60_000);

  it("a subscription with a trial: the recurring price and the trial shown, then trialing with the card as default", async () => {
    const product = await merchant.sandbox.request<{ id: string }>("POST", "/products", { name: "Pro plan" });
    const price = await merchant.sandbox.request<{ id: string }>("POST", "/prices", {
      product: product.body.id,
      currency: "EUR",
      unit_amount: 1000,
      recurring: { interval: "month" },
    });
    const session = await createSession({
      mode: "subscription",
      line_items: [{ price: price.body.id, quantity: 1 }],
      subscription_data: { trial_period_days: 14 },
    });
    const { page } = await openPage();
    await page.goto(session.url);
    await expect(page.locator(".summary").textContent()).resolves.toContain("€10.00 / month");
    await expect(page.locator(".trial").textContent()).resolves.toContain(
      "14 days free, then €10.00 / month",
    );
    await page.getByLabel("Email").fill("sub@example.com");
    await fillCard(page, "4242424242424242");
    await checkAccessible(page, "subscription-trial");
    await page.getByRole("button", { name: "Start trial" }).click();
    await page.waitForURL(`${SHOP}/thanks?session=${session.id}`);
    const done = (
      await merchant.sandbox.request<{
        status: string;
        payment_status: string;
        subscription: string;
        customer: string;
      }>("GET", `/checkout/sessions/${session.id}`)
    ).body;
    expect(done).toMatchObject({ status: "complete", payment_status: "no_payment_required" });
    const subscription = await merchant.sandbox.request<{ status: string; customer: string }>(
      "GET",
      `/subscriptions/${done.subscription}`,
    );
    expect(subscription.body).toMatchObject({ status: "trialing", customer: done.customer });
    const customer = await merchant.sandbox.request<{ email: string; default_payment_method: string | null }>(
      "GET",
      `/customers/${done.customer}`,
    );
    expect(customer.body.email).toBe("sub@example.com");
    const method = await merchant.sandbox.request<{ customer: string; card: { last4: string } }>(
      "GET",
      `/payment-methods/${customer.body.default_payment_method}`,
    );
    expect(method.body).toMatchObject({ customer: done.customer, card: { last4: "4242" } });
    await page.close();
  }, 90_000);

  it("wallet buttons stay hidden on a device that can't pay with them (headless Chromium: no ApplePaySession, no Google Pay)", async () => {
    const session = await createSession({ customer_email: "ada@example.com" });
    const { page } = await openPage();
    await page.goto(session.url);
    await page.locator("#wallet-buttons[data-ready]").waitFor({ state: "attached" });
    expect(await page.locator("#wallet-buttons").isHidden()).toBe(true);
    expect(await page.getByRole("button", { name: "Google Pay" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: "Apple Pay" }).count()).toBe(0);
    await page.close();
  }, 60_000);

  it("Google Pay through a stubbed Payment Request API: the button shows, the token pays the session", async () => {
    const session = await createSession({ customer_email: "ada@example.com" });
    const token = googlePayToken({ merchantId: merchant.merchantId });
    const { page } = await openPage();
    // The browser's Payment Request API as a device with Google Pay answers it: the sheet returns
    // Google's PaymentData, whose token the test built for this merchant.
    await page.addInitScript((built) => {
      class StubPaymentRequest {
        async canMakePayment() {
          return true;
        }
        async show() {
          return {
            details: {
              paymentMethodData: {
                type: "CARD",
                tokenizationData: { type: "PAYMENT_GATEWAY", token: built },
              },
            },
            complete: async () => undefined,
          };
        }
      }
      Object.defineProperty(globalThis, "PaymentRequest", { value: StubPaymentRequest });
    }, token);
    await page.goto(session.url);
    const button = page.getByRole("button", { name: "Google Pay" });
    await button.waitFor();
    await checkAccessible(page, "checkout-wallets");
    await button.click();
    await page.waitForURL(`${SHOP}/thanks?session=${session.id}`);
    expect(await sessionStatus(session.id)).toMatchObject({ status: "complete", payment_status: "paid" });
    expect(await paymentCount(session.id)).toBe(1);
    await page.close();
  }, 60_000);

  it("a promotion code: Apply shows the discounted total, and the payment charges it", async () => {
    const coupon = await merchant.sandbox.request<{ id: string }>("POST", "/coupons", { percent_off: 10 });
    await merchant.sandbox.request("POST", "/promotion-codes", { coupon: coupon.body.id, code: "BROWSER10" });
    const session = await createSession({ customer_email: "ada@example.com", allow_promotion_codes: true });
    const { page } = await openPage();
    await page.goto(session.url);
    await page.getByLabel("Promotion code").fill("browser10");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByText("Code BROWSER10 applied.").waitFor();
    await checkAccessible(page, "checkout-promotion-code");
    await fillCard(page, "4242424242424242");
    await page.getByRole("button", { name: "Pay $17.99" }).click();
    await page.waitForURL(`${SHOP}/thanks?session=${session.id}`);
    const [payment] = await query<{ amount: string }>(
      "select amount from payments where metadata->>'checkout_session' = $1",
      [session.id],
    );
    expect(payment?.amount).toBe("1799");
    await page.close();
  }, 60_000);

  it("a double-click on Pay charges once", async () => {
    const session = await createSession({ customer_email: "ada@example.com" });
    const { page } = await openPage();
    await page.goto(session.url);
    await fillCard(page, "4242424242424242");
    await page.getByRole("button", { name: /Pay/ }).dblclick();
    // The session completing is what proves the payment went through; then count the charges.
    await expect
      .poll(async () => (await sessionStatus(session.id)).status, { timeout: 30_000 })
      .toBe("complete");
    expect(await paymentCount(session.id)).toBe(1);
    await page.close();
  }, 60_000);
});
