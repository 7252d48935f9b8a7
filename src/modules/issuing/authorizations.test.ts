import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import {
  activeLoadedCard,
  authorize,
  cardBalance,
  createCard,
  createCardholder,
  fundMerchant,
} from "./testing";

async function decline(
  m: TestMerchant,
  card: string,
  amount: number,
  extra: Record<string, unknown> = {},
  headers?: Record<string, string>,
) {
  const res = await authorize(m.sandbox, card, amount, extra, headers);
  expect(res.status, res.text).toBe(200);
  return res.body.approved ? null : res.body.decline_reason;
}

async function available(m: TestMerchant): Promise<number> {
  return (await m.sandbox.request<{ available: number }>("GET", "/balances/EUR")).body.available;
}

/**
 * The request clock moved to the next Wednesday at noon UTC (at least a day ahead), plus `days`:
 * the daily and weekly windows the limits use are then the same whatever the hour and weekday
 * the suite runs at, and no test straddles a midnight.
 */
function midweek(days = 0): Record<string, string> {
  const target = new Date(Date.now() + 86_400_000);
  target.setUTCHours(12, 0, 0, 0);
  while (target.getUTCDay() !== 3) target.setUTCDate(target.getUTCDate() + 1);
  const seconds = Math.round((target.getTime() - Date.now()) / 1000) + days * 86_400;
  return { "x-test-clock-offset-seconds": String(seconds) };
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
    const wednesday = midweek();
    expect(await decline(m, card.id, 10, gambling, wednesday)).toBe("merchant_category_blocked");
    expect(await decline(m, card.id, 1_001, {}, wednesday)).toBe("per_authorization_limit_exceeded");
    expect(await decline(m, card.id, 1_000, {}, wednesday)).toBeNull();
    expect(await decline(m, card.id, 1_000, {}, wednesday)).toBeNull();
    expect(await decline(m, card.id, 501, {}, wednesday)).toBe("daily_limit_exceeded");
    expect(await decline(m, card.id, 500, {}, wednesday)).toBeNull();
    // Thursday the card's daily limit is fresh, but the cardholder's weekly 3,000 is 500 away;
    // the next Monday starts a new week.
    expect(await decline(m, card.id, 501, {}, midweek(1))).toBe("weekly_limit_exceeded");
    expect(await decline(m, card.id, 500, {}, midweek(1))).toBeNull();
    expect(await decline(m, card.id, 1_000, {}, midweek(5))).toBeNull();

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
    const wednesday = midweek();
    const byLimit = await Promise.all(
      Array.from({ length: 50 }, () => authorize(m.sandbox, plenty.id, 100, {}, wednesday)),
    );
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
