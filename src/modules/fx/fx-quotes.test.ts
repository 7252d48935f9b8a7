import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError } from "../../../test/harness";
import { buyAmountFor, customerRate } from "./conversion";
import { parseDecimal } from "./decimal";
import { balance, fund, type Quote, refreshNow } from "./fx-testing";

describe("fx quotes and conversions", () => {
  it("quotes with the markup visible, converts through the ledger once, and refuses reuse and expiry", async () => {
    await refreshNow();
    const m = await createMerchant();
    await fund(m, "USD", 50_000);
    const quote = await m.sandbox.request<Quote>("POST", "/fx/quotes", {
      sell_currency: "USD",
      buy_currency: "EUR",
      sell_amount: 10_000,
    });
    expect(quote.status).toBe(200);
    const mid = parseDecimal(quote.body.mid_rate);
    expect(quote.body.markup_bps).toBe(50);
    expect(quote.body.buy_amount).toBe(buyAmountFor(10_000, customerRate(mid, 50), "USD", "EUR"));
    expect(quote.body.buy_amount).toBeLessThan(buyAmountFor(10_000, mid, "USD", "EUR"));

    const conversion = await m.sandbox.request<{
      id: string;
      markup_amount: number;
      ledger_transaction: string;
      buy_amount: number;
    }>("POST", "/fx/conversions", { quote: quote.body.id });
    expect(conversion.status).toBe(200);
    expect(conversion.body.markup_amount).toBeGreaterThan(0);
    expect(await balance(m, "USD")).toBe(40_000);
    expect(await balance(m, "EUR")).toBe(quote.body.buy_amount);
    const sums = await query<{ currency: string; total: string }>(
      "select currency, sum(amount) as total from ledger_entries where transaction_id = $1 group by currency",
      [conversion.body.ledger_transaction],
    );
    expect(sums.every((row) => row.total === "0")).toBe(true);

    expectError(
      await m.sandbox.request("POST", "/fx/conversions", { quote: quote.body.id }),
      409,
      "fx_quote_used",
    );
    const listed = await m.sandbox.request<{ data: Array<{ id: string }> }>("GET", "/fx/conversions");
    expect(listed.body.data.map((c) => c.id)).toEqual([conversion.body.id]);
    const events = await query(
      "select 1 from events where object_id = $1 and type = 'fx.conversion.succeeded'",
      [conversion.body.id],
    );
    expect(events).toHaveLength(1);

    const old = await m.sandbox.request<Quote>("POST", "/fx/quotes", {
      sell_currency: "USD",
      buy_currency: "GBP",
      buy_amount: 1_000,
    });
    expect(old.body.buy_amount).toBe(1_000);
    await query("update fx_quotes set expires_at = now() - interval '1 second' where id = $1", [old.body.id]);
    expectError(
      await m.sandbox.request("POST", "/fx/conversions", { quote: old.body.id }),
      409,
      "fx_quote_expired",
    );
  });

  it("refuses a conversion the balance cannot cover, leaving the quote usable", async () => {
    await refreshNow();
    const m = await createMerchant();
    await fund(m, "USD", 1_000);
    const quote = await m.sandbox.request<Quote>("POST", "/fx/quotes", {
      sell_currency: "USD",
      buy_currency: "JPY",
      sell_amount: 5_000,
    });
    expectError(
      await m.sandbox.request("POST", "/fx/conversions", { quote: quote.body.id }),
      402,
      "insufficient_funds",
    );
    expect(await balance(m, "USD")).toBe(1_000);
    await fund(m, "USD", 10_000);
    expect((await m.sandbox.request("POST", "/fx/conversions", { quote: quote.body.id })).status).toBe(200);
    expect(await balance(m, "JPY")).toBe(quote.body.buy_amount);
  });

  it("validates quote requests", async () => {
    const m = await createMerchant();
    expectError(
      await m.sandbox.request("POST", "/fx/quotes", {
        sell_currency: "USD",
        buy_currency: "USD",
        sell_amount: 1,
      }),
      400,
      "fx_pair_unsupported",
    );
    expectError(
      await m.sandbox.request("POST", "/fx/quotes", {
        sell_currency: "USD",
        buy_currency: "EUR",
        sell_amount: 1,
        buy_amount: 1,
      }),
      400,
      "parameter_invalid",
    );
    expectError(
      await m.sandbox.request("POST", "/fx/quotes", { sell_currency: "USD", buy_currency: "EUR" }),
      400,
      "parameter_invalid",
    );
    expectError(
      await m.sandbox.request("POST", "/fx/quotes", {
        sell_currency: "USD",
        buy_currency: "EUR",
        sell_amount: -5,
      }),
      400,
      "amount_invalid",
    );
    expectError(
      await m.sandbox.request("POST", "/fx/quotes", {
        sell_currency: "JPY",
        buy_currency: "USD",
        sell_amount: 1,
      }),
      400,
      "amount_invalid",
    );
    expectError(
      await m.sandbox.request("POST", "/fx/conversions", { quote: "fxq_nope" }),
      404,
      "resource_missing",
    );
  });
});

