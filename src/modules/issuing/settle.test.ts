import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { activeLoadedCard, authorize, cardBalance } from "./testing";

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

  it("releases every partial reversal, also one that leaves the pending amount of an earlier one", async () => {
    const m = await createMerchant();
    const card = await activeLoadedCard(m, 5_000);
    const id = await approved(m, card.id, 1_000);
    expect((await reverse(m, id, 500)).body.pending_amount).toBe(500);
    const added = await m.sandbox.request("POST", `/sandbox/issuing/authorizations/${id}/increment`, {
      amount: 500,
    });
    expect(added.status, added.text).toBe(200);
    expect(await cardBalance(m, card.id)).toBe(4_000);
    // Pending is 1,000 again, as before the first reversal: this one must still release its 500.
    expect((await reverse(m, id, 500)).body.pending_amount).toBe(500);
    expect(await cardBalance(m, card.id)).toBe(4_500);
    expect((await reverse(m, id)).body.status).toBe("reversed");
    expect(await cardBalance(m, card.id)).toBe(5_000);
    const [holds] = await query<{ held: string }>(
      `select balance as held from ledger_accounts where merchant_id = $1 and kind = 'card_funding'`,
      [m.merchantId],
    );
    expect(Number(holds?.held)).toBe(0);
  });

  it("captures, reversals, refunds and force captures racing new authorizations of the same card all apply", async () => {
    const m = await createMerchant();
    const card = await activeLoadedCard(m, 1_000_000);
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await approved(m, card.id, 1_000));
    const captured: string[] = [];
    for (const id of ids.splice(0, 4)) captured.push((await capture(m, id)).body.id);
    const racing = await Promise.all([
      ...ids.slice(0, 4).map((id) => capture(m, id, 700)),
      ...ids.slice(4).map((id) => reverse(m, id, 400)),
      ...captured.map((id) =>
        m.sandbox.request("POST", `/sandbox/issuing/transactions/${id}/refund`, { amount: 100 }),
      ),
      ...Array.from({ length: 2 }, () =>
        m.sandbox.request("POST", "/sandbox/issuing/transactions/force-capture", {
          card: card.id,
          amount: 50,
          currency: "EUR",
          merchant_data: { name: "Forced", category_code: "5411", country: "DE" },
        }),
      ),
      ...Array.from({ length: 12 }, () => authorize(m.sandbox, card.id, 100)),
    ]);
    expect(racing.map((res) => res.status)).toEqual(racing.map(() => 200));
    expect(await cardBalance(m, card.id)).toBe(
      1_000_000 - 4 * 1_000 - 4 * 700 - 4 * 600 + 4 * 100 - 2 * 50 - 12 * 100,
    );
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
