import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import {
  activeLoadedCard,
  authorize,
  createCard,
  createCardholder,
  fundMerchant,
  type TestCard,
} from "./testing";

async function decline(m: TestMerchant, card: string, amount: number, extra: Record<string, unknown> = {}) {
  const res = await authorize(m.sandbox, card, amount, extra);
  expect(res.status, res.text).toBe(200);
  return res.body.approved ? null : res.body.decline_reason;
}

async function cardBalance(m: TestMerchant, id: string): Promise<number> {
  return (await m.sandbox.request<TestCard>("GET", `/issuing/cards/${id}`)).body.balance;
}

async function available(m: TestMerchant): Promise<number> {
  return (await m.sandbox.request<{ available: number }>("GET", "/balances/EUR")).body.available;
}

describe("issuing authorizations: the decision", () => {
  it("approves within the balance, declines beyond it, and holds the amount", async () => {
    const m = await createMerchant();
    const card = await activeLoadedCard(m, 1_000);
    expect(await decline(m, card.id, 1_001)).toBe("insufficient_funds");
    expect(await decline(m, card.id, 1_000)).toBeNull();
    expect(await cardBalance(m, card.id)).toBe(0);
    expect(await decline(m, card.id, 1)).toBe("insufficient_funds");
    const list = await m.sandbox.request<{ data: Array<{ approved: boolean; status: string }> }>(
      "GET",
      `/issuing/authorizations?card=${card.id}`,
    );
    expect(list.body.data.map((auth) => `${auth.approved}:${auth.status}`)).toEqual([
      "false:closed",
      "true:pending",
      "false:closed",
    ]);
    const events = await query<{ type: string; approved: boolean }>(
      `select type, (data->>'approved')::boolean as approved from events
        where merchant_id = $1 and type like 'issuing_authorization.%' order by created_at, id`,
      [m.merchantId],
    );
    expect(events.map((event) => `${event.type}:${event.approved}`)).toEqual([
      "issuing_authorization.created:false",
      "issuing_authorization.created:true",
      "issuing_authorization.created:false",
    ]);
  });

  it("declines for the card's and cardholder's status, expiry and currency", async () => {
    const m = await createMerchant();
    const holder = await createCardholder(m.sandbox);
    const card = await activeLoadedCard(m, 1_000, {}, holder);
    expect(await decline(m, card.id, 10, { currency: "USD" })).toBe("currency_mismatch");
    await m.sandbox.request("PATCH", `/issuing/cards/${card.id}`, { status: "frozen" });
    expect(await decline(m, card.id, 10)).toBe("card_frozen");
    await m.sandbox.request("PATCH", `/issuing/cards/${card.id}`, { status: "active" });
    await m.sandbox.request("PATCH", `/issuing/cardholders/${holder}`, { status: "blocked" });
    expect(await decline(m, card.id, 10)).toBe("cardholder_inactive");
    await m.sandbox.request("PATCH", `/issuing/cardholders/${holder}`, { status: "active" });
    expect(await decline(m, card.id, 10)).toBeNull();
    const fourYears = String(4 * 366 * 24 * 3600);
    const expired = await m.sandbox.request<{ decline_reason: string }>(
      "POST",
      "/issuing/authorizations",
      {
        card: card.id,
        amount: 10,
        currency: "EUR",
        channel: "chip",
        merchant_data: { name: "Later", category_code: "5411", country: "DE" },
      },
      { "x-test-clock-offset-seconds": fourYears },
    );
    expect(expired.body.decline_reason).toBe("card_expired");
    const inactive = await createCard(m.sandbox, {}, holder);
    expect(await decline(m, inactive.id, 10)).toBe("card_inactive");
    await m.sandbox.request("PATCH", `/issuing/cards/${card.id}`, { status: "canceled" });
    expect(await decline(m, card.id, 10)).toBe("card_canceled");
  });

  it("applies each control at its boundary, on the card and on the cardholder (the stricter wins)", async () => {
    const m = await createMerchant();
    const holder = await createCardholder(m.sandbox, {
      spending_controls: {
        spending_limits: [{ amount: 3_000, interval: "weekly" }],
        spending_limits_currency: "EUR",
        blocked_categories: ["gambling"],
      },
    });
    const card = await activeLoadedCard(
      m,
      100_000,
      {
        spending_controls: {
          spending_limits: [
            { amount: 1_000, interval: "per_authorization" },
            { amount: 2_500, interval: "daily" },
          ],
          allowed_countries: ["DE", "FR"],
          atm: false,
          contactless: false,
        },
      },
      holder,
    );
    const gambling = {
      channel: "chip",
      merchant_data: { name: "Casino", category_code: "7995", country: "DE" },
    };
    expect(await decline(m, card.id, 10, gambling)).toBe("merchant_category_blocked");
    expect(await decline(m, card.id, 1_001)).toBe("per_authorization_limit_exceeded");
    expect(await decline(m, card.id, 1_000)).toBeNull();
    expect(await decline(m, card.id, 1_000)).toBeNull();
    expect(await decline(m, card.id, 501)).toBe("daily_limit_exceeded");
    expect(await decline(m, card.id, 500)).toBeNull();
    // Tomorrow the card's daily limit is fresh, but the cardholder's weekly 3,000 is 500 away.
    const tomorrow = { "x-test-clock-offset-seconds": String(24 * 3600) };
    const weekly = await m.sandbox.request<{ decline_reason: string | null }>(
      "POST",
      "/issuing/authorizations",
      {
        card: card.id,
        amount: 501,
        currency: "EUR",
        channel: "online",
        merchant_data: { name: "Shop", category_code: "5942", country: "DE" },
      },
      tomorrow,
    );
    // Unless tomorrow starts a new ISO week, in which case only the daily limit resets too.
    const startsNewWeek = new Date(Date.now() + 24 * 3600 * 1000).getUTCDay() === 1;
    expect(weekly.body.decline_reason).toBe(startsNewWeek ? null : "weekly_limit_exceeded");

    const fresh = await activeLoadedCard(m, 100_000, {
      spending_controls: { allowed_countries: ["DE"], atm: false, contactless: false, online: false },
    });
    const shop = (category_code: string, country = "DE") => ({
      merchant_data: { name: "S", category_code, country },
    });
    expect(await decline(m, fresh.id, 10, { channel: "online" })).toBe("online_not_allowed");
    expect(await decline(m, fresh.id, 10, { channel: "atm" })).toBe("atm_not_allowed");
    expect(await decline(m, fresh.id, 10, { channel: "contactless" })).toBe("contactless_not_allowed");
    expect(await decline(m, fresh.id, 10, { channel: "chip", ...shop("5942", "FR") })).toBe(
      "country_not_allowed",
    );
    expect(await decline(m, fresh.id, 10, { channel: "chip" })).toBeNull();
    await m.sandbox.request("PATCH", `/issuing/cards/${fresh.id}`, {
      spending_controls: { allowed_categories: ["restaurants"] },
    });
    expect(await decline(m, fresh.id, 10, { channel: "chip" })).toBe("merchant_category_not_allowed");
    expect(await decline(m, fresh.id, 10, { channel: "chip", ...shop("5812") })).toBeNull();
    await m.sandbox.request("PATCH", `/issuing/cards/${fresh.id}`, {
      spending_controls: { blocked_categories: ["restaurants"] },
    });
    expect(await decline(m, fresh.id, 10, { channel: "chip", ...shop("5812") })).toBe(
      "merchant_category_blocked",
    );
  });

  it("gives exactly the right number of approvals to 50 concurrent authorizations against a daily limit and a balance", async () => {
    const m = await createMerchant();
    // Daily limit 2,000 allows 20 of 100; a balance of 1,500 allows only 15.
    const limited = await activeLoadedCard(m, 1_500, {
      spending_controls: { spending_limits: [{ amount: 2_000, interval: "daily" }] },
    });
    const byBalance = await Promise.all(
      Array.from({ length: 50 }, () => authorize(m.sandbox, limited.id, 100)),
    );
    expect(byBalance.every((res) => res.status === 200)).toBe(true);
    expect(byBalance.filter((res) => res.body.approved)).toHaveLength(15);
    expect(
      new Set(byBalance.filter((res) => !res.body.approved).map((res) => res.body.decline_reason)),
    ).toEqual(new Set(["insufficient_funds"]));
    expect(await cardBalance(m, limited.id)).toBe(0);

    const plenty = await activeLoadedCard(m, 100_000, {
      spending_controls: { spending_limits: [{ amount: 2_000, interval: "daily" }] },
    });
    const byLimit = await Promise.all(Array.from({ length: 50 }, () => authorize(m.sandbox, plenty.id, 100)));
    expect(byLimit.filter((res) => res.body.approved)).toHaveLength(20);
    expect(
      new Set(byLimit.filter((res) => !res.body.approved).map((res) => res.body.decline_reason)),
    ).toEqual(new Set(["daily_limit_exceeded"]));
    expect(await cardBalance(m, plenty.id)).toBe(100_000 - 2_000);
    const [invariants] = await query<{ unbalanced: string }>(
      `select count(*) as unbalanced from (
         select transaction_id from ledger_entries where merchant_id = $1 group by transaction_id, currency
         having sum(amount) <> 0) t`,
      [m.merchantId],
    );
    expect(Number(invariants?.unbalanced)).toBe(0);
    const drifted = await query<{ kind: string }>(
      `select a.kind from ledger_accounts a
        where a.merchant_id = $1
          and a.balance <> (select coalesce(sum(e.amount), 0) from ledger_entries e where e.account_id = a.id)`,
      [m.merchantId],
    );
    expect(drifted).toEqual([]);
    const [holds] = await query<{ held: string }>(
      `select balance as held from ledger_accounts where merchant_id = $1 and kind = 'card_funding'`,
      [m.merchantId],
    );
    expect(Number(holds?.held)).toBe(1_500 + 2_000);
  });

  it("just in time: each authorization reserves from the merchant balance, racing with payouts of it", async () => {
    const m = await createMerchant();
    await fundMerchant(m, "EUR", 1_000);
    const card = await createCard(m.sandbox, { status: "active", funding_mode: "just_in_time" });
    expectError(
      await m.sandbox.request("POST", `/issuing/cards/${card.id}/load`, { amount: 1 }),
      400,
      "parameter_invalid",
    );
    const other = await createCard(m.sandbox, { status: "active" });
    // Authorizations and loads of another card (money leaving available, as a payout does) race for the same 1,000.
    const racing = await Promise.all([
      ...Array.from({ length: 10 }, () => authorize(m.sandbox, card.id, 100)),
      ...Array.from({ length: 10 }, () =>
        m.sandbox.request("POST", `/issuing/cards/${other.id}/load`, { amount: 100 }),
      ),
    ]);
    const approved = racing
      .slice(0, 10)
      .filter((res) => (res.body as { approved?: boolean }).approved).length;
    const loaded = racing.slice(10).filter((res) => res.status === 200).length;
    expect(approved + loaded).toBe(10);
    expect(await available(m)).toBe(0);
    expect(await cardBalance(m, card.id)).toBe(0);
  });
});

