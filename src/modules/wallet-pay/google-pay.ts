import { fromBase64 } from "../../core/auth/crypto";
import { concatBytes, constantTimeEqualBytes, lengthPrefixedLE, utf8 } from "../../core/bytes";
import { DerError, ecdsaSignatureToRaw } from "../../core/der";
import { p256SharedSecret } from "../../core/ecdh";
import { ApiError } from "../../core/errors";
import type { WalletCard } from "./card";

/** A root signing key as Google publishes it (keys.json). */
export interface GooglePayRootKey {
  keyValue: string;
  protocolVersion: string;
  keyExpiration?: string | undefined;
}

export interface GooglePayKeys {
  /** "gateway:<gateway id>": who the token was encrypted and signed for. */
  recipientId: string;
  /** Base64 PKCS#8 of the P-256 key whose public half is registered with Google. */
  privateKey: string;
  rootKeys: readonly GooglePayRootKey[];
}

const PROTOCOL = "ECv2";
const SENDER = "Google";

function invalid(message: string): ApiError {
  return new ApiError("wallet_token_invalid", { param: "token", message });
}

function jsonOf(text: unknown, what: string): Record<string, unknown> {
  if (typeof text !== "string") throw invalid(`The token's ${what} is missing.`);
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // Answered below like any other shape error.
  }
  throw invalid(`The token's ${what} is not a JSON object.`);
}

function base64Of(value: unknown, what: string): Uint8Array {
  if (typeof value !== "string") throw invalid(`The token's ${what} is missing.`);
  try {
    return fromBase64(value);
  } catch {
    throw invalid(`The token's ${what} is not base64.`);
  }
}

async function verifyEcdsa(publicKeySpki: Uint8Array, signatureDer: Uint8Array, data: Uint8Array) {
  try {
    const key = await crypto.subtle.importKey(
      "spki",
      publicKeySpki,
      { name: "ECDSA", namedCurve: "P-256" },
      false,
      ["verify"],
    );
    const signature = ecdsaSignatureToRaw(signatureDer, 32);
    return await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, signature, data);
  } catch (error) {
    if (error instanceof DerError || error instanceof DOMException) return false;
    throw error;
  }
}

function notExpired(expiration: unknown, now: Date): boolean {
  return (
    typeof expiration === "string" && /^\d{1,15}$/.test(expiration) && Number(expiration) > now.getTime()
  );
}

/**
 * The intermediate signing key, once one of its signatures verifies under a root key of the ECv2
 * protocol that has not expired, and it has not expired itself.
 */
async function verifiedIntermediateKey(token: Record<string, unknown>, keys: GooglePayKeys, now: Date) {
  const intermediate = token.intermediateSigningKey as Record<string, unknown> | undefined;
  const signedKey = intermediate?.signedKey;
  const signatures = intermediate?.signatures;
  if (typeof signedKey !== "string" || !Array.isArray(signatures)) {
    throw invalid("The token's intermediateSigningKey is missing.");
  }
  const signed = lengthPrefixedLE(utf8(SENDER), utf8(PROTOCOL), utf8(signedKey));
  const roots = keys.rootKeys.filter(
    (root) =>
      root.protocolVersion === PROTOCOL && (!root.keyExpiration || notExpired(root.keyExpiration, now)),
  );
  let verified = false;
  for (const root of roots) {
    for (const signature of signatures) {
      if (
        await verifyEcdsa(fromBase64(root.keyValue), base64Of(signature, "intermediate signature"), signed)
      ) {
        verified = true;
      }
    }
  }
  if (!verified) throw invalid("The intermediate signing key is not signed by a Google root key.");
  const key = jsonOf(signedKey, "signedKey");
  if (!notExpired(key.keyExpiration, now)) {
    throw new ApiError("wallet_token_expired", {
      param: "token",
      message: "The token's intermediate signing key has expired.",
    });
  }
  return base64Of(key.keyValue, "intermediate keyValue");
}

