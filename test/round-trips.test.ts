import { beforeAll, describe, expect, inject, it } from "vitest";
import { generateBankDetails } from "../src/core/bank-details";
import { type ApiResponse, createMerchant, type TestMerchant } from "./harness";

interface Counted {
  db_http: number;
  db_ws: number;
  redis: number;
}

/** Round trips the request made before it answered, counted by the local adapters under its id. */
async function roundTripsOf(response: ApiResponse): Promise<Counted> {
  const trace = response.headers.get("x-request-id");
  if (!trace) throw new Error(`no X-Request-Id: ${response.text}`);
  const stats = await fetch(`${inject("workerEnv").LOCAL_STACK_STATS_URL}/roundtrips?trace=${trace}`);
  const counted = (await stats.json()) as Counted;
  return { db_http: counted.db_http, db_ws: counted.db_ws, redis: counted.redis };
}

let merchant: TestMerchant;

// Round trips are deterministic (unlike timings), so a regression from 1 to 2 fails here. Each
// request runs after a warm-up with the same credentials: the key is cached, as in steady state.
describe("round trips per request, counted at the local adapters", () => {
  beforeAll(async () => {
    merchant = await createMerchant();
    expect((await merchant.sandbox.request("GET", "/balances")).status).toBe(200);
  });

  it("GET /health: one database and one Redis round trip, no WebSocket", async () => {
    const response = await fetch(`${inject("baseUrl")}/api/v1/health`);
    const counted = await roundTripsOf({
      status: response.status,
      headers: response.headers,
      body: {},
      text: "",
    });
    expect(counted).toEqual({ db_http: 1, db_ws: 0, redis: 1 });
  });

  it("POST /customers: one database round trip for the claim, the row, its event and the stored response", async () => {
    const created = await merchant.sandbox.request(
      "POST",
      "/customers",
      { name: "Ada" },
      { "idempotency-key": `rt-${Date.now()}` },
    );
    expect(created.status).toBe(200);
    expect(await roundTripsOf(created)).toMatchObject({ db_http: 1, db_ws: 0 });
    const plain = await merchant.sandbox.request("POST", "/customers", { name: "Grace" });
    expect(plain.status).toBe(200);
    expect(await roundTripsOf(plain)).toMatchObject({ db_http: 1, db_ws: 0 });
  });

  it("POST /crypto/addresses: a read batch (customer, existing address, next index) and one write batch", async () => {
    const customer = await merchant.sandbox.request<{ id: string }>("POST", "/customers", { name: "Hal" });
    const body = { customer: customer.body.id, network: "base", asset: "USDC" };
    const created = await merchant.sandbox.request<{ id: string }>("POST", "/crypto/addresses", body, {
      "idempotency-key": `rt-crypto-${Date.now()}`,
    });
    expect(created.status).toBe(200);
    expect(await roundTripsOf(created)).toMatchObject({ db_http: 2, db_ws: 0 });
    // The same request again without a key: the read finds the address and nothing is written.
    const again = await merchant.sandbox.request("POST", "/crypto/addresses", body);
    expect(again.status).toBe(200);
    expect(await roundTripsOf(again)).toMatchObject({ db_http: 1, db_ws: 0 });
    const read = await merchant.sandbox.request("GET", `/crypto/addresses/${created.body.id}`);
    expect(await roundTripsOf(read)).toMatchObject({ db_http: 1, db_ws: 0 });
  });

  it("GET /customers/{id}, GET /balances and GET /customers: one database round trip each", async () => {
    const created = await merchant.sandbox.request<{ id: string }>("POST", "/customers", { name: "Lin" });
    for (const path of [`/customers/${created.body.id}`, "/balances", "/customers"]) {
      const read = await merchant.sandbox.request("GET", path);
      expect(read.status, path).toBe(200);
      expect(await roundTripsOf(read), path).toMatchObject({ db_http: 1, db_ws: 0 });
    }
  });

  it("a replayed POST answers from the stored response in two database round trips", async () => {
    const key = `rt-replay-${Date.now()}`;
    const first = await merchant.sandbox.request(
      "POST",
      "/customers",
      { name: "Bo" },
      { "idempotency-key": key },
    );
    const replay = await merchant.sandbox.request(
      "POST",
      "/customers",
      { name: "Bo" },
      { "idempotency-key": key },
    );
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.text).toBe(first.text);
    // The batch's claim is refused, then the earlier response is read.
    expect(await roundTripsOf(replay)).toMatchObject({ db_http: 2, db_ws: 0 });
  });

  it("PATCH /customers/{id} still takes an interactive transaction: its WebSocket round trips count too", async () => {
    const created = await merchant.sandbox.request<{ id: string }>("POST", "/customers", { name: "Kim" });
    const updated = await merchant.sandbox.request("PATCH", `/customers/${created.body.id}`, {
      name: "Kim Park",
    });
    expect(updated.status).toBe(200);
    // Connection (2), then BEGIN, the locked read, the update, the event and audit row, COMMIT.
    expect(await roundTripsOf(updated)).toEqual({ db_http: 0, db_ws: 7, redis: 1 });
  });
});

