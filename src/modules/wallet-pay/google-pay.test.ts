import { describe, expect, inject, it } from "vitest";
import { readWorkerLog } from "../../../test/card-data";
import { query } from "../../../test/db";
import { call, createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { deviceCard, googlePayToken, tablesHolding } from "../../../test/wallet-tokens";

type WalletSession = {
  id: string;
  status: string;
  payment: string | null;
  google_pay: { environment: string; payment_data_request: Record<string, unknown> } | null;
  apple_pay: unknown;
};

async function openSession(m: TestMerchant, amount = 2599) {
  const created = await m.sandbox.request<WalletSession>("POST", "/wallet/sessions", {
    wallet: "google_pay",
    amount,
    currency: "USD",
    merchant_domain: "shop.example.com",
    display_name: "Example Shop",
  });
  expect(created.status).toBe(200);
  return created.body;
}

function complete(m: TestMerchant, id: string, token: string, key?: string) {
  return m.sandbox.request<WalletSession & { error?: { code: string } }>(
    "POST",
    `/wallet/sessions/${id}/complete`,
    { token },
    key ? { "Idempotency-Key": key } : {},
  );
}

describe("Google Pay: sessions and ECv2 tokens", () => {
  it("gives the PaymentDataRequest pieces for the gateway and this merchant", async () => {
    const m = await createMerchant();
    const session = await openSession(m);
    expect(session.apple_pay).toBeNull();
    expect(session.google_pay).toEqual({
      environment: "TEST",
      payment_data_request: {
        apiVersion: 2,
        apiVersionMinor: 0,
        merchantInfo: { merchantName: "Example Shop" },
        allowedPaymentMethods: [
          {
            type: "CARD",
            parameters: {
              allowedAuthMethods: ["PAN_ONLY", "CRYPTOGRAM_3DS"],
              allowedCardNetworks: ["VISA", "MASTERCARD", "AMEX", "DISCOVER"],
            },
            tokenizationSpecification: {
              type: "PAYMENT_GATEWAY",
              parameters: { gateway: "magnetpay", gatewayMerchantId: m.merchantId },
            },
          },
        ],
        transactionInfo: {
          totalPriceStatus: "FINAL",
          totalPrice: "25.99",
          currencyCode: "USD",
          countryCode: "US",
        },
      },
    });
  });

  it("pays the session's amount with the token's card, once, and keeps neither DPAN nor cryptogram", async () => {
    const m = await createMerchant();
    const session = await openSession(m);
    const card = deviceCard();
    const token = googlePayToken({ merchantId: m.merchantId, card });
    const completed = await complete(m, session.id, token, `wallet-${session.id}`);
    expect(completed.status).toBe(200);
    expect(completed.body).toMatchObject({ id: session.id, status: "complete" });
    expect(completed.body.payment).toMatch(/^pay_/);

    const payment = await m.sandbox.request<Record<string, unknown>>(
      "GET",
      `/payments/${completed.body.payment}`,
    );
    expect(payment.body).toMatchObject({
      status: "succeeded",
      amount: 2599,
      currency: "USD",
      payment_method_type: "card",
      metadata: { wallet_session: session.id, wallet: "google_pay" },
      payment_method_details: { card: { last4: card.number.slice(-4), brand: "visa" } },
    });

    // The same request again replays; the same token in a new request is refused.
    const replayedRequest = await complete(m, session.id, token, `wallet-${session.id}`);
    expect(replayedRequest.status).toBe(200);
    expect(replayedRequest.headers.get("idempotent-replayed")).toBe("true");
    const other = await openSession(m);
    expectError(await complete(m, other.id, token), 409, "wallet_token_replayed");
    expectError(
      await complete(m, session.id, googlePayToken({ merchantId: m.merchantId })),
      409,
      "wallet_session_state_invalid",
    );
    const payments = await query("select id from payments where merchant_id = $1", [m.merchantId]);
    expect(payments).toHaveLength(1);
    const events = await query<{ type: string }>(
      "select type from events where object_id = $1 order by created_at",
      [session.id],
    );
    expect(events.map((event) => event.type)).toEqual(["wallet_session.created", "wallet_session.completed"]);

    // The scan finds what is there (the session id), and no DPAN or cryptogram.
    expect(await tablesHolding(m.merchantId, [session.id])).toContain("wallet_sessions");
    expect(await tablesHolding(m.merchantId, [card.number, card.cryptogram])).toEqual([]);
    const log = await readWorkerLog(inject("workerLogFile"));
    expect(log).not.toContain(card.number);
    expect(log).not.toContain(card.cryptogram);
  });

  it("refuses tampered, wrongly signed, expired and foreign tokens, and writes nothing", async () => {
    const m = await createMerchant();
    const session = await openSession(m);
    const valid = JSON.parse(googlePayToken({ merchantId: m.merchantId })) as Record<string, string>;
    const signed = JSON.parse(valid.signedMessage ?? "{}") as Record<string, string>;
    const altered = Buffer.from(signed.encryptedMessage ?? "", "base64");
    altered[0] = (altered[0] ?? 0) ^ 1;
    const tampered = JSON.stringify({
      ...valid,
      signedMessage: JSON.stringify({ ...signed, encryptedMessage: altered.toString("base64") }),
    });
    const hourAgo = Date.now() - 60 * 60 * 1000;
    const cases: Array<[string, string, number, string]> = [
      ["tampered message", tampered, 400, "wallet_token_invalid"],
      [
        "wrong tag",
        googlePayToken({ merchantId: m.merchantId, wrongTag: true }),
        400,
        "wallet_token_invalid",
      ],
      [
        "unknown root",
        googlePayToken({ merchantId: m.merchantId, unknownRoot: true }),
        400,
        "wallet_token_invalid",
      ],
      [
        "other recipient",
        googlePayToken({ merchantId: m.merchantId, recipientId: "gateway:other" }),
        400,
        "wallet_token_invalid",
      ],
      ["other merchant", googlePayToken({ merchantId: "mer_someoneelse" }), 400, "wallet_token_invalid"],
      [
        "expired message",
        googlePayToken({ merchantId: m.merchantId, messageExpiration: hourAgo }),
        400,
        "wallet_token_expired",
      ],
      [
        "expired intermediate key",
        googlePayToken({ merchantId: m.merchantId, intermediateExpiration: hourAgo }),
        400,
        "wallet_token_expired",
      ],
      ["not JSON", "{not json", 400, "wallet_token_invalid"],
      ["ECv1", JSON.stringify({ ...valid, protocolVersion: "ECv1" }), 400, "wallet_token_invalid"],
    ];
    for (const [name, token, status, code] of cases) {
      const response = await complete(m, session.id, token);
      expect(response.status, name).toBe(status);
      expect(response.body.error?.code, name).toBe(code);
    }
    expect(await query("select 1 from wallet_tokens where session_id = $1", [session.id])).toHaveLength(0);
    expect(await query("select 1 from payments where merchant_id = $1", [m.merchantId])).toHaveLength(0);
    // The session is still open: a good token pays.
    const paid = await complete(m, session.id, googlePayToken({ merchantId: m.merchantId }));
    expect(paid.body.status).toBe("complete");
  });

  it("reopens the session after a decline, so another card can pay", async () => {
    const m = await createMerchant();
    const session = await openSession(m);
    const declined = { ...deviceCard(), number: "4000000000000002" };
    const refused = await complete(
      m,
      session.id,
      googlePayToken({ merchantId: m.merchantId, card: declined }),
    );
    expectError(refused, 402, "card_declined");
    const reopened = await m.sandbox.request<WalletSession>("GET", `/wallet/sessions/${session.id}`);
    expect(reopened.body).toMatchObject({ status: "open", payment: null });
    const paid = await complete(m, session.id, googlePayToken({ merchantId: m.merchantId }));
    expect(paid.body.status).toBe("complete");
  });

  it("an expired session takes no token", async () => {
    const m = await createMerchant();
    const session = await openSession(m);
    const later = { "x-test-clock-offset-seconds": String(31 * 60) };
    const seen = await m.sandbox.request<WalletSession>(
      "GET",
      `/wallet/sessions/${session.id}`,
      undefined,
      later,
    );
    expect(seen.body.status).toBe("expired");
    const response = await m.sandbox.request(
      "POST",
      `/wallet/sessions/${session.id}/complete`,
      { token: googlePayToken({ merchantId: m.merchantId }) },
      later,
    );
    expectError(response, 409, "wallet_session_state_invalid");
  });

  it("another merchant's or environment's session is a 404; bad bodies are 400s that write nothing", async () => {
    const m = await createMerchant();
    const other = await createMerchant();
    const session = await openSession(m);
    const token = googlePayToken({ merchantId: m.merchantId });
    expectError(
      await other.sandbox.request("GET", `/wallet/sessions/${session.id}`),
      404,
      "resource_missing",
    );
    expectError(await complete(other, session.id, token), 404, "resource_missing");
    expectError(await m.production.request("GET", `/wallet/sessions/${session.id}`), 404, "resource_missing");
    expectError(
      await m.production.request("POST", `/wallet/sessions/${session.id}/complete`, { token }),
      404,
      "resource_missing",
    );
    const bad = [
      {
        wallet: "samsung_pay",
        amount: 100,
        currency: "USD",
        merchant_domain: "a.example",
        display_name: "A",
      },
      { wallet: "google_pay", amount: -1, currency: "USD", merchant_domain: "a.example", display_name: "A" },
      { wallet: "google_pay", amount: 100, currency: "usd", merchant_domain: "a.example", display_name: "A" },
      {
        wallet: "google_pay",
        amount: 100,
        currency: "USD",
        merchant_domain: "https://a.example",
        display_name: "A",
      },
      {
        wallet: "google_pay",
        amount: 100,
        currency: "USD",
        merchant_domain: "a.example",
        display_name: "x".repeat(65),
      },
      {
        wallet: "google_pay",
        amount: 100,
        currency: "USD",
        merchant_domain: "a.example",
        display_name: "A",
        extra: 1,
      },
    ];
    for (const body of bad) {
      const response = await m.sandbox.request("POST", "/wallet/sessions", body);
      expect(response.status, JSON.stringify(body)).toBe(400);
    }
    expect(await query("select 1 from wallet_sessions where merchant_id = $1", [m.merchantId])).toHaveLength(
      1,
    );
    expect((await call("GET", `/api/v1/wallet/sessions/${session.id}`)).status).toBe(401);
  });

  it("a retried create with the same Idempotency-Key makes one session", async () => {
    const m = await createMerchant();
    const body = {
      wallet: "google_pay",
      amount: 500,
      currency: "EUR",
      country: "FR",
      merchant_domain: "boutique.example.fr",
      display_name: "Boutique",
    };
    const headers = { "Idempotency-Key": "wallet-create-1" };
    const first = await m.sandbox.request<WalletSession>("POST", "/wallet/sessions", body, headers);
    const second = await m.sandbox.request<WalletSession>("POST", "/wallet/sessions", body, headers);
    expect(second.body.id).toBe(first.body.id);
    expect(await query("select 1 from wallet_sessions where merchant_id = $1", [m.merchantId])).toHaveLength(
      1,
    );
  });
});
