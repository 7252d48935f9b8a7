import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import {
  activeLoadedCard,
  billing,
  createCard,
  createCardholder,
  fundMerchant,
  type TestCard,
} from "./testing";

async function setStatus(m: TestMerchant, id: string, status: string, extra: Record<string, unknown> = {}) {
  return m.sandbox.request<TestCard & { frozen_by: string | null }>("PATCH", `/issuing/cards/${id}`, {
    status,
    ...extra,
  });
}

async function available(m: TestMerchant, currency = "EUR"): Promise<number> {
  const res = await m.sandbox.request<{ available: number }>("GET", `/balances/${currency}`);
  return res.body.available;
}

describe("issuing cardholders", () => {
  it("creates, retrieves, updates and lists cardholders, with events", async () => {
    const m = await createMerchant();
    const id = await createCardholder(m.sandbox, { metadata: { ref: "emp-1" } });
    const read = await m.sandbox.request<Record<string, unknown>>("GET", `/issuing/cardholders/${id}`);
    expect(read.body).toMatchObject({
      object: "issuing_cardholder",
      type: "individual",
      name: "Ada Lovelace",
      status: "active",
      billing: { address: { country: "DE", city: "Berlin" } },
      spending_controls: { spending_limits: [], online: true, atm: true, contactless: true },
      metadata: { ref: "emp-1" },
    });
    const updated = await m.sandbox.request<Record<string, unknown>>("PATCH", `/issuing/cardholders/${id}`, {
      spending_controls: {
        spending_limits: [{ amount: 5_000, interval: "daily" }],
        spending_limits_currency: "EUR",
      },
      status: "inactive",
    });
    expect(updated.status, updated.text).toBe(200);
    expect(updated.body).toMatchObject({
      status: "inactive",
      spending_controls: {
        spending_limits: [{ amount: 5_000, interval: "daily" }],
        spending_limits_currency: "EUR",
      },
    });
    const list = await m.sandbox.request<{ data: Array<{ id: string }> }>(
      "GET",
      "/issuing/cardholders?status=inactive",
    );
    expect(list.body.data.map((holder) => holder.id)).toEqual([id]);
    const events = await query<{ type: string }>(
      "select type from events where object_id = $1 order by created_at, id",
      [id],
    );
    expect(events.map((event) => event.type)).toEqual([
      "issuing_cardholder.created",
      "issuing_cardholder.updated",
    ]);
  });

  it("refuses controls that allow and block categories at once, and limits without their currency", async () => {
    const m = await createMerchant();
    const both = await m.sandbox.request("POST", "/issuing/cardholders", {
      type: "company",
      name: "Acme",
      billing,
      spending_controls: { allowed_categories: ["restaurants"], blocked_categories: ["gambling"] },
    });
    expectError(both, 400, "spending_controls_invalid");
    const twice = await m.sandbox.request("POST", "/issuing/cardholders", {
      type: "company",
      name: "Acme",
      billing,
      spending_controls: {
        spending_limits: [
          { amount: 1, interval: "daily" },
          { amount: 2, interval: "daily" },
        ],
        spending_limits_currency: "EUR",
      },
    });
    expectError(twice, 400, "spending_controls_invalid");
    const noCurrency = await m.sandbox.request("POST", "/issuing/cardholders", {
      type: "company",
      name: "Acme",
      billing,
      spending_controls: { spending_limits: [{ amount: 100, interval: "daily" }] },
    });
    expectError(noCurrency, 400, "parameter_missing");
    const unknownCategory = await m.sandbox.request("POST", "/issuing/cardholders", {
      type: "company",
      name: "Acme",
      billing,
      spending_controls: { blocked_categories: ["casinos_on_mars"] },
    });
    expectError(unknownCategory, 400, "parameter_invalid");
    const [holders] = await query<{ count: string }>(
      "select count(*) from issuing_cardholders where merchant_id = $1",
      [m.merchantId],
    );
    expect(Number(holders?.count)).toBe(0);
  });
});

