const SECRET_PREFIX = "whsec_";
const SECRET_BYTES = 32;

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** A Standard Webhooks secret: `whsec_` and the base64 of 32 random bytes. */
export function newWebhookSecret(): string {
  return `${SECRET_PREFIX}${toBase64(crypto.getRandomValues(new Uint8Array(SECRET_BYTES)))}`;
}

/** `v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`, keyed with the secret's decoded bytes. */
export async function signWebhook(
  secret: string,
  message: { id: string; timestamp: number; body: string },
): Promise<string> {
  const keyBytes = fromBase64(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
  const key = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const content = new TextEncoder().encode(`${message.id}.${message.timestamp}.${message.body}`);
  return `v1,${toBase64(new Uint8Array(await crypto.subtle.sign("HMAC", key, content)))}`;
}

/**
 * The `webhook-signature` header: one signature per active secret, space-separated, so a receiver
 * holding either the old or the new secret verifies during a rotation.
 */
export async function signatureHeader(
  secrets: string[],
  message: { id: string; timestamp: number; body: string },
): Promise<string> {
  const signatures = await Promise.all(secrets.map((secret) => signWebhook(secret, message)));
  return signatures.join(" ");
}

/** The Standard Webhooks headers of one signed JSON message, as every outbound webhook request sends them. */
export async function webhookHeaders(
  secrets: string[],
  message: { id: string; timestamp: number; body: string },
): Promise<Record<string, string>> {
  return {
    "content-type": "application/json",
    "user-agent": "MagnetPay-Webhooks/1.0",
    "webhook-id": message.id,
    "webhook-timestamp": String(message.timestamp),
    "webhook-signature": await signatureHeader(secrets, message),
  };
}