describe("issuing authorizations: captures, reversals, refunds", () => {
  async function approved(m: TestMerchant, card: string, amount: number): Promise<string> {
    const res = await authorize(m.sandbox, card, amount);
    expect(res.body.approved, res.text).toBe(true);
    return res.body.id;
  }
  const capture = (m: TestMerchant, id: string, amount?: number) =>
    m.sandbox.request<{ id: string; amount: number; ledger_transaction: string }>(
      "POST",
      `/sandbox/issuing/authorizations/${id}/capture`,
      amount === undefined ? {} : { amount },
    );
  const reverse = (m: TestMerchant, id: string, amount?: number) =>
    m.sandbox.request<{ status: string; pending_amount: number }>(
      "POST",
      `/sandbox/issuing/authorizations/${id}/reverse`,
      amount === undefined ? {} : { amount },
    );

  it("captures under, exactly and over the authorized amount", async () => {
    const m = await createMerchant();
    const card = await activeLoadedCard(m, 10_000);
    const under = await capture(m, await approved(m, card.id, 1_000), 600);
    expect(under.body.amount).toBe(-600);
    expect(await cardBalance(m, card.id)).toBe(9_400);
    const exact = await capture(m, await approved(m, card.id, 1_000));
    expect(exact.body.amount).toBe(-1_000);
    expect(await cardBalance(m, card.id)).toBe(8_400);
    const overId = await approved(m, card.id, 1_000);
    const over = await capture(m, overId, 1_300);
    expect(over.body.amount).toBe(-1_300);
    expect(await cardBalance(m, card.id)).toBe(7_100);
    expectError(await capture(m, overId), 409, "issuing_authorization_status_invalid");
    const auth = await m.sandbox.request<Record<string, unknown>>("GET", `/issuing/authorizations/${overId}`);
    expect(auth.body).toMatchObject({ status: "closed", pending_amount: 0, captured_amount: 1_300 });
    const ledger = await m.sandbox.request<{ entries: Array<{ account: string; amount: number }> }>(
      "GET",
      `/transactions/${over.body.ledger_transaction}`,
    );
    expect(ledger.body.entries).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ account: "card_funding", amount: -1_000 }),
        expect.objectContaining({ account: `card:${card.id}`, amount: -300 }),
        expect.objectContaining({ account: `provider_clearing:${card.provider}`, amount: 1_300 }),
      ]),
    );
    const tooMuch = await approved(m, card.id, 7_000);
    expectError(await capture(m, tooMuch, 7_200), 402, "insufficient_funds");
  });

  it("reverses part, then the rest, of an authorization", async () => {
    const m = await createMerchant();
    const card = await activeLoadedCard(m, 5_000);
    const id = await approved(m, card.id, 2_000);
    const partial = await reverse(m, id, 500);
    expect(partial.body).toMatchObject({ status: "pending", pending_amount: 1_500 });
    expect(await cardBalance(m, card.id)).toBe(3_500);
    expectError(await reverse(m, id, 1_501), 400, "amount_invalid");
    const full = await reverse(m, id);
    expect(full.body).toMatchObject({ status: "reversed", pending_amount: 0 });
    expect(await cardBalance(m, card.id)).toBe(5_000);
    expectError(await reverse(m, id), 409, "issuing_authorization_status_invalid");
    const partlyCaptured = await approved(m, card.id, 1_000);
    await reverse(m, partlyCaptured, 400);
    expect((await capture(m, partlyCaptured)).body.amount).toBe(-600);
    expect(await cardBalance(m, card.id)).toBe(4_400);
  });

  it("increments a pending authorization within controls and balance, and declines beyond them", async () => {
    const m = await createMerchant();
    const card = await activeLoadedCard(m, 3_000, {
      spending_controls: { spending_limits: [{ amount: 2_000, interval: "per_authorization" }] },
    });
    const id = await approved(m, card.id, 1_000);
    const increment = (amount: number) =>
      m.sandbox.request<{ amount: number; pending_amount: number }>(
        "POST",
        `/sandbox/issuing/authorizations/${id}/increment`,
        { amount },
      );
    const added = await increment(500);
    expect(added.status, added.text).toBe(200);
    expect(added.body).toMatchObject({ amount: 1_500, pending_amount: 1_500 });
    expect(await cardBalance(m, card.id)).toBe(1_500);
    const overLimit = await increment(501);
    expectError(overLimit, 402, "issuing_increment_declined");
    expect((overLimit.body as unknown as { error: { decline_code: string } }).error.decline_code).toBe(
      "per_authorization_limit_exceeded",
    );
    await approved(m, card.id, 1_200);
    const short = await increment(400);
    expect((short.body as unknown as { error: { decline_code: string } }).error.decline_code).toBe(
      "insufficient_funds",
    );
    expect(
      (await m.sandbox.request<{ amount: number }>("GET", `/issuing/authorizations/${id}`)).body.amount,
    ).toBe(1_500);
    expect((await capture(m, id)).body.amount).toBe(-1_500);
    expectError(await increment(1), 409, "issuing_authorization_status_invalid");
    const [event] = await query<{ previous: { amount: number } }>(
      `select previous_attributes as previous from events where object_id = $1 and type = 'issuing_authorization.updated'
        order by created_at, id limit 1`,
      [id],
    );
    expect(event?.previous.amount).toBe(1_000);
  });

  it("refunds captures and force-captures without an authorization, with events", async () => {
    const m = await createMerchant();
    const card = await activeLoadedCard(m, 5_000);
    const captured = await capture(m, await approved(m, card.id, 2_000));
    const refund = (amount?: number) =>
      m.sandbox.request<{ amount: number; refund_of: string; type: string }>(
        "POST",
        `/sandbox/issuing/transactions/${captured.body.id}/refund`,
        amount === undefined ? {} : { amount },
      );
    expect((await refund(500)).body).toMatchObject({
      type: "refund",
      amount: 500,
      refund_of: captured.body.id,
    });
    expectError(await refund(1_501), 400, "amount_invalid");
    expect((await refund()).body.amount).toBe(1_500);
    expectError(await refund(), 409, "resource_conflict");
    expect(await cardBalance(m, card.id)).toBe(5_000);
    const forced = await m.sandbox.request<{ amount: number; authorization: string | null }>(
      "POST",
      "/sandbox/issuing/transactions/force-capture",
      {
        card: card.id,
        amount: 1_200,
        currency: "EUR",
        merchant_data: { name: "Hotel", category_code: "7011", country: "FR" },
      },
    );
    expect(forced.body).toMatchObject({ amount: -1_200, authorization: null });
    expect(await cardBalance(m, card.id)).toBe(3_800);
    expectError(
      await m.sandbox.request("POST", "/sandbox/issuing/transactions/force-capture", {
        card: card.id,
        amount: 3_801,
        currency: "EUR",
        merchant_data: { name: "Hotel", category_code: "7011", country: "FR" },
      }),
      402,
      "insufficient_funds",
    );
    const list = await m.sandbox.request<{ data: unknown[] }>("GET", `/issuing/transactions?card=${card.id}`);
    expect(list.body.data).toHaveLength(4);
    const events = await query<{ type: string; count: string }>(
      `select type, count(*) from events where merchant_id = $1 and type like 'issuing_transaction.%' group by type`,
      [m.merchantId],
    );
    expect(events).toEqual([{ type: "issuing_transaction.created", count: "4" }]);
  });

  it("scopes authorizations and transactions to their merchant and environment, and refuses production", async () => {
    const m = await createMerchant();
    const other = await createMerchant();
    const card = await activeLoadedCard(m, 1_000);
    const id = await approved(m, card.id, 100);
    expectError(await other.sandbox.request("GET", `/issuing/authorizations/${id}`), 404, "resource_missing");
    expectError(await m.production.request("GET", `/issuing/authorizations/${id}`), 404, "resource_missing");
    expectError(await capture(other, id), 404, "resource_missing");
    expectError(await authorize(other.sandbox, card.id, 10), 404, "resource_missing");
    expectError(await authorize(m.production, card.id, 10), 403, "sandbox_only");
    const key = { "idempotency-key": `auth-${id}` };
    const body = {
      card: card.id,
      amount: 100,
      currency: "EUR",
      channel: "online",
      merchant_data: { name: "Shop", category_code: "5942", country: "DE" },
    };
    const first = await m.sandbox.request<{ id: string }>("POST", "/issuing/authorizations", body, key);
    const again = await m.sandbox.request<{ id: string }>("POST", "/issuing/authorizations", body, key);
    expect(again.body.id).toBe(first.body.id);
    expect(await cardBalance(m, card.id)).toBe(800);
  });
});
