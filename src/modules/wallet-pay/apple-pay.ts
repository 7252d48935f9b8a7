import { fromBase64 } from "../../core/auth/crypto";
import { concatBytes, hexToBytes, sha256, utf8 } from "../../core/bytes";
import { DerError } from "../../core/der";
import { p256SharedSecret } from "../../core/ecdh";
import { ApiError } from "../../core/errors";
import { SignatureRefused, verifyApplePaySignature } from "./apple-pay-signature";
import type { WalletCard } from "./card";

export interface ApplePayKeys {
  merchantIdentifier: string;
  /** Base64 PKCS#8 of the payment processing certificate's P-256 key. */
  privateKey: string;
  /** Base64 DER of Apple Root CA - G3. */
  rootCertificate: string;
  signingWindowSeconds: number;
}

export interface OpenedApplePayToken {
  card: WalletCard;
  /** Minor units, as the device showed them to the customer. */
  amount: number | null;
  replayKey: string;
}

function invalid(message: string): ApiError {
  return new ApiError("wallet_token_invalid", { param: "token", message });
}

function field(object: Record<string, unknown> | undefined, name: string): string {
  const value = object?.[name];
  if (typeof value !== "string") throw invalid(`The token's ${name} is missing.`);
  return value;
}

function bytesOf(decode: (text: string) => Uint8Array, text: string, name: string): Uint8Array {
  try {
    return decode(text);
  } catch {
    throw invalid(`The token's ${name} is not well formed.`);
  }
}

/** The payment data of a PKPaymentToken, whether sent whole or as token.paymentData alone. */
function paymentDataOf(tokenText: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(tokenText);
  } catch {
    throw invalid("The token is not JSON.");
  }
  if (!parsed || typeof parsed !== "object") throw invalid("The token is not a JSON object.");
  const object = parsed as Record<string, unknown>;
  const inner = object.paymentData;
  return inner && typeof inner === "object" ? (inner as Record<string, unknown>) : object;
}

/** NIST SP 800-56A concatenation KDF, one round of SHA-256, with Apple's other info. */
async function symmetricKey(sharedSecret: Uint8Array, merchantIdentifier: string): Promise<CryptoKey> {
  const algorithm = utf8("id-aes256-GCM");
  const otherInfo = concatBytes(
    Uint8Array.of(algorithm.length),
    algorithm,
    utf8("Apple"),
    await sha256(utf8(merchantIdentifier)),
  );
  const key = await sha256(concatBytes(Uint8Array.of(0, 0, 0, 1), sharedSecret, otherInfo));
  return crypto.subtle.importKey("raw", key, "AES-GCM", false, ["decrypt"]);
}

async function sharedSecretWith(ephemeralPublicKey: Uint8Array, privateKey: string): Promise<Uint8Array> {
  try {
    return await p256SharedSecret(privateKey, { format: "spki", bytes: ephemeralPublicKey });
  } catch {
    throw invalid("The token's ephemeralPublicKey is not a P-256 public key.");
  }
}

/** "YYMMDD" (applicationExpirationDate) as month and four-digit year. */
function expiryOf(text: unknown): { expMonth: number; expYear: number } {
  const match = typeof text === "string" ? /^(\d{2})(\d{2})\d{2}$/.exec(text) : null;
  if (!match) throw invalid("The token's applicationExpirationDate is not YYMMDD.");
  return { expYear: 2000 + Number(match[1]), expMonth: Number(match[2]) };
}

function cardOf(decrypted: Record<string, unknown>): WalletCard {
  const pan = decrypted.applicationPrimaryAccountNumber;
  if (typeof pan !== "string") throw invalid("The token carries no card number.");
  const paymentData = decrypted.paymentData as Record<string, unknown> | undefined;
  const cryptogram = paymentData?.onlinePaymentCryptogram;
  const eci = paymentData?.eciIndicator;
  return {
    number: pan,
    ...expiryOf(decrypted.applicationExpirationDate),
    cryptogram: typeof cryptogram === "string" ? cryptogram : null,
    eci: typeof eci === "string" ? eci : null,
  };
}

/**
 * Verifies and decrypts an Apple Pay EC_v1 token: the PKCS#7 signature (apple-pay-signature.ts),
 * ECDH with the payment processing key, the concatenation KDF with the merchant id's hash, and
 * AES-256-GCM with a zero IV.
 */
export async function openApplePayToken(
  tokenText: string,
  keys: ApplePayKeys,
  now: Date,
): Promise<OpenedApplePayToken> {
  const paymentData = paymentDataOf(tokenText);
  if (paymentData.version !== "EC_v1") throw invalid("Only version EC_v1 tokens are accepted.");
  const header = paymentData.header as Record<string, unknown> | undefined;
  const data = bytesOf(fromBase64, field(paymentData, "data"), "data");
  const ephemeralPublicKey = bytesOf(fromBase64, field(header, "ephemeralPublicKey"), "ephemeralPublicKey");
  const transactionId = bytesOf(hexToBytes, field(header, "transactionId"), "transactionId");
  const applicationData =
    typeof header?.applicationData === "string" && header.applicationData !== ""
      ? bytesOf(hexToBytes, header.applicationData, "applicationData")
      : new Uint8Array(0);
  try {
    await verifyApplePaySignature(bytesOf(fromBase64, field(paymentData, "signature"), "signature"), {
      content: concatBytes(ephemeralPublicKey, data, transactionId, applicationData),
      root: fromBase64(keys.rootCertificate),
      now,
      windowSeconds: keys.signingWindowSeconds,
    });
  } catch (error) {
    if (error instanceof SignatureRefused) {
      throw new ApiError(error.expired ? "wallet_token_expired" : "wallet_token_invalid", {
        param: "token",
        message: `The token's signature is refused: ${error.message}.`,
      });
    }
    if (error instanceof DerError || error instanceof DOMException) {
      throw invalid("The token's signature is not well-formed PKCS#7.");
    }
    throw error;
  }
  const key = await symmetricKey(
    await sharedSecretWith(ephemeralPublicKey, keys.privateKey),
    keys.merchantIdentifier,
  );
  let plain: ArrayBuffer;
  try {
    plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: new Uint8Array(16), tagLength: 128 },
      key,
      data,
    );
  } catch {
    throw invalid("The token's data does not decrypt with this merchant's key.");
  }
  let decrypted: Record<string, unknown>;
  try {
    decrypted = JSON.parse(new TextDecoder().decode(plain)) as Record<string, unknown>;
  } catch {
    throw invalid("The token's decrypted data is not JSON.");
  }
  const amount = decrypted.transactionAmount;
  return {
    card: cardOf(decrypted),
    amount: typeof amount === "number" && Number.isSafeInteger(amount) ? amount : null,
    replayKey: `apple_pay:${field(paymentData, "data")}`,
  };
}
