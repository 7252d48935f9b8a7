import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { call, createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { applePayToken, deviceCard, tablesHolding } from "../../../test/wallet-tokens";

type WalletSession = {
  id: string;
  status: string;
  payment: string | null;
  apple_pay: { merchant_identifier: string; payment_request: Record<string, unknown> } | null;
};

async function openSession(m: TestMerchant, amount = 1250) {
  const created = await m.sandbox.request<WalletSession>("POST", "/wallet/sessions", {
    wallet: "apple_pay",
    amount,
    currency: "USD",
    merchant_domain: "shop.example.com",
    display_name: "Example Shop",
  });
  expect(created.status).toBe(200);
  return created.body;
}

const complete = (m: TestMerchant, id: string, token: string) =>
  m.sandbox.request<WalletSession & { error?: { code: string } }>("POST", `/wallet/sessions/${id}/complete`, {
    token,
  });

describe("Apple Pay: payment request, merchant validation, EC_v1 tokens", () => {
  it("gives the payment request and validates the merchant with Apple (the sandbox double)", async () => {
    const m = await createMerchant();
    const session = await openSession(m);
    expect(session.apple_pay).toEqual({
      merchant_identifier: "merchant.com.magnetpay.dev",
      payment_request: {
        countryCode: "US",
        currencyCode: "USD",
        supportedNetworks: ["visa", "masterCard", "amex", "discover"],
        merchantCapabilities: ["supports3DS"],
        total: { label: "Example Shop", amount: "12.50", type: "final" },
      },
    });
    const validated = await m.sandbox.request("POST", `/wallet/sessions/${session.id}/apple-pay/validate`, {
      validation_url: "https://apple-pay-gateway-cert.apple.com/paymentservices/startSession",
    });
    expect(validated.status).toBe(200);
    // The double echoes what the server sent it.
    expect(validated.body).toMatchObject({
      merchantIdentifier: "merchant.com.magnetpay.dev",
      domainName: "shop.example.com",
      displayName: "Example Shop",
      sandboxGatewayUrl: "https://apple-pay-gateway-cert.apple.com/paymentservices/startSession",
    });
  });

  it("calls only Apple's gateway hosts: hostile validation URLs are refused", async () => {
    const m = await createMerchant();
    const session = await openSession(m);
    const hostile = [
      "http://apple-pay-gateway.apple.com/paymentservices/startSession",
      "https://apple-pay-gateway.apple.com:8443/paymentservices/startSession",
      "https://apple-pay-gateway.apple.com.evil.example/paymentservices/startSession",
      "https://apple-pay-gateway.apple.com@evil.example/paymentservices/startSession",
      "https://user:pass@apple-pay-gateway.apple.com/paymentservices/startSession",
      "https://evil.example/paymentservices/startSession",
      "https://apple.com/paymentservices/startSession",
      "https://evil-apple-pay-gateway.apple.com/paymentservices/startSession",
      "https://apple-pay-gateway.apple.com./paymentservices/startSession",
      "https://apple-pay-gateway.apple.com/paymentservices/startSession?redirect=http://169.254.169.254/",
      "https://apple-pay-gateway.apple.com/paymentservices/startSession#x",
      "https://apple-pay-gateway.apple.com/admin",
      "https://169.254.169.254/latest/meta-data/",
      "https://127.0.0.1/paymentservices/startSession",
      "https://[::1]/paymentservices/startSession",
      "https://localhost/paymentservices/startSession",
      "file:///etc/passwd",
      "javascript:alert(1)",
      "not a url",
    ];
    for (const url of hostile) {
      const response = await m.sandbox.request("POST", `/wallet/sessions/${session.id}/apple-pay/validate`, {
        validation_url: url,
      });
      expect(response.status, url).toBe(400);
      expect((response.body as { error: { code: string } }).error.code, url).toBe(
        "wallet_validation_url_invalid",
      );
    }
  });

  it("production has no certificate binding here: 503, nothing called", async () => {
    const m = await createMerchant();
    const created = await m.production.request<WalletSession>("POST", "/wallet/sessions", {
      wallet: "apple_pay",
      amount: 100,
      currency: "USD",
      merchant_domain: "shop.example.com",
      display_name: "Example Shop",
    });
    const response = await m.production.request(
      "POST",
      `/wallet/sessions/${created.body.id}/apple-pay/validate`,
      {
        validation_url: "https://apple-pay-gateway.apple.com/paymentservices/startSession",
      },
    );
    expectError(response, 503, "wallet_not_configured");
  });

  it("serves the domain association file from configuration, without credentials", async () => {
    const response = await call("GET", "/.well-known/apple-developer-merchantid-domain-association");
    expect(response.status).toBe(200);
    expect(response.text).toBe("magnetpay-dev-apple-developer-merchantid-domain-association");
  });

  it("pays with the token's DPAN once, storing neither DPAN nor cryptogram", async () => {
    const m = await createMerchant();
    const session = await openSession(m);
    const card = deviceCard();
    const token = applePayToken({ card, amount: 1250 });
    const completed = await complete(m, session.id, token);
    expect(completed.status).toBe(200);
    expect(completed.body.status).toBe("complete");
    const payment = await m.sandbox.request<Record<string, unknown>>(
      "GET",
      `/payments/${completed.body.payment}`,
    );
    expect(payment.body).toMatchObject({
      status: "succeeded",
      amount: 1250,
      metadata: { wallet: "apple_pay", wallet_session: session.id },
      payment_method_details: { card: { last4: card.number.slice(-4), exp_month: 12, exp_year: 2031 } },
    });
    const other = await openSession(m);
    expectError(await complete(m, other.id, token), 409, "wallet_token_replayed");
    expect(await tablesHolding(m.merchantId, [card.number, card.cryptogram])).toEqual([]);
  });

  it("refuses tampered, expired, wrongly signed and wrong-amount tokens, and writes nothing", async () => {
    const m = await createMerchant();
    const session = await openSession(m);
    const tenMinutesAgo = new Date(Date.now() - 10 * 60 * 1000);
    const cases: Array<[string, string, string]> = [
      ["tampered", applePayToken({ amount: 1250, tamper: true }), "wallet_token_invalid"],
      ["untrusted chain", applePayToken({ amount: 1250, untrustedChain: true }), "wallet_token_invalid"],
      [
        "signed too long ago",
        applePayToken({ amount: 1250, signingTime: tenMinutesAgo }),
        "wallet_token_expired",
      ],
      ["other amount", applePayToken({ amount: 99 }), "wallet_token_invalid"],
      ["not JSON", "nope", "wallet_token_invalid"],
      ["EC_v2", JSON.stringify({ paymentData: { version: "RSA_v1" } }), "wallet_token_invalid"],
    ];
    for (const [name, token, code] of cases) {
      const response = await complete(m, session.id, token);
      expect(response.status, name).toBe(400);
      expect(response.body.error?.code, name).toBe(code);
    }
    expect(await query("select 1 from wallet_tokens where session_id = $1", [session.id])).toHaveLength(0);
    expect(await query("select 1 from payments where merchant_id = $1", [m.merchantId])).toHaveLength(0);
  });

  it("another merchant's session is a 404 for validation too", async () => {
    const m = await createMerchant();
    const other = await createMerchant();
    const session = await openSession(m);
    expectError(
      await other.sandbox.request("POST", `/wallet/sessions/${session.id}/apple-pay/validate`, {
        validation_url: "https://apple-pay-gateway.apple.com/paymentservices/startSession",
      }),
      404,
      "resource_missing",
    );
  });
});
