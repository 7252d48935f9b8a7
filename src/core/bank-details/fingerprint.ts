import { keyedFingerprint } from "../fingerprint";
import type { BankDetails } from "./details";
import { canonicalAccount } from "./details";

/**
 * The keyed fingerprint of the canonical account (16 bytes): the same account gives the same
 * fingerprint however it was written (a GB IBAN or its sort code and number).
 */
export function bankAccountFingerprint(details: BankDetails, key: string): Promise<string> {
  return keyedFingerprint(canonicalAccount(details), key, 16);
}