/** Finding 11: the platform markup is the operator's; a merchant only adds its own on top. */
describe("fx markup: the platform's is not the merchant's to lower", () => {
  it("refuses setting the platform markup, and quotes always pay it", async () => {
    await refreshNow();
    const m = await createMerchant();
    for (const client of [m.sandbox, m.production, m.dashboard]) {
      expect((await client.request("POST", "/fx/settings", { markup_bps: 0 })).status).toBe(400);
      expectError(
        await client.request("POST", "/fx/settings", { merchant_markup_bps: 0, markup_bps: 0 }),
        400,
        "parameter_unknown",
      );
      expectError(
        await client.request("POST", "/fx/settings", { merchant_markup_bps: -50 }),
        400,
        "parameter_invalid",
      );
    }
    const settings = await m.sandbox.request("GET", "/fx/settings");
    expect(settings.body).toEqual({
      object: "fx_settings",
      markup_bps: 50,
      platform_markup_bps: 50,
      merchant_markup_bps: 0,
      default: true,
    });
    const own = await m.sandbox.request("POST", "/fx/settings", { merchant_markup_bps: 0 });
    expect(own.body).toMatchObject({ markup_bps: 50, platform_markup_bps: 50, merchant_markup_bps: 0 });
    const quote = await m.sandbox.request<Quote>("POST", "/fx/quotes", {
      sell_currency: "USD",
      buy_currency: "EUR",
      sell_amount: 10_000,
    });
    expect(quote.body.markup_bps).toBe(50);
    expect(quote.body.buy_amount).toBe(
      buyAmountFor(10_000, customerRate(parseDecimal(quote.body.mid_rate), 50), "USD", "EUR"),
    );
    // The merchant's own markup shows in its customer-facing rates, never in its own conversions.
    await m.sandbox.request("POST", "/fx/settings", { merchant_markup_bps: 200 });
    const pair = await m.sandbox.request("GET", "/fx/rates/USD/EUR");
    expect(pair.body).toMatchObject({ markup_bps: 250, platform_markup_bps: 50, merchant_markup_bps: 200 });
    const again = await m.sandbox.request<Quote>("POST", "/fx/quotes", {
      sell_currency: "USD",
      buy_currency: "EUR",
      sell_amount: 10_000,
    });
    expect(again.body.markup_bps).toBe(50);
  });
});

/** Finding 9: every computed amount is a safe integer within the ledger's bounds, else 400. */
describe("fx quote amounts at the edge of the ledger", () => {
  it("refuses quotes whose computed amounts would exceed 2^53 − 1, in every direction", async () => {
    await refreshNow();
    const m = await createMerchant();
    const max = Number.MAX_SAFE_INTEGER;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ sell_currency: "USD", buy_currency: "IDR", sell_amount: max }, "sell_amount"],
      [{ sell_currency: "USD", buy_currency: "JPY", sell_amount: max }, "sell_amount"],
      [{ sell_currency: "USD", buy_currency: "VND", sell_amount: max }, "sell_amount"],
      [{ sell_currency: "IDR", buy_currency: "USD", buy_amount: max }, "buy_amount"],
      [{ sell_currency: "KWD", buy_currency: "IDR", sell_amount: max }, "sell_amount"],
    ];
    for (const [body, param] of cases) {
      const response = await m.sandbox.request("POST", "/fx/quotes", body);
      expectError(response, 400, "amount_invalid");
      expect((response.body as { error: { param: string } }).error.param).toBe(param);
    }
    for (const amount of [max + 1, 2 ** 53, 2 ** 60]) {
      expectError(
        await m.sandbox.request("POST", "/fx/quotes", {
          sell_currency: "USD",
          buy_currency: "EUR",
          sell_amount: amount,
        }),
        400,
        "amount_invalid",
      );
    }
    // The largest amounts that fit are quoted exactly.
    const big = await m.sandbox.request<Quote>("POST", "/fx/quotes", {
      sell_currency: "IDR",
      buy_currency: "USD",
      sell_amount: max,
    });
    expect(big.status).toBe(200);
    expect(big.body.sell_amount).toBe(max);
    expect(Number.isSafeInteger(big.body.buy_amount)).toBe(true);
  });

  it("a stored quote beyond the ledger's bounds is refused at conversion with 400, not 500", async () => {
    await refreshNow();
    const m = await createMerchant();
    const quote = await m.sandbox.request<Quote>("POST", "/fx/quotes", {
      sell_currency: "USD",
      buy_currency: "JPY",
      sell_amount: 1_000,
    });
    // As quotes stored before the bounds check could be.
    await query("update fx_quotes set buy_amount = $2, mid_buy_amount = $2 where id = $1", [
      quote.body.id,
      "9007199254740993",
    ]);
    expectError(
      await m.sandbox.request("POST", "/fx/conversions", { quote: quote.body.id }),
      400,
      "amount_invalid",
    );
  });
});