const cardPayment = (amount = 1_000) => ({
  amount,
  currency: "USD",
  payment_method_data: {
    type: "card",
    card: { number: "4242424242424242", exp_month: 12, exp_year: 2040, cvc: "123" },
  },
  confirm: true,
});

describe("round trips of a payment (card, confirm, automatic capture), after a warm-up payment", () => {
  beforeAll(async () => {
    merchant ??= await createMerchant();
    const warm = await merchant.sandbox.request("POST", "/payments", cardPayment(), {
      "idempotency-key": `rt-pay-warm-${Date.now()}`,
    });
    expect(warm.status).toBe(200);
  });

  it("POST /payments: three database round trips (read, intent, outcome), no WebSocket, Redis only for the rate limit", async () => {
    const keyed = await merchant.sandbox.request<{ status: string }>("POST", "/payments", cardPayment(), {
      "idempotency-key": `rt-pay-${Date.now()}`,
    });
    expect(keyed.body.status).toBe("succeeded");
    // 1. routing inputs, balances, saved method and customer; 2. the claim, the card's method, the
    // payment and its first attempt, their events; 3. the outcome, the posting, events, the response.
    expect(await roundTripsOf(keyed)).toEqual({ db_http: 3, db_ws: 0, redis: 1 });
    const plain = await merchant.sandbox.request<{ status: string }>("POST", "/payments", cardPayment());
    expect(plain.body.status).toBe("succeeded");
    expect(await roundTripsOf(plain)).toEqual({ db_http: 3, db_ws: 0, redis: 1 });
  });

  it("a replayed POST /payments answers from the stored response without calling the provider again", async () => {
    const key = `rt-pay-replay-${Date.now()}`;
    const first = await merchant.sandbox.request("POST", "/payments", cardPayment(), {
      "idempotency-key": key,
    });
    const replay = await merchant.sandbox.request("POST", "/payments", cardPayment(), {
      "idempotency-key": key,
    });
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.text).toBe(first.text);
    // The read batch, the intent batch refused by the held claim, then the stored response.
    expect(await roundTripsOf(replay)).toEqual({ db_http: 3, db_ws: 0, redis: 1 });
  });

  it("POST /payments/{id}/capture: three database round trips; Redis for the rate limit and the status cache", async () => {
    for (const headers of [{ "idempotency-key": `rt-cap-${Date.now()}` }, undefined]) {
      const authorized = await merchant.sandbox.request<{ id: string }>("POST", "/payments", {
        ...cardPayment(),
        capture_method: "manual",
      });
      const captured = await merchant.sandbox.request<{ status: string }>(
        "POST",
        `/payments/${authorized.body.id}/capture`,
        {},
        headers,
      );
      expect(captured.body.status).toBe("succeeded");
      // 1. the payment and its provider's connection; 2. the claim and the attempt (compare-and-set);
      // 3. the outcome, the posting, the event and the stored response. Redis: the rate limit, then
      // the status cache is cleared before answering, so a poll never sees the old status.
      expect(await roundTripsOf(captured)).toEqual({ db_http: 3, db_ws: 0, redis: 2 });
    }
  });

  it("bank and global accounts: one batch per step, after one read where the step decides on a row", async () => {
    const details = generateBankDetails("US");
    const saved = await merchant.sandbox.request<{ id: string }>("POST", "/bank-accounts", {
      account_holder_name: "Ada",
      account_holder_type: "individual",
      country: "US",
      currency: "USD",
      routing_number: details.routing.routing_number,
      account_number: details.accountNumber,
    });
    expect(saved.status).toBe(200);
    expect(await roundTripsOf(saved)).toMatchObject({ db_http: 1, db_ws: 0 });
    const started = await merchant.sandbox.request(
      "POST",
      `/bank-accounts/${saved.body.id}/verify/micro-deposits`,
      {},
    );
    expect(started.status).toBe(200);
    expect(await roundTripsOf(started)).toMatchObject({ db_http: 2, db_ws: 0 });
    const opened = await merchant.sandbox.request<{ id: string }>("POST", "/global-accounts", {
      country: "NL",
      currency: "EUR",
    });
    expect(await roundTripsOf(opened)).toMatchObject({ db_http: 1, db_ws: 0 });
    const received = await merchant.sandbox.request(
      "POST",
      `/global-accounts/${opened.body.id}/simulate-incoming-transfer`,
      {
        amount: 100,
        currency: "EUR",
        payer_name: "Grace",
      },
    );
    expect(received.status).toBe(200);
    expect(await roundTripsOf(received)).toMatchObject({ db_http: 2, db_ws: 0 });
  });
});

