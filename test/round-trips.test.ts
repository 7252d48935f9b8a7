import { beforeAll, beforeEach, describe, expect, inject, it } from "vitest";
import { generateBankDetails } from "../src/core/bank-details";
import { usAccount } from "../src/modules/bank-accounts/test-accounts";
import { newOpenInvoice } from "../src/modules/invoices/testing";
import { createMerchant, type TestMerchant } from "./harness";
import { type Counted, cardPayment, roundTripsOf } from "./round-trips-testing";
import { approvedCustomer } from "./verifications";

let merchant: TestMerchant;

// Round trips are deterministic (unlike timings), so a regression from 1 to 2 fails here. Each
// request runs after a warm-up with the same credentials: the key is cached, as in steady state.
// The Redis counts are pinned only on requests made within a minute of their key's first use.
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
    // A merchant of its own: its key is cached by the create, just before the pinned request.
    const merchant = await createMerchant();
    const created = await merchant.sandbox.request<{ id: string }>("POST", "/customers", { name: "Kim" });
    const updated = await merchant.sandbox.request("PATCH", `/customers/${created.body.id}`, {
      name: "Kim Park",
    });
    expect(updated.status).toBe(200);
    // Connection (2), then BEGIN, the locked read, the update, the event and audit row, COMMIT.
    expect(await roundTripsOf(updated)).toEqual({ db_http: 0, db_ws: 7, redis: 1 });
  });
});

