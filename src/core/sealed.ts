import { fromBase64, toBase64 } from "./auth/crypto";

/**
 * Secrets at rest: AES-256-GCM under a 32-byte key held as a Worker secret, a random 96-bit IV per
 * write, and additional data that binds the ciphertext to its row (and purpose), so a value copied
 * to another row or column does not decrypt. Format: `v1.<base64 iv>.<base64 ciphertext+tag>`.
 * Provider credentials and webhook signing secrets both use it.
 */
const VERSION = "v1";

async function importKey(keyBase64: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", fromBase64(keyBase64), "AES-GCM", false, ["encrypt", "decrypt"]);
}

/** Whether a stored value is in the sealed format (anything else is a legacy clear value). */
export function isSealed(stored: string): boolean {
  return /^v1\.[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+$/.test(stored);
}

export async function seal(keyBase64: string, additionalData: string, plaintext: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(additionalData) },
    await importKey(keyBase64),
    new TextEncoder().encode(plaintext),
  );
  return `${VERSION}.${toBase64(iv)}.${toBase64(new Uint8Array(ciphertext))}`;
}

/** Throws when the value is not sealed, or was sealed under another key or for other additional data. */
export async function unseal(keyBase64: string, additionalData: string, sealed: string): Promise<string> {
  const [version, iv, ciphertext] = sealed.split(".");
  if (version !== VERSION || !iv || !ciphertext) throw new Error("unknown sealed format");
  const plaintext = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromBase64(iv), additionalData: new TextEncoder().encode(additionalData) },
    await importKey(keyBase64),
    fromBase64(ciphertext),
  );
  return new TextDecoder().decode(plaintext);
}
