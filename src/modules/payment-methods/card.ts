/**
 * Card number handling. The full number (PAN) and the CVC exist only in memory for the length of
 * one request: nothing here stores, logs or returns them (PCI DSS 3.3.1, 3.5.1).
 */
import { keyedFingerprint } from "../../core/fingerprint";

export type CardBrand =
  | "visa"
  | "mastercard"
  | "amex"
  | "discover"
  | "jcb"
  | "unionpay"
  | "diners"
  | "unknown";
export type CardFunding = "credit" | "debit" | "prepaid" | "unknown";

export function luhnValid(number: string): boolean {
  if (!/^\d{12,19}$/.test(number)) return false;
  let sum = 0;
  for (let i = 0; i < number.length; i++) {
    let digit = Number(number[number.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

export function cardBrand(number: string): CardBrand {
  const two = Number(number.slice(0, 2));
  const four = Number(number.slice(0, 4));
  const six = Number(number.slice(0, 6));
  if (number.startsWith("4")) return "visa";
  if ((two >= 51 && two <= 55) || (four >= 2221 && four <= 2720)) return "mastercard";
  if (two === 34 || two === 37) return "amex";
  if (number.startsWith("6011") || number.startsWith("65") || (six >= 644000 && six <= 649999))
    return "discover";
  if (four >= 3528 && four <= 3589) return "jcb";
  if (number.startsWith("62")) return "unionpay";
  if (two === 36 || two === 38 || (Number(number.slice(0, 3)) >= 300 && Number(number.slice(0, 3)) <= 305))
    return "diners";
  return "unknown";
}

export function cvcLengthValid(brand: CardBrand, cvc: string): boolean {
  return brand === "amex" ? /^\d{4}$/.test(cvc) : /^\d{3}$/.test(cvc);
}

/** Valid through the last day of the expiry month, UTC. */
export function expiryValid(expMonth: number, expYear: number, now: Date): boolean {
  if (expMonth < 1 || expMonth > 12) return false;
  const firstDayAfter = Date.UTC(expYear, expMonth, 1);
  return now.getTime() < firstDayAfter && expYear <= now.getUTCFullYear() + 20;
}

interface BinRange {
  prefix: string;
  country: string;
  funding: CardFunding;
}

/**
 * A small BIN table: the sandbox test ranges plus a few well-known issuer ranges. Longest prefix
 * wins; anything else is reported with an unknown country. Production would load a licensed table.
 */
const binTable: readonly BinRange[] = [
  { prefix: "4000002500", country: "FR", funding: "credit" },
  { prefix: "4000002760", country: "DE", funding: "credit" },
  { prefix: "4000005280", country: "NL", funding: "credit" },
  { prefix: "4000008260", country: "GB", funding: "credit" },
  { prefix: "4000003560", country: "IN", funding: "credit" },
  { prefix: "4000003920", country: "JP", funding: "credit" },
  { prefix: "4000007020", country: "SG", funding: "credit" },
  { prefix: "4000000760", country: "BR", funding: "credit" },
  { prefix: "4000004840", country: "MX", funding: "credit" },
  { prefix: "4000000360", country: "AU", funding: "credit" },
  { prefix: "400005", country: "US", funding: "debit" },
  { prefix: "424242", country: "US", funding: "credit" },
  { prefix: "400000", country: "US", funding: "credit" },
  { prefix: "555555", country: "US", funding: "credit" },
  { prefix: "520082", country: "US", funding: "debit" },
  { prefix: "378282", country: "US", funding: "credit" },
  { prefix: "601111", country: "US", funding: "credit" },
  { prefix: "353011", country: "JP", funding: "credit" },
  { prefix: "620000", country: "CN", funding: "debit" },
];

export function binLookup(number: string): { country: string | null; funding: CardFunding } {
  let best: BinRange | undefined;
  for (const range of binTable) {
    if (number.startsWith(range.prefix) && (!best || range.prefix.length > best.prefix.length)) best = range;
  }
  return best ? { country: best.country, funding: best.funding } : { country: null, funding: "unknown" };
}

/** A keyed HMAC of the number, so a merchant can spot the same card without anyone learning it. */
export function cardFingerprint(number: string, key: string): Promise<string> {
  return keyedFingerprint(number, key, 12);
}

export type CardCheck =
  | { ok: true; brand: CardBrand; last4: string; country: string | null; funding: CardFunding }
  | { ok: false; code: "card_number_invalid" | "card_expiry_invalid" | "card_cvc_invalid"; param: string };

export function checkCard(
  card: { number: string; exp_month: number; exp_year: number; cvc?: string | undefined },
  now: Date,
): CardCheck {
  const number = card.number.replace(/[\s-]/g, "");
  if (!luhnValid(number))
    return { ok: false, code: "card_number_invalid", param: "payment_method_data.card.number" };
  if (!expiryValid(card.exp_month, card.exp_year, now)) {
    return { ok: false, code: "card_expiry_invalid", param: "payment_method_data.card.exp_year" };
  }
  const brand = cardBrand(number);
  if (card.cvc !== undefined && !cvcLengthValid(brand, card.cvc)) {
    return { ok: false, code: "card_cvc_invalid", param: "payment_method_data.card.cvc" };
  }
  return { ok: true, brand, last4: number.slice(-4), ...binLookup(number) };
}
