/**
 * HMAC-SHA256 of `value` under a secret key, its first `bytes` bytes in base64url: the same value
 * gives the same fingerprint, and the value can't be recovered or guessed from it without the key.
 * Card and bank account fingerprints both use it.
 */
export async function keyedFingerprint(value: string, key: string, bytes: number): Promise<string> {
  const encoder = new TextEncoder();
  const hmacKey = await crypto.subtle.importKey(
    "raw",
    encoder.encode(key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const signature = new Uint8Array(await crypto.subtle.sign("HMAC", hmacKey, encoder.encode(value)));
  let binary = "";
  for (const byte of signature.slice(0, bytes)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}
