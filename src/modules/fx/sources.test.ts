import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseDecimal } from "./decimal";
import {
  openExchangeRatesSource,
  RateSourceError,
  REFERENCE_RATES,
  sandboxRateAt,
  sandboxRateSource,
} from "./sources";

/** Recorded from the Open Exchange Rates docs' example response (trimmed). */
const RECORDED_OK = `{
  "disclaimer": "Usage subject to terms: https://openexchangerates.org/terms",
  "license": "https://openexchangerates.org/license",
  "timestamp": 1764067200,
  "base": "USD",
  "rates": { "AED": 3.6725, "EUR": 0.861123, "GBP": 0.758142, "JPY": 155.3215, "BTC": 0.0000114, "XYZ": 2, "KWD": 0.307125 }
}`;
const RECORDED_INVALID_APP_ID = `{ "error": true, "status": 401, "message": "invalid_app_id", "description": "Invalid App ID provided." }`;

let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    const appId = url.searchParams.get("app_id");
    if (url.pathname === "/slow") return setTimeout(() => response.end(RECORDED_OK), 2000);
    if (url.pathname === "/garbage") return response.end("<html>maintenance</html>");
    if (appId !== "good-key") {
      response.writeHead(401, { "content-type": "application/json" });
      return response.end(RECORDED_INVALID_APP_ID);
    }
    response.writeHead(200, { "content-type": "application/json" });
    response.end(RECORDED_OK);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("sandbox rate source", () => {
  it("is deterministic in time and moves from minute to minute within ±4 % of the reference", () => {
    const at = new Date("2026-11-25T12:34:56Z");
    expect(sandboxRateAt("EUR", at)).toBe(sandboxRateAt("EUR", new Date("2026-11-25T12:34:01Z")));
    const values = new Set<string>();
    for (let minute = 0; minute < 180; minute++) {
      const rate = sandboxRateAt("EUR", new Date(at.getTime() + minute * 60_000)) ?? "0";
      values.add(rate);
      const ratio = Number(rate) / Number(REFERENCE_RATES.EUR);
      expect(ratio).toBeGreaterThan(0.96);
      expect(ratio).toBeLessThan(1.04);
      expect(() => parseDecimal(rate)).not.toThrow();
    }
    expect(values.size).toBeGreaterThan(100);
    expect(sandboxRateAt("USD", at)).toBe("1");
  });

  it("covers at least 50 currencies", async () => {
    const snapshot = await sandboxRateSource.fetchLatest(new Date("2026-11-25T12:34:56Z"));
    expect(Object.keys(snapshot.rates).length).toBeGreaterThanOrEqual(50);
    expect(snapshot.timestamp.toISOString()).toBe("2026-11-25T12:34:00.000Z");
  });
});

describe("Open Exchange Rates adapter against recorded responses", () => {
  it("keeps the exact digits, drops unknown and non-ISO codes", async () => {
    const snapshot = await openExchangeRatesSource({
      url: `${baseUrl}/api/latest.json`,
      appId: "good-key",
      timeoutMs: 5_000,
    }).fetchLatest(new Date());
    expect(snapshot.base).toBe("USD");
    expect(snapshot.timestamp.toISOString()).toBe("2025-11-25T10:40:00.000Z");
    expect(snapshot.rates).toEqual({
      AED: "3.6725",
      EUR: "0.861123",
      GBP: "0.758142",
      JPY: "155.3215",
      KWD: "0.307125",
    });
  });

  it("reports HTTP errors, garbage and timeouts as typed failures", async () => {
    const kindOf = async (url: string, appId = "good-key", timeoutMs = 5000) => {
      try {
        await openExchangeRatesSource({ url, appId, timeoutMs }).fetchLatest(new Date());
        return "ok";
      } catch (error) {
        expect(error).toBeInstanceOf(RateSourceError);
        return (error as RateSourceError).kind;
      }
    };
    expect(await kindOf(`${baseUrl}/api/latest.json`, "bad-key")).toBe("http");
    expect(await kindOf(`${baseUrl}/garbage`)).toBe("invalid_response");
    expect(await kindOf(`${baseUrl}/slow`, "good-key", 200)).toBe("timeout");
    expect(await kindOf("http://127.0.0.1:1/api/latest.json")).toBe("network");
  });
});
