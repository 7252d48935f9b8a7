import { fromBase64, toBase64 } from "../../core/auth/crypto";

/**
 * Provider credentials at rest: AES-256-GCM under PROVIDER_CREDENTIALS_KEY (a Worker secret), a
 * random 96-bit IV per write, and the connection id as additional data so a ciphertext copied to
 * another row does not decrypt.
 */
async function importKey(keyBase64: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", fromBase64(keyBase64), "AES-GCM", false, ["encrypt", "decrypt"]);
}

export async function encryptCredentials(
  keyBase64: string,
  connectionId: string,
  credentials: Record<string, string>,
): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(connectionId) },
    await importKey(keyBase64),
    new TextEncoder().encode(JSON.stringify(credentials)),
  );
  return `v1.${toBase64(iv)}.${toBase64(new Uint8Array(ciphertext))}`;
}

export async function decryptCredentials(
  keyBase64: string,
  connectionId: string,
  sealed: string,
): Promise<Record<string, string>> {
  const [version, iv, ciphertext] = sealed.split(".");
  if (version !== "v1" || !iv || !ciphertext) throw new Error("unknown credentials format");
  const plaintext = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: fromBase64(iv), additionalData: new TextEncoder().encode(connectionId) },
    await importKey(keyBase64),
    fromBase64(ciphertext),
  );
  return JSON.parse(new TextDecoder().decode(plaintext)) as Record<string, string>;
}
