import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { baseUrl, createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { nodeServices } from "../../../test/node-services";
import type { ServiceContext } from "../../core/context";
import { buyAmountFor, customerRate } from "./conversion";
import { parseDecimal } from "./decimal";
import { latestSnapshot, refreshRates } from "./rates";
import { createQuote } from "./service";
import { sandboxRateAt } from "./sources";

interface Quote {
  id: string;
  sell_amount: number;
  buy_amount: number;
  rate: string;
  mid_rate: string;
  markup_bps: number;
}

/** Runs fx-refresh through the Worker's cron trigger, as Cloudflare would. */
async function refreshNow(): Promise<void> {
  const response = await fetch(`${baseUrl()}/internal/dev/scheduled?cron=${encodeURIComponent("* * * * *")}`);
  expect(response.status).toBe(200);
}

async function fund(m: TestMerchant, currency: string, amount: number): Promise<void> {
  const deposit = await m.sandbox.request<{ id: string }>("POST", "/funding/deposits", {
    amount,
    currency,
    method: "wire",
    reference: "fx test",
  });
  expect(deposit.status).toBe(200);
  const received = await m.sandbox.request(
    "POST",
    `/sandbox/funding/deposits/${deposit.body.id}/receive`,
    {},
  );
  expect(received.status).toBe(200);
}

async function balance(m: TestMerchant, currency: string): Promise<number> {
  const response = await m.sandbox.request<{ available: number }>("GET", `/balances/${currency}`);
  return response.body.available;
}

describe("fx rates", () => {
  it("serves the refreshed sandbox rates, predictably, with cross rates and the merchant's markup", async () => {
    await refreshNow();
    const m = await createMerchant();
    const rates = await m.sandbox.request<{
      base: string;
      source: string;
      stale: boolean;
      timestamp: string;
      rates: Record<string, string>;
    }>("GET", "/fx/rates?base=USD&symbols=EUR,GBP,JPY");
    expect(rates.status).toBe(200);
    expect(rates.body).toMatchObject({ base: "USD", source: "sandbox", stale: false });
    expect(Object.keys(rates.body.rates)).toEqual(["EUR", "GBP", "JPY"]);
    const observed = new Date(rates.body.timestamp);
    expect(Number(rates.body.rates.EUR)).toBeCloseTo(Number(sandboxRateAt("EUR", observed)), 8);

    const pair = await m.sandbox.request<{ mid: string; buy: string; sell: string; markup_bps: number }>(
      "GET",
      "/fx/rates/EUR/GBP",
    );
    expect(pair.status).toBe(200);
    expect(pair.body.markup_bps).toBe(50);
    expect(Number(pair.body.buy)).toBeGreaterThan(Number(pair.body.mid));
    expect(Number(pair.body.sell)).toBeLessThan(Number(pair.body.mid));

    expect((await m.sandbox.request("POST", "/fx/settings", { merchant_markup_bps: 120 })).status).toBe(200);
    const marked = await m.sandbox.request<{ markup_bps: number }>("GET", "/fx/rates/EUR/GBP");
    expect(marked.body.markup_bps).toBe(170);
    expectError(
      await m.sandbox.request("POST", "/fx/settings", { merchant_markup_bps: 5000 }),
      400,
      "parameter_invalid",
    );

    const currencies = await m.sandbox.request<{ data: Array<{ code: string; exponent: number }> }>(
      "GET",
      "/fx/currencies",
    );
    expect(currencies.body.data.length).toBeGreaterThanOrEqual(50);
    expect(currencies.body.data.find((c) => c.code === "JPY")?.exponent).toBe(0);
    expect(currencies.body.data.find((c) => c.code === "KWD")?.exponent).toBe(3);

    expectError(await m.sandbox.request("GET", "/fx/rates/USD/XAU"), 400, "currency_invalid");
    expectError(await m.sandbox.request("GET", "/fx/rates?base=USD&symbols=eur"), 400, "parameter_invalid");
  });

  it("moves every minute, never moves the cache back, and keeps the last good rates when a source fails", async () => {
    await refreshNow();
    let minute = Date.parse("2026-11-25T10:00:30Z");
    const services = nodeServices();
    services.clock = { now: () => new Date(minute) };
    await refreshRates(services);
    minute += 60_000;
    await refreshRates(services);
    const stored = await query<{ observed_at: Date; rates: Record<string, string> }>(
      "select observed_at, rates from fx_rate_snapshots where source = 'sandbox' and observed_at in ($1, $2) order by observed_at",
      [new Date("2026-11-25T10:00:00Z"), new Date("2026-11-25T10:01:00Z")],
    );
    expect(stored).toHaveLength(2);
    expect(stored[0]?.rates.EUR).not.toBe(stored[1]?.rates.EUR);
    expect(stored[1]?.rates.EUR).toBe(sandboxRateAt("EUR", new Date("2026-11-25T10:01:00Z")));
    // The cache holds the newest snapshot (from the real clock), not the back-dated ones.
    expect((await latestSnapshot(services, "sandbox"))?.observedAt.getTime()).toBeGreaterThan(minute);

    let healthy = true;
    const source = createServer((_, response) => {
      response.writeHead(healthy ? 200 : 503, { "content-type": "application/json" });
      response.end(
        healthy
          ? `{"timestamp": 1764064800, "base": "USD", "rates": {"EUR": 0.8611, "GBP": 0.7581}}`
          : "down",
      );
    });
    await new Promise<void>((resolve) => source.listen(0, "127.0.0.1", resolve));
    const refreshedFrom = new Date();
    const production = nodeServices({
      FX_PRODUCTION_SOURCE: "openexchangerates",
      FX_RATE_SOURCE_KEY: "key",
      FX_RATE_SOURCE_URL: `http://127.0.0.1:${(source.address() as AddressInfo).port}/api/latest.json`,
    });
    await refreshRates(production);
    const good = await latestSnapshot(production, "openexchangerates");
    expect(good?.rates).toEqual({ EUR: "0.8611", GBP: "0.7581" });
    healthy = false;
    await expect(refreshRates(production)).rejects.toThrow(
      /openexchangerates: rate source answered HTTP 503/,
    );
    expect((await latestSnapshot(production, "openexchangerates"))?.id).toBe(good?.id);
    // Snapshots are global, not per merchant: only those fetched since this test began are its own.
    const fetched = await query<{ id: string }>(
      "select id from fx_rate_snapshots where source = 'openexchangerates' and fetched_at >= $1",
      [refreshedFrom],
    );
    expect(fetched.map((row) => row.id)).toEqual([good?.id]);
    await new Promise<void>((resolve) => source.close(() => resolve()));
    await services.close();
    await production.close();
  });

  it("refuses to quote from stale rates", async () => {
    await refreshNow();
    const services = nodeServices();
    services.clock = { now: () => new Date(Date.now() + 10 * 60_000) };
    const ctx: ServiceContext = {
      services,
      merchantId: "mer_stale",
      environment: "sandbox",
      actor: { type: "system", id: "test" },
      requestId: null,
    };
    await expect(
      createQuote({ ctx, input: { sell_currency: "USD", buy_currency: "EUR", sell_amount: 100 } }),
    ).rejects.toMatchObject({
      code: "fx_rates_stale",
    });
    await services.close();
  });
});

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
