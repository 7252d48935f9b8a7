import type { BankDetails } from "./details";
import { canonicalAccount } from "./details";

/**
 * HMAC-SHA256 of the canonical account under a secret key, 16 bytes in base64url: the same account
 * gives the same fingerprint however it was written (a GB IBAN or its sort code and number), and
 * the number can't be recovered or guessed from it without the key.
 */
export async function bankAccountFingerprint(details: BankDetails, key: string): Promise<string> {
  const encoder = new TextEncoder();
  const hmacKey = await crypto.subtle.importKey(
    "raw",
    encoder.encode(key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const signature = new Uint8Array(
    await crypto.subtle.sign("HMAC", hmacKey, encoder.encode(canonicalAccount(details))),
  );
  let binary = "";
  for (const byte of signature.slice(0, 16)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
