import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError } from "../../../test/harness";
import { nodeServices } from "../../../test/node-services";
import type { ServiceContext } from "../../core/context";
import { refreshNow } from "./fx-testing";
import { latestSnapshot, refreshRates } from "./rates";
import { createQuote } from "./service";
import { sandboxRateAt } from "./sources";

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
