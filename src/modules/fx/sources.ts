import { currencyExponents } from "../../core/money";

/** One fetch of mid-market rates: units of each currency per one unit of `base`, as decimal strings. */
export interface RateSnapshot {
  source: string;
  base: string;
  /** When the source says the rates were observed. */
  timestamp: Date;
  rates: Record<string, string>;
}

export interface RateSource {
  name: string;
  fetchLatest(now: Date): Promise<RateSnapshot>;
}

export class RateSourceError extends Error {
  constructor(
    message: string,
    readonly kind: "timeout" | "http" | "invalid_response" | "network",
  ) {
    super(message);
    this.name = "RateSourceError";
  }
}

/** Reference mid rates per USD (late 2025), the seed of the sandbox source. */
export const REFERENCE_RATES: Readonly<Record<string, string>> = {
  AED: "3.6725",
  ARS: "1450.5",
  AUD: "1.5312",
  BGN: "1.6841",
  BHD: "0.376",
  BRL: "5.3361",
  CAD: "1.4005",
  CHF: "0.8012",
  CLP: "941.2",
  CNY: "7.1052",
  COP: "3812.4",
  CZK: "20.891",
  DKK: "6.4317",
  EGP: "47.35",
  EUR: "0.8611",
  GBP: "0.7581",
  HKD: "7.7731",
  HUF: "331.26",
  IDR: "16643",
  ILS: "3.2612",
  INR: "88.612",
  ISK: "125.41",
  JPY: "155.32",
  KES: "129.21",
  KRW: "1465.3",
  KWD: "0.30712",
  MAD: "9.2511",
  MXN: "18.391",
  MYR: "4.1352",
  NGN: "1441.6",
  NOK: "10.134",
  NZD: "1.7771",
  OMR: "0.38449",
  PEN: "3.3741",
  PHP: "58.912",
  PKR: "281.72",
  PLN: "3.6532",
  QAR: "3.64",
  RON: "4.3812",
  RSD: "100.92",
  SAR: "3.7503",
  SEK: "9.4861",
  SGD: "1.3041",
  THB: "32.401",
  TND: "2.9412",
  TRY: "42.391",
  TWD: "31.212",
  UAH: "42.031",
  UGX: "3651.2",
  USD: "1",
  VND: "26311",
  XAF: "564.81",
  XOF: "564.81",
  ZAR: "17.312",
  JOD: "0.709",
  LKR: "304.61",
};

/** A 32-bit hash of text, for deterministic noise (FNV-1a). */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Noise in parts per million, uniform in [-range, range]. */
function noisePpm(key: string, range: number): number {
  return (hash(key) % (2 * range + 1)) - range;
}

const MINUTE_MS = 60_000;

/**
 * The sandbox source: each hour starts from the reference rate moved by up to ±1 %, then walks
 * one step of up to ±0.05 % per minute. Deterministic in (currency, time), so tests can predict
 * every rate, and bounded to ±4 % of the reference. Integer ppm arithmetic keeps it exact.
 */
export function sandboxRateAt(currency: string, at: Date): string | undefined {
  const reference = REFERENCE_RATES[currency];
  if (reference === undefined) return undefined;
  if (currency === "USD") return "1";
  const minute = Math.floor(at.getTime() / MINUTE_MS);
  const hour = Math.floor(minute / 60);
  let ppm = noisePpm(`${currency}:h:${hour}`, 10_000);
  for (let step = hour * 60; step <= minute; step++) ppm += noisePpm(`${currency}:m:${step}`, 500);
  const [whole = "0", fraction = ""] = reference.split(".");
  const scale = 10n ** BigInt(fraction.length);
  const value = BigInt(whole + fraction) * BigInt(1_000_000 + ppm);
  const denominator = scale * 1_000_000n;
  const places = 10;
  const scaled = (value * 10n ** BigInt(places)) / denominator;
  const digits = scaled.toString().padStart(places + 1, "0");
  return `${digits.slice(0, -places)}.${digits.slice(-places)}`.replace(/0+$/, "").replace(/\.$/, "");
}

export const sandboxRateSource: RateSource = {
  name: "sandbox",
  async fetchLatest(now) {
    const minuteStart = new Date(Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS);
    const rates: Record<string, string> = {};
    for (const currency of Object.keys(REFERENCE_RATES)) {
      const rate = sandboxRateAt(currency, minuteStart);
      if (rate) rates[currency] = rate;
    }
    return { source: "sandbox", base: "USD", timestamp: minuteStart, rates };
  },
};

/**
 * Open Exchange Rates (`/api/latest.json?app_id=…`): `{ timestamp, base, rates: { EUR: 0.92, … } }`.
 * The numbers are read from the raw text, so a rate keeps exactly the digits the source sent.
 */
export function openExchangeRatesSource(options: {
  url: string;
  appId: string;
  timeoutMs: number;
  fetcher?: typeof fetch;
}): RateSource {
  const fetcher = options.fetcher ?? fetch;
  return {
    name: "openexchangerates",
    async fetchLatest() {
      const url = new URL(options.url);
      url.searchParams.set("app_id", options.appId);
      let response: Response;
      try {
        response = await fetcher(url.toString(), { signal: AbortSignal.timeout(options.timeoutMs) });
      } catch (error) {
        const timedOut =
          error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
        throw new RateSourceError(
          timedOut ? "rate source timed out" : "rate source unreachable",
          timedOut ? "timeout" : "network",
        );
      }
      const text = await response.text();
      if (!response.ok) throw new RateSourceError(`rate source answered HTTP ${response.status}`, "http");
      return parseOpenExchangeRates(text);
    },
  };
}

export function parseOpenExchangeRates(text: string): RateSnapshot {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new RateSourceError("rate source sent invalid JSON", "invalid_response");
  }
  if (
    !body ||
    typeof body !== "object" ||
    !("timestamp" in body) ||
    typeof body.timestamp !== "number" ||
    !("base" in body) ||
    typeof body.base !== "string"
  ) {
    throw new RateSourceError("rate source response lacks timestamp or base", "invalid_response");
  }
  const ratesText = /"rates"\s*:\s*\{([^}]*)\}/.exec(text)?.[1];
  if (!ratesText) throw new RateSourceError("rate source response lacks rates", "invalid_response");
  const rates: Record<string, string> = {};
  for (const match of ratesText.matchAll(/"([A-Z]{3})"\s*:\s*([0-9.eE+-]+)/g)) {
    const [, code = "", literal = ""] = match;
    if (!Object.hasOwn(currencyExponents, code)) continue;
    const decimal = /^\d+(\.\d+)?$/.test(literal)
      ? literal
      : Number(literal).toFixed(12).replace(/0+$/, "").replace(/\.$/, "");
    if (/^\d+(\.\d+)?$/.test(decimal) && Number(decimal) > 0) rates[code] = decimal;
  }
  if (Object.keys(rates).length === 0)
    throw new RateSourceError("rate source sent no usable rates", "invalid_response");
  return { source: "openexchangerates", base: body.base, timestamp: new Date(body.timestamp * 1000), rates };
}