describe("round trips of a payment (card, confirm, automatic capture), after a warm-up payment", () => {
  // Each test gets a merchant whose key was cached by its own warm-up (AUTH_CACHE_SECONDS in
  // test/stack.ts), so the Redis pins never count a cache refill.
  beforeEach(async () => {
    merchant = await createMerchant();
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

  it("the payout schedule: GET one read; POST reads the schedule, the KYB policy (and the destination) at once, then one write batch", async () => {
    const read = await merchant.sandbox.request("GET", "/payouts/schedule");
    expect(read.status).toBe(200);
    expect(await roundTripsOf(read)).toMatchObject({ db_http: 1, db_ws: 0 });
    const set = await merchant.sandbox.request(
      "POST",
      "/payouts/schedule",
      { interval: "weekly", weekly_anchor: "monday" },
      { "idempotency-key": `rt-payout-schedule-${Date.now()}` },
    );
    expect(set.status).toBe(200);
    expect(await roundTripsOf(set)).toMatchObject({ db_http: 3, db_ws: 0 });
    const saved = await merchant.sandbox.request<{ id: string }>("POST", "/bank-accounts", usAccount());
    await merchant.sandbox.request("POST", `/bank-accounts/${saved.body.id}/verify/instant`);
    const named = await merchant.sandbox.request("POST", "/payouts/schedule", {
      interval: "daily",
      destination: saved.body.id,
    });
    expect(named.status, named.text).toBe(200);
    expect(await roundTripsOf(named)).toMatchObject({ db_http: 4, db_ws: 0 });
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

  it("GET /subscriptions/{id}/usage: the subscription, its prices and meters, then the aggregates in one batch", async () => {
    // On a test clock, so the real-time cycle another test runs with a clock offset leaves it alone.
    const clock = await merchant.sandbox.request<{ id: string }>("POST", "/test-clocks", {
      frozen_time: "2027-01-01T00:00:00Z",
    });
    const customer = await merchant.sandbox.request<{ id: string }>("POST", "/customers", {
      name: "Usage",
      test_clock: clock.body.id,
    });
    const meter = await merchant.sandbox.request<{ id: string }>("POST", "/meters", {
      display_name: "Calls",
      aggregation: { formula: "sum" },
    });
    const product = await merchant.sandbox.request<{ id: string }>("POST", "/products", { name: "Metered" });
    const price = await merchant.sandbox.request<{ id: string }>("POST", "/prices", {
      product: product.body.id,
      currency: "USD",
      unit_amount: 2,
      recurring: { interval: "month" },
      meter: meter.body.id,
    });
    const sub = await merchant.sandbox.request<{ id: string }>("POST", "/subscriptions", {
      customer: customer.body.id,
      items: [{ price: price.body.id }],
    });
    expect(sub.status).toBe(200);
    const usage = await merchant.sandbox.request("GET", `/subscriptions/${sub.body.id}/usage`);
    expect(usage.status).toBe(200);
    expect(await roundTripsOf(usage)).toMatchObject({ db_http: 3, db_ws: 0 });
  });

  it("POST /checkout/sessions: one read batch (prices, customer) and one write batch with the claim and response", async () => {
    const created = await merchant.sandbox.request(
      "POST",
      "/checkout/sessions",
      {
        line_items: [
          { price_data: { currency: "USD", unit_amount: 500, product_data: { name: "Pen" } }, quantity: 2 },
        ],
        success_url: "https://shop.example/done",
      },
      { "idempotency-key": `rt-cs-${Date.now()}` },
    );
    expect(created.status).toBe(200);
    expect(await roundTripsOf(created)).toMatchObject({ db_http: 2, db_ws: 0 });
  });

  it("subscription checkout: the hosted page's completion, with a trial and with a first charge", async () => {
    const product = await merchant.sandbox.request<{ id: string }>("POST", "/products", { name: "Plan" });
    const price = await merchant.sandbox.request<{ id: string }>("POST", "/prices", {
      product: product.body.id,
      currency: "EUR",
      unit_amount: 1000,
      recurring: { interval: "month" },
    });
    const counts: Record<string, { db_http: number; db_ws: number }> = {};
    // A warm-up charged checkout first, as for payments: the routing reads are then cached in the
    // isolate, as in steady state (the suite's files share one Worker, so a cold run is luck).
    for (const trial of [false, true, false]) {
      const session = await merchant.sandbox.request<{ id: string }>("POST", "/checkout/sessions", {
        mode: "subscription",
        line_items: [{ price: price.body.id, quantity: 1 }],
        success_url: "https://shop.example/done",
        ...(trial ? { subscription_data: { trial_period_days: 7 } } : {}),
      });
      const response = await fetch(`${inject("baseUrl")}/checkout/${session.body.id}`, {
        method: "POST",
        body: new URLSearchParams({
          method: "card",
          card_number: "4242424242424242",
          card_expiry: "12/40",
          card_cvc: "123",
          email: "rt@example.com",
        }),
        redirect: "manual",
      });
      expect(response.status).toBe(303);
      counts[trial ? "trial" : "charged"] = await roundTripsOf({
        status: response.status,
        headers: response.headers,
        body: {},
        text: "",
      });
    }
    // The session's read and claim, then the customers, payment-methods and subscriptions verbs as they
    // are (the card's insert is one batch; setting the default is the payment-methods verb's interactive
    // transaction: the WebSocket round trips), and the completion's compare-and-set; the first charge
    // adds the invoice's create, finalize and pay.
    expect(counts).toMatchObject({ trial: { db_http: 8, db_ws: 8 }, charged: { db_http: 20, db_ws: 8 } });
  });

  it("POST /invoice/{id}: the hosted invoice page's card payment, after a warm-up", async () => {
    const counts: Counted[] = [];
    for (let run = 0; run < 2; run++) {
      const invoice = await newOpenInvoice(merchant);
      const url = new URL(invoice.hosted_invoice_url ?? "");
      const response = await fetch(`${inject("baseUrl")}${url.pathname}${url.search}`, {
        method: "POST",
        body: new URLSearchParams({ card_number: "4242424242424242", card_expiry: "12/40", card_cvc: "123" }),
        redirect: "manual",
      });
      expect(response.status).toBe(303);
      counts.push(
        await roundTripsOf({ status: response.status, headers: response.headers, body: {}, text: "" }),
      );
    }
    // The invoice by id and token; payInvoice's read, claim, the payment's 3 and the outcome; then the
    // page's view: the invoice again, its customer and its payment. 1 + 6 + 3.
    expect(counts[1]).toMatchObject({ db_http: 10, db_ws: 0 });
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

  it("POST /invoices and /invoices/{id}/finalize: one read batch, then one write batch each", async () => {
    const customer = await merchant.sandbox.request<{ id: string }>("POST", "/customers", {
      name: "Invoiced",
    });
    const rate = await merchant.sandbox.request<{ id: string }>("POST", "/tax-rates", {
      display_name: "VAT",
      percentage: 19,
      inclusive: false,
    });
    expect(await roundTripsOf(rate)).toMatchObject({ db_http: 1, db_ws: 0 });
    const item = await merchant.sandbox.request("POST", "/invoice-items", {
      customer: customer.body.id,
      amount: 1000,
      currency: "EUR",
      tax_rates: [rate.body.id],
    });
    expect(await roundTripsOf(item)).toMatchObject({ db_http: 2, db_ws: 0 });
    const coupon = await merchant.sandbox.request<{ id: string }>("POST", "/coupons", { percent_off: 10 });
    const invoice = await merchant.sandbox.request<{ id: string }>("POST", "/invoices", {
      customer: customer.body.id,
      coupon: coupon.body.id,
    });
    expect(invoice.status).toBe(200);
    // The customer, its pending items, their tax rates and the coupon in one read; then the items taken,
    // the coupon's redemption, the invoice and its event in one batch. (An Idempotency-Key adds the
    // middleware's claim and stored response.)
    expect(await roundTripsOf(invoice)).toMatchObject({ db_http: 2, db_ws: 0 });
    // An item onto the draft: the draft, its items and the customer's clock; the item's own reads; the tax
    // rates and coupon; then the item, the draft's compare-and-set and both events in one batch.
    const onDraft = await merchant.sandbox.request("POST", "/invoice-items", {
      customer: customer.body.id,
      amount: 500,
      currency: "EUR",
      invoice: invoice.body.id,
    });
    expect(onDraft.status, onDraft.text).toBe(200);
    expect(await roundTripsOf(onDraft)).toMatchObject({ db_http: 4, db_ws: 0 });
    const finalized = await merchant.sandbox.request("POST", `/invoices/${invoice.body.id}/finalize`);
    expect(finalized.status).toBe(200);
    expect(await roundTripsOf(finalized)).toMatchObject({ db_http: 2, db_ws: 0 });
  });

  it("POST /credit-notes and /credit-notes/{id}/void: one read batch, then one write batch each", async () => {
    const customer = await merchant.sandbox.request<{ id: string }>("POST", "/customers", {
      name: "Credited",
    });
    await merchant.sandbox.request("POST", "/invoice-items", {
      customer: customer.body.id,
      amount: 1000,
      currency: "USD",
    });
    const invoice = await merchant.sandbox.request<{ id: string }>("POST", "/invoices", {
      customer: customer.body.id,
    });
    await merchant.sandbox.request("POST", `/invoices/${invoice.body.id}/finalize`);
    const note = await merchant.sandbox.request<{ id: string }>("POST", "/credit-notes", {
      invoice: invoice.body.id,
      amount: 100,
    });
    expect(note.status).toBe(200);
    // The invoice; then its compare-and-set, the note and both events in one batch.
    expect(await roundTripsOf(note)).toMatchObject({ db_http: 2, db_ws: 0 });
    const voided = await merchant.sandbox.request("POST", `/credit-notes/${note.body.id}/void`);
    expect(voided.status).toBe(200);
    expect(await roundTripsOf(voided)).toMatchObject({ db_http: 2, db_ws: 0 });
  });

  it("POST /usage-records/batch: one read (meters, customers) and one insert for 500 records", async () => {
    // On a test clock, so the real-time cycle another test runs with a clock offset leaves it alone.
    const clock = await merchant.sandbox.request<{ id: string }>("POST", "/test-clocks", {
      frozen_time: "2027-01-01T00:00:00Z",
    });
    const customer = await merchant.sandbox.request<{ id: string }>("POST", "/customers", {
      name: "Usage",
      test_clock: clock.body.id,
    });
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
    const customer = await approvedCustomer(merchant.sandbox);
    const holder = await merchant.sandbox.request<{ id: string }>("POST", "/issuing/cardholders", {
      type: "individual",
      customer,
      name: "Ada",
      billing: { address: { line1: "1 Main St", city: "Berlin", postal_code: "10115", country: "DE" } },
    });
    // The customer is checked to exist: a read, then the write.
    expect(await roundTripsOf(holder)).toMatchObject({ db_http: 2, db_ws: 0 });
    const card = await merchant.sandbox.request<{ id: string }>("POST", "/issuing/cards", {
      cardholder: holder.body.id,
      type: "virtual",
      currency: "EUR",
      status: "active",
    });
    // Created active: the cardholder with the KYB policy's facts, then the cardholder's KYC, then the write.
    expect(await roundTripsOf(card)).toMatchObject({ db_http: 3, db_ws: 0 });
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
