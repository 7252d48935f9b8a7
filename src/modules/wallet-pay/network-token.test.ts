import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { readWorkerLog } from "../../../test/card-data";
import { createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { type StripeMock, startStripeMock } from "../../../test/stripe-mock";
import { applePayToken, deviceCard, googlePayToken, tablesHolding } from "../../../test/wallet-tokens";
import { connectStripe, intentCalls, SECRET_KEY } from "../providers/stripe-testing";

type WalletSession = { id: string; status: string; payment: string | null };

/**
 * A wallet token's DPAN, cryptogram and ECI reach the provider as a network token (Stripe's
 * network_token card fields, seen by the local Stripe API) and nowhere else.
 */
describe("Wallet Pay: network-token payments", () => {
  let mock: StripeMock;
  let m: TestMerchant;

  beforeAll(async () => {
    mock = await startStripeMock(SECRET_KEY);
    m = await createMerchant();
    await connectStripe(m.sandbox, mock);
    const providers = await m.sandbox.request<{ data: Array<{ id: string; provider: string }> }>(
      "GET",
      "/providers",
    );
    for (const other of providers.body.data.filter((p) => p.provider !== "stripe")) {
      await m.sandbox.request("PATCH", `/providers/${other.id}`, { enabled: false });
    }
  });
  afterAll(async () => {
    await mock.close();
  });

  async function pay(wallet: "google_pay" | "apple_pay", token: (amount: number) => string) {
    const session = await m.sandbox.request<WalletSession>("POST", "/wallet/sessions", {
      wallet,
      amount: 4200,
      currency: "USD",
      merchant_domain: "shop.example.com",
      display_name: "Example Shop",
    });
    expect(session.status).toBe(200);
    const completed = await m.sandbox.request<WalletSession>(
      "POST",
      `/wallet/sessions/${session.body.id}/complete`,
      { token: token(4200) },
    );
    expect(completed.status, JSON.stringify(completed.body)).toBe(200);
    const paymentId = completed.body.payment ?? "";
    const [sent, ...more] = intentCalls(mock, paymentId);
    expect(more).toEqual([]);
    return { sent, paymentId };
  }

  it("Google Pay CRYPTOGRAM_3DS: the provider gets the DPAN, the cryptogram and the ECI", async () => {
    const card = deviceCard();
    const token = googlePayToken({ merchantId: m.merchantId, card });
    const { sent } = await pay("google_pay", () => token);
    expect(sent?.params).toMatchObject({
      "payment_method_data[type]": "card",
      "payment_method_data[card][last4]": card.number.slice(-4),
      "payment_method_data[card][network_token][number]": card.number,
      "payment_method_data[card][network_token][exp_month]": "12",
      "payment_method_data[card][network_token][exp_year]": "2031",
      "payment_method_data[card][network_token][tokenization_method]": "google_pay_dpan",
      "payment_method_options[card][network_token][cryptogram]": card.cryptogram,
      "payment_method_options[card][network_token][electronic_commerce_indicator]": "05",
    });
    // The DPAN is not sent as an ordinary card number.
    expect(sent?.params["payment_method_data[card][number]"]).toBeUndefined();

    expect(await tablesHolding(m.merchantId, [card.number, card.cryptogram])).toEqual([]);
    const log = await readWorkerLog(inject("workerLogFile"));
    expect(log).not.toContain(card.number);
    expect(log).not.toContain(card.cryptogram);

    // The same token again: refused before any provider call.
    const other = await m.sandbox.request<WalletSession>("POST", "/wallet/sessions", {
      wallet: "google_pay",
      amount: 4200,
      currency: "USD",
      merchant_domain: "shop.example.com",
      display_name: "Example Shop",
    });
    const calls = mock.requests.length;
    expectError(
      await m.sandbox.request("POST", `/wallet/sessions/${other.body.id}/complete`, { token }),
      409,
      "wallet_token_replayed",
    );
    expect(mock.requests.length).toBe(calls);
  });

  it("Apple Pay EC_v1: the provider gets the DPAN as an apple_pay network token with its cryptogram", async () => {
    const card = deviceCard();
    const { sent } = await pay("apple_pay", (amount) => applePayToken({ amount, card }));
    expect(sent?.params).toMatchObject({
      "payment_method_data[card][network_token][number]": card.number,
      "payment_method_data[card][network_token][tokenization_method]": "apple_pay",
      "payment_method_options[card][network_token][cryptogram]": card.cryptogram,
      "payment_method_options[card][network_token][electronic_commerce_indicator]": "7",
    });
    expect(await tablesHolding(m.merchantId, [card.number, card.cryptogram])).toEqual([]);
  });
});