describe("issuing cards", () => {
  it("issues a virtual card at the chosen provider and shows the decision, never the number", async () => {
    const m = await createMerchant();
    const card = await createCard(m.sandbox);
    expect(card).toMatchObject({
      object: "issuing_card",
      type: "virtual",
      status: "inactive",
      currency: "EUR",
      brand: "mastercard",
      provider: "sandbox_borealis",
      provider_decision: { provider: "sandbox_borealis", reason: "cheapest virtual card fee" },
      funding_mode: "prefunded",
      balance: 0,
      pin_set: false,
      shipping: null,
    });
    expect(card.last4).toMatch(/^\d{4}$/);
    expect(JSON.stringify(card)).not.toMatch(/\d{12,}/);
    const usd = await createCard(m.sandbox, { currency: "USD" });
    expect(usd).toMatchObject({ provider: "sandbox_atlas", brand: "visa" });
    const yen = await m.sandbox.request("POST", "/issuing/cards", {
      cardholder: card.cardholder,
      type: "virtual",
      currency: "JPY",
    });
    expectError(yen, 400, "issuing_unsupported");
  });

  it("walks every legal status transition and refuses every illegal one with 409", async () => {
    const m = await createMerchant();
    const card = await createCard(m.sandbox);
    expectError(await setStatus(m, card.id, "frozen"), 409, "issuing_card_status_invalid");
    const active = await setStatus(m, card.id, "active");
    expect(active.body.status).toBe("active");
    const frozen = await setStatus(m, card.id, "frozen", { frozen_by: "cardholder" });
    expect(frozen.body).toMatchObject({ status: "frozen", frozen_by: "cardholder" });
    const unfrozen = await setStatus(m, card.id, "active");
    expect(unfrozen.body).toMatchObject({ status: "active", frozen_by: null });
    expect((await setStatus(m, card.id, "frozen")).body).toMatchObject({
      status: "frozen",
      frozen_by: "merchant",
    });
    const canceled = await setStatus(m, card.id, "canceled");
    expect(canceled.body).toMatchObject({ status: "canceled", cancellation_reason: "requested" });
    for (const status of ["active", "frozen"]) {
      expectError(await setStatus(m, card.id, status), 409, "issuing_card_status_invalid");
    }
    const inactiveToCanceled = await createCard(m.sandbox);
    expect((await setStatus(m, inactiveToCanceled.id, "canceled")).body.status).toBe("canceled");
    const activeToCanceled = await createCard(m.sandbox, { status: "active" });
    expect((await setStatus(m, activeToCanceled.id, "canceled")).body.status).toBe("canceled");
    expectError(await setStatus(m, card.id, "active", { frozen_by: "merchant" }), 400, "parameter_invalid");
    const events = await query<{ type: string; status: string }>(
      "select type, data->>'status' as status from events where object_id = $1 order by created_at, id",
      [card.id],
    );
    expect(events.map((event) => `${event.type}:${event.status}`)).toEqual([
      "issuing_card.created:inactive",
      "issuing_card.updated:active",
      "issuing_card.updated:frozen",
      "issuing_card.updated:active",
      "issuing_card.updated:frozen",
      "issuing_card.updated:canceled",
    ]);
  });

  it("refuses cards for inactive cardholders", async () => {
    const m = await createMerchant();
    const holder = await createCardholder(m.sandbox, { status: "inactive" }, { verified: false });
    const refused = await m.sandbox.request("POST", "/issuing/cards", {
      cardholder: holder,
      type: "virtual",
      currency: "EUR",
    });
    expectError(refused, 409, "cardholder_inactive");
  });

  it("loads and unloads through the ledger, and a cancel returns the balance", async () => {
    const m = await createMerchant();
    const card = await activeLoadedCard(m, 10_000);
    expect(card.balance).toBe(10_000);
    expect(await available(m)).toBe(0);
    expectError(
      await m.sandbox.request("POST", `/issuing/cards/${card.id}/load`, { amount: 1 }),
      402,
      "insufficient_funds",
    );
    const unloaded = await m.sandbox.request<TestCard>("POST", `/issuing/cards/${card.id}/unload`, {
      amount: 4_000,
    });
    expect(unloaded.body.balance).toBe(6_000);
    expect(await available(m)).toBe(4_000);
    expectError(
      await m.sandbox.request("POST", `/issuing/cards/${card.id}/unload`, { amount: 6_001 }),
      402,
      "insufficient_funds",
    );
    const canceled = await setStatus(m, card.id, "canceled", { cancellation_reason: "lost" });
    expect(canceled.body).toMatchObject({ status: "canceled", balance: 0 });
    expect(await available(m)).toBe(10_000);
    const ledger = await m.sandbox.request<{
      data: Array<{ type: string; entries: Array<{ account: string; amount: number }> }>;
    }>("GET", `/transactions?type=card_load`);
    expect(ledger.body.data).toHaveLength(3);
    expect(ledger.body.data[2]?.entries).toEqual(
      expect.arrayContaining([expect.objectContaining({ account: `card:${card.id}`, amount: 10_000 })]),
    );
  });

  it("replaces a lost card: same controls, provider and balance; the old one is canceled", async () => {
    const m = await createMerchant();
    const controls = {
      spending_limits: [{ amount: 700, interval: "per_authorization" }],
      blocked_categories: ["gambling"],
    };
    const card = await activeLoadedCard(m, 5_000, { spending_controls: controls });
    const replaced = await m.sandbox.request<TestCard & Record<string, unknown>>(
      "POST",
      `/issuing/cards/${card.id}/replace`,
      {
        reason: "lost",
      },
    );
    expect(replaced.status, replaced.text).toBe(200);
    expect(replaced.body).toMatchObject({
      status: "inactive",
      balance: 5_000,
      provider: card.provider,
      replacement_for: card.id,
      replacement_reason: "lost",
      spending_controls: controls,
    });
    expect(replaced.body.last4).toMatch(/^\d{4}$/);
    const old = await m.sandbox.request<Record<string, unknown>>("GET", `/issuing/cards/${card.id}`);
    expect(old.body).toMatchObject({
      status: "canceled",
      balance: 0,
      replaced_by: replaced.body.id,
      cancellation_reason: "lost",
    });
    expectError(
      await m.sandbox.request("POST", `/issuing/cards/${card.id}/replace`, { reason: "lost" }),
      409,
      "issuing_card_status_invalid",
    );
  });

  it("keeps a damaged card until its replacement is activated", async () => {
    const m = await createMerchant();
    const card = await activeLoadedCard(m, 1_000);
    const replaced = await m.sandbox.request<TestCard>("POST", `/issuing/cards/${card.id}/replace`, {
      reason: "damaged",
    });
    expect((await m.sandbox.request<TestCard>("GET", `/issuing/cards/${card.id}`)).body.status).toBe(
      "active",
    );
    expect((await setStatus(m, replaced.body.id, "active")).body.status).toBe("active");
    const old = await m.sandbox.request<Record<string, unknown>>("GET", `/issuing/cards/${card.id}`);
    expect(old.body).toMatchObject({ status: "canceled", cancellation_reason: "damaged" });
  });

  it("ships a physical card through its states and refuses the others", async () => {
    const m = await createMerchant();
    const holder = await createCardholder(m.sandbox);
    const noShipping = await m.sandbox.request("POST", "/issuing/cards", {
      cardholder: holder,
      type: "physical",
      currency: "EUR",
    });
    expectError(noShipping, 400, "parameter_missing");
    const shipping = { name: "Ada Lovelace", address: billing.address, service: "express" };
    const card = await createCard(m.sandbox, { type: "physical", shipping }, holder);
    expect(card).toMatchObject({
      provider: "sandbox_atlas",
      shipping: { status: "pending", service: "express" },
    });
    const move = (id: string, status: string) =>
      m.sandbox.request<{ shipping: { status: string } }>("POST", `/sandbox/issuing/cards/${id}/shipping`, {
        status,
      });
    expectError(await move(card.id, "delivered"), 409, "issuing_shipping_status_invalid");
    for (const status of ["submitted", "shipped", "delivered"]) {
      const moved = await move(card.id, status);
      expect(moved.body.shipping.status, moved.text).toBe(status);
    }
    expectError(await move(card.id, "returned"), 409, "issuing_shipping_status_invalid");
    const returned = await createCard(m.sandbox, { type: "physical", shipping }, holder);
    await move(returned.id, "submitted");
    await move(returned.id, "shipped");
    expect((await move(returned.id, "returned")).body.shipping.status).toBe("returned");
    const failed = await createCard(m.sandbox, { type: "physical", shipping }, holder);
    expect((await move(failed.id, "failure")).body.shipping.status).toBe("failure");
    const canceled = await createCard(m.sandbox, { type: "physical", shipping }, holder);
    const canceledCard = await setStatus(m, canceled.id, "canceled");
    expect((canceledCard.body as unknown as { shipping: { status: string } }).shipping.status).toBe(
      "canceled",
    );
    const virtual = await createCard(m.sandbox, {}, holder);
    expectError(await move(virtual.id, "submitted"), 409, "issuing_shipping_status_invalid");
    expectError(
      await m.production.request("POST", `/sandbox/issuing/cards/${card.id}/shipping`, {
        status: "submitted",
      }),
      403,
      "sandbox_only",
    );
  });

  it("answers 404 for another merchant's or environment's cards and replays idempotent creates", async () => {
    const m = await createMerchant();
    const other = await createMerchant();
    const card = await createCard(m.sandbox);
    expectError(await other.sandbox.request("GET", `/issuing/cards/${card.id}`), 404, "resource_missing");
    expectError(await m.production.request("GET", `/issuing/cards/${card.id}`), 404, "resource_missing");
    expectError(
      await other.sandbox.request("PATCH", `/issuing/cards/${card.id}`, { status: "active" }),
      404,
      "resource_missing",
    );
    expectError(
      await m.production.request("GET", `/issuing/cardholders/${card.cardholder}`),
      404,
      "resource_missing",
    );
    const foreignHolder = await other.sandbox.request("POST", "/issuing/cards", {
      cardholder: card.cardholder,
      type: "virtual",
      currency: "EUR",
    });
    expectError(foreignHolder, 404, "resource_missing");
    await fundMerchant(m, "EUR", 100);
    const key = { "idempotency-key": `load-${card.id}` };
    await setStatus(m, card.id, "active");
    const first = await m.sandbox.request<TestCard>(
      "POST",
      `/issuing/cards/${card.id}/load`,
      { amount: 100 },
      key,
    );
    const again = await m.sandbox.request<TestCard>(
      "POST",
      `/issuing/cards/${card.id}/load`,
      { amount: 100 },
      key,
    );
    expect(again.status).toBe(200);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(again.body).toEqual(first.body);
    expect((await m.sandbox.request<TestCard>("GET", `/issuing/cards/${card.id}`)).body.balance).toBe(100);
    const createKey = { "idempotency-key": `create-${card.id}` };
    const body = { cardholder: card.cardholder, type: "virtual", currency: "EUR" };
    const created = await m.sandbox.request<TestCard>("POST", "/issuing/cards", body, createKey);
    const replayed = await m.sandbox.request<TestCard>("POST", "/issuing/cards", body, createKey);
    expect(replayed.body.id).toBe(created.body.id);
  });
});
