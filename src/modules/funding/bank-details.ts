import { sha256Hex } from "../../core/auth/crypto";
import type { Environment } from "../../core/tables";

/**
 * ISO 7064 MOD 97-10 over an alphanumeric string (A = 10 … Z = 35), as IBANs use it. Folded
 * digit by digit so it never needs more than a small integer.
 */
export function mod97(text: string): number {
  let remainder = 0;
  for (const char of text.toUpperCase()) {
    const value = Number.parseInt(char, 36);
    if (Number.isNaN(value)) throw new RangeError(`Not alphanumeric: ${char}`);
    for (const digit of String(value)) remainder = (remainder * 10 + Number(digit)) % 97;
  }
  return remainder;
}

/** IBAN lengths of the countries whose IBANs we hand out or commonly receive from. */
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AT: 20,
  BE: 16,
  CH: 21,
  DE: 22,
  ES: 24,
  FR: 27,
  GB: 22,
  IE: 22,
  IT: 27,
  LU: 20,
  NL: 18,
  PT: 25,
};

function compact(iban: string): string {
  return iban.replace(/\s+/g, "").toUpperCase();
}

export function isValidIban(iban: string): boolean {
  const value = compact(iban);
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(value)) return false;
  const length = IBAN_LENGTHS[value.slice(0, 2)];
  if (length !== undefined && value.length !== length) return false;
  return mod97(value.slice(4) + value.slice(0, 4)) === 1;
}

/** The IBAN for a country and its national account number (BBAN), with computed check digits. */
export function buildIban(country: string, bban: string): string {
  const check = 98 - mod97(`${bban}${country}00`);
  return `${country}${String(check).padStart(2, "0")}${bban}`;
}

/** Groups of four, as IBANs are printed for people. */
export function formatIban(iban: string): string {
  return compact(iban).replace(/(.{4})(?=.)/g, "$1 ");
}

const ABA_WEIGHTS = [3, 7, 1, 3, 7, 1, 3, 7, 1];

/** ABA routing numbers: nine digits whose 3-7-1 weighted sum is a multiple of ten. */
export function isValidAbaRouting(routing: string): boolean {
  if (!/^\d{9}$/.test(routing)) return false;
  const sum = [...routing].reduce((total, digit, i) => total + Number(digit) * (ABA_WEIGHTS[i] ?? 0), 0);
  return sum % 10 === 0;
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/**
 * The transfer reference that identifies a merchant's balance in one environment: "MP", twelve
 * Crockford base32 characters of a SHA-256 of the merchant id and environment, and two MOD 97
 * check digits. Sixteen upper-case characters fit every rail's reference field (UK Faster
 * Payments allows 18) and survive banks that upper-case or re-space it.
 */
export async function fundingReference(merchantId: string, environment: Environment): Promise<string> {
  let bits = BigInt(`0x${(await sha256Hex(`${merchantId}:${environment}`)).slice(0, 15)}`);
  let body = "";
  for (let i = 0; i < 12; i++) {
    body = (CROCKFORD[Number(bits % 32n)] ?? "0") + body;
    bits /= 32n;
  }
  const check = 98 - mod97(`MP${body}00`);
  return `MP${body}${String(check).padStart(2, "0")}`;
}