/** ECDH with our key, then HKDF-SHA256 over ephemeral public key ‖ shared secret: AES-256-CTR and HMAC keys. */
async function derivedKeys(ephemeralPublicKey: Uint8Array, privateKey: string) {
  let shared: Uint8Array;
  try {
    shared = await p256SharedSecret(privateKey, { format: "raw", bytes: ephemeralPublicKey });
  } catch {
    throw invalid("The token's ephemeralPublicKey is not a P-256 point.");
  }
  const material = concatBytes(ephemeralPublicKey, shared);
  const hkdfKey = await crypto.subtle.importKey("raw", material, "HKDF", false, ["deriveBits"]);
  const bits = new Uint8Array(
    await crypto.subtle.deriveBits(
      { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(32), info: utf8(SENDER) },
      hkdfKey,
      512,
    ),
  );
  return { encryptionKey: bits.subarray(0, 32), macKey: bits.subarray(32) };
}

/** The card inside a decrypted message, checked for the fields a payment needs. */
function cardOf(message: Record<string, unknown>): WalletCard {
  const details = message.paymentMethodDetails as Record<string, unknown> | undefined;
  if (message.paymentMethod !== "CARD" || !details) throw invalid("The token carries no card.");
  const { pan, expirationMonth, expirationYear, authMethod, cryptogram, eciIndicator } = details;
  if (typeof pan !== "string" || typeof expirationMonth !== "number" || typeof expirationYear !== "number") {
    throw invalid("The token's card is incomplete.");
  }
  if (authMethod === "CRYPTOGRAM_3DS" && typeof cryptogram !== "string") {
    throw invalid("The token's CRYPTOGRAM_3DS card has no cryptogram.");
  }
  return {
    number: pan,
    expMonth: expirationMonth,
    expYear: expirationYear,
    cryptogram: typeof cryptogram === "string" ? cryptogram : null,
    eci: typeof eciIndicator === "string" ? eciIndicator : null,
  };
}

export interface OpenedGooglePayToken {
  card: WalletCard;
  gatewayMerchantId: string | null;
  /** What replay protection hashes: the signed message, which no one can alter without the signature failing. */
  replayKey: string;
}

/**
 * Verifies and decrypts a Google Pay ECv2 token (Google's "payment data cryptography"): the
 * intermediate key against the root keys and its expiry, the message signature over the
 * length-prefixed ("Google", recipient id, "ECv2", signedMessage), the HMAC tag in constant time,
 * then AES-256-CTR, then messageExpiration.
 */
export async function openGooglePayToken(
  tokenText: string,
  keys: GooglePayKeys,
  now: Date,
): Promise<OpenedGooglePayToken> {
  const token = jsonOf(tokenText, "JSON");
  if (token.protocolVersion !== PROTOCOL) throw invalid("Only protocolVersion ECv2 tokens are accepted.");
  const signedMessage = token.signedMessage;
  if (typeof signedMessage !== "string") throw invalid("The token's signedMessage is missing.");
  const intermediateKey = await verifiedIntermediateKey(token, keys, now);
  const signed = lengthPrefixedLE(utf8(SENDER), utf8(keys.recipientId), utf8(PROTOCOL), utf8(signedMessage));
  if (!(await verifyEcdsa(intermediateKey, base64Of(token.signature, "signature"), signed))) {
    throw invalid("The token's signature does not verify.");
  }
  const message = jsonOf(signedMessage, "signedMessage");
  const encrypted = base64Of(message.encryptedMessage, "encryptedMessage");
  const { encryptionKey, macKey } = await derivedKeys(
    base64Of(message.ephemeralPublicKey, "ephemeralPublicKey"),
    keys.privateKey,
  );
  const hmac = await crypto.subtle.importKey("raw", macKey, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
  ]);
  const expectedTag = new Uint8Array(await crypto.subtle.sign("HMAC", hmac, encrypted));
  if (!constantTimeEqualBytes(expectedTag, base64Of(message.tag, "tag"))) {
    throw invalid("The token's tag does not match its encrypted message.");
  }
  const aes = await crypto.subtle.importKey("raw", encryptionKey, "AES-CTR", false, ["decrypt"]);
  const plain = await crypto.subtle.decrypt(
    { name: "AES-CTR", counter: new Uint8Array(16), length: 128 },
    aes,
    encrypted,
  );
  const decrypted = jsonOf(new TextDecoder().decode(plain), "decrypted message");
  if (!notExpired(decrypted.messageExpiration, now)) {
    throw new ApiError("wallet_token_expired", {
      param: "token",
      message: "The token's message has expired.",
    });
  }
  return {
    card: cardOf(decrypted),
    gatewayMerchantId: typeof decrypted.gatewayMerchantId === "string" ? decrypted.gatewayMerchantId : null,
    replayKey: `google_pay:${signedMessage}`,
  };
}