describe("round trips of the billing catalog", () => {
  beforeAll(async () => {
    merchant ??= await createMerchant();
  });

  it("POST /products and POST /coupons: one database round trip; POST /prices: a read, then one write", async () => {
    const headers = { "idempotency-key": `rt-prod-${Date.now()}` };
    const product = await merchant.sandbox.request<{ id: string }>(
      "POST",
      "/products",
      { name: "Plan" },
      headers,
    );
    expect(await roundTripsOf(product)).toMatchObject({ db_http: 1, db_ws: 0 });
    const coupon = await merchant.sandbox.request<{ id: string }>("POST", "/coupons", { percent_off: 10 });
    expect(await roundTripsOf(coupon)).toMatchObject({ db_http: 1, db_ws: 0 });
    const price = await merchant.sandbox.request(
      "POST",
      "/prices",
      { product: product.body.id, currency: "USD", unit_amount: 100, lookup_key: `rt-${Date.now()}` },
      { "idempotency-key": `rt-price-${Date.now()}` },
    );
    expect(price.status).toBe(200);
    // The product (and, with transfer_lookup_key, the key's holder) in one read; then the claim,
    // the transfer, the insert, the events and the stored response in one batch.
    expect(await roundTripsOf(price)).toMatchObject({ db_http: 2, db_ws: 0 });
  });

  it("POST /coupons/{id}/redeem: one read batch, then one write batch with the counters, the discount and the response", async () => {
    const customer = await merchant.sandbox.request<{ id: string }>("POST", "/customers", { name: "Rt" });
    const coupon = await merchant.sandbox.request<{ id: string }>("POST", "/coupons", {
      percent_off: 10,
      max_redemptions: 5,
    });
    const redeemed = await merchant.sandbox.request(
      "POST",
      `/coupons/${coupon.body.id}/redeem`,
      { customer: customer.body.id, amount: 1000, currency: "USD" },
      { "idempotency-key": `rt-redeem-${Date.now()}` },
    );
    expect(redeemed.status).toBe(200);
    expect(await roundTripsOf(redeemed)).toMatchObject({ db_http: 2, db_ws: 0 });
  });

  it("POST /usage-records/batch: one read (meters, customers) and one insert for 500 records", async () => {
    const customer = await merchant.sandbox.request<{ id: string }>("POST", "/customers", { name: "Usage" });
    const meter = await merchant.sandbox.request<{ id: string }>("POST", "/meters", {
      display_name: "Calls",
      aggregation: { formula: "count" },
    });
    const prefix = `rt-usage-${Date.now()}`;
    const records = Array.from({ length: 500 }, (_, i) => ({
      meter: meter.body.id,
      customer: customer.body.id,
      identifier: `${prefix}-${i}`,
    }));
    const batch = await merchant.sandbox.request<{ accepted: number }>("POST", "/usage-records/batch", {
      records,
    });
    expect(batch.body.accepted).toBe(500);
    expect(await roundTripsOf(batch)).toMatchObject({ db_http: 2, db_ws: 0 });
  });
});

