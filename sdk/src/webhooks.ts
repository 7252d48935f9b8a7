import type { components } from "./schema.js";

export type WebhookEvent = components["schemas"]["Event"];

/** A Fetch `Headers`, or a plain object such as Node's `IncomingHttpHeaders`. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export type WebhookFailure =
  | "headers_missing"
  | "timestamp_invalid"
  | "timestamp_too_old"
  | "timestamp_too_new"
  | "signature_invalid";

export class WebhookVerificationError extends Error {
  override readonly name = "WebhookVerificationError";
  constructor(
    readonly reason: WebhookFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface VerifyOptions {
  /** How far webhook-timestamp may be from now, in seconds (default 300). */
  toleranceSeconds?: number;
  /** Now, in ms since 1970 (default Date.now()); for tests. */
  now?: number;
}

const SECRET_PREFIX = "whsec_";
const encoder = new TextEncoder();

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  return Array.isArray(value) ? value[0] : value;
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  try {
    const binary = atob(text);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return undefined;
  }
}

async function signingKey(secret: string): Promise<CryptoKey> {
  const bytes = fromBase64(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
  if (bytes === undefined) throw new TypeError("The webhook secret is not whsec_ followed by base64.");
  return crypto.subtle.importKey("raw", bytes, { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
}

/**
 * Verifies a MagnetPay webhook (Standard Webhooks: webhook-id, webhook-timestamp, webhook-signature)
 * on WebCrypto and returns its event. `rawBody` is the body exactly as received, before any JSON
 * parsing. `secret` may list several secrets (during a rotation); any signature made with any of
 * them passes. Comparison is HMAC verification by WebCrypto, which is constant-time. Throws a
 * WebhookVerificationError naming the reason. Deduplicate on webhook-id: a retry reuses it.
 */
export async function verifyWebhook(
  secret: string | string[],
  headers: WebhookHeaders,
  rawBody: string,
  options: VerifyOptions = {},
): Promise<WebhookEvent> {
  const id = header(headers, "webhook-id");
  const timestamp = header(headers, "webhook-timestamp");
  const signatures = header(headers, "webhook-signature");
  if (!id || !timestamp || !signatures) {
    throw new WebhookVerificationError(
      "headers_missing",
      "webhook-id, webhook-timestamp and webhook-signature are required.",
    );
  }
  if (!/^\d{1,15}$/.test(timestamp)) {
    throw new WebhookVerificationError(
      "timestamp_invalid",
      "webhook-timestamp is not a Unix time in seconds.",
    );
  }
  const tolerance = options.toleranceSeconds ?? 300;
  const age = Math.floor((options.now ?? Date.now()) / 1000) - Number(timestamp);
  if (age > tolerance) throw new WebhookVerificationError("timestamp_too_old", "The webhook is too old.");
  if (age < -tolerance) {
    throw new WebhookVerificationError("timestamp_too_new", "The webhook's timestamp is in the future.");
  }
  const content = encoder.encode(`${id}.${timestamp}.${rawBody}`);
  const keys = await Promise.all((Array.isArray(secret) ? secret : [secret]).map(signingKey));
  for (const entry of signatures.split(" ")) {
    const [version, encoded] = entry.split(",");
    const signature = version === "v1" && encoded ? fromBase64(encoded) : undefined;
    if (signature === undefined) continue;
    for (const key of keys) {
      if (await crypto.subtle.verify("HMAC", key, signature, content))
        return JSON.parse(rawBody) as WebhookEvent;
    }
  }
  throw new WebhookVerificationError("signature_invalid", "No webhook-signature matches the secret.");
}