describe("round trips of issuing", () => {
  beforeAll(async () => {
    merchant = await createMerchant();
    expect((await merchant.sandbox.request("GET", "/balances")).status).toBe(200);
  });

  it("issuing: a card, a load and an authorization each read once and write in one round trip", async () => {
    const deposit = await merchant.sandbox.request<{ id: string }>("POST", "/funding/deposits", {
      amount: 1_000,
      currency: "EUR",
      method: "wire",
    });
    await merchant.sandbox.request("POST", `/sandbox/funding/deposits/${deposit.body.id}/receive`);
    const holder = await merchant.sandbox.request<{ id: string }>("POST", "/issuing/cardholders", {
      type: "individual",
      name: "Ada",
      billing: { address: { line1: "1 Main St", city: "Berlin", postal_code: "10115", country: "DE" } },
    });
    expect(await roundTripsOf(holder)).toMatchObject({ db_http: 1, db_ws: 0 });
    const card = await merchant.sandbox.request<{ id: string }>("POST", "/issuing/cards", {
      cardholder: holder.body.id,
      type: "virtual",
      currency: "EUR",
      status: "active",
    });
    expect(await roundTripsOf(card)).toMatchObject({ db_http: 2, db_ws: 0 });
    const read = await merchant.sandbox.request("GET", `/issuing/cards/${card.body.id}`);
    expect(await roundTripsOf(read)).toMatchObject({ db_http: 1, db_ws: 0 });
    const load = await merchant.sandbox.request("POST", `/issuing/cards/${card.body.id}/load`, {
      amount: 500,
    });
    expect(await roundTripsOf(load)).toMatchObject({ db_http: 2, db_ws: 0 });
    const authorization = await merchant.sandbox.request<{ id: string; approved: boolean }>(
      "POST",
      "/issuing/authorizations",
      {
        card: card.body.id,
        amount: 100,
        currency: "EUR",
        channel: "online",
        merchant_data: { name: "Shop", category_code: "5942", country: "DE" },
      },
    );
    expect(authorization.body.approved).toBe(true);
    expect(await roundTripsOf(authorization)).toMatchObject({ db_http: 2, db_ws: 0 });
    const capture = await merchant.sandbox.request(
      "POST",
      `/sandbox/issuing/authorizations/${authorization.body.id}/capture`,
      {},
    );
    expect(await roundTripsOf(capture)).toMatchObject({ db_http: 2, db_ws: 0 });
  });

  it("KYC: POST /individual_verifications one round trip; submit three around the Veriff call; GET /account/requirements one", async () => {
    const person = { first_name: "Undecided", last_name: "Trips", date_of_birth: "1990-01-01" };
    const created = await merchant.sandbox.request<{ id: string }>(
      "POST",
      "/individual_verifications",
      person,
      {
        "idempotency-key": `rt-idv-${Date.now()}`,
      },
    );
    expect(created.status).toBe(200);
    expect(await roundTripsOf(created)).toMatchObject({ db_http: 1, db_ws: 0 });
    const submitted = await merchant.sandbox.request(
      "POST",
      `/individual_verifications/${created.body.id}/submit`,
    );
    expect(submitted.status).toBe(200);
    // The read, then the compare-and-set with its event; with a key, the middleware's claim and store besides.
    expect(await roundTripsOf(submitted)).toMatchObject({ db_http: 2, db_ws: 0 });
    const requirements = await merchant.sandbox.request("GET", "/account/requirements");
    expect(await roundTripsOf(requirements)).toMatchObject({ db_http: 1, db_ws: 0 });
  });
});
