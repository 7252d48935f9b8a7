// Builds wallet tokens as Google Pay and Apple Pay devices would, with the development keys of
// scripts/wallet-dev-keys.ts (or deliberately wrong ones), so the tests exercise the Worker's
// verification and decryption end to end.
import {
  createCipheriv,
  createECDH,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  createSign,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
  randomBytes,
} from "node:crypto";
import { APPLE_PAY_DEV, GOOGLE_PAY_DEV } from "../scripts/wallet-dev-keys";
import { childrenOf, parseDer } from "../src/core/der";
import { query } from "./db";

export interface DeviceCard {
  number: string;
  expMonth: number;
  expYear: number;
  cryptogram: string;
}

/** A Luhn-valid Visa number no test card list holds, so a scan for it finds only leaks. */
export function deviceCard(): DeviceCard {
  const digits = `489537${Array.from(randomBytes(9), (byte) => byte % 10).join("")}`;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 0) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return {
    number: `${digits}${(10 - (sum % 10)) % 10}`,
    expMonth: 12,
    expYear: 2031,
    cryptogram: randomBytes(20).toString("base64"),
  };
}

function pkcs8(base64: string): KeyObject {
  return createPrivateKey({ key: Buffer.from(base64, "base64"), format: "der", type: "pkcs8" });
}

function signDer(key: KeyObject, data: Buffer): Buffer {
  return createSign("SHA256").update(data).sign({ key, dsaEncoding: "der" });
}

function lengthPrefixedLE(...parts: string[]): Buffer {
  return Buffer.concat(
    parts.flatMap((part) => {
      const bytes = Buffer.from(part, "utf8");
      const length = Buffer.alloc(4);
      length.writeUInt32LE(bytes.length);
      return [length, bytes];
    }),
  );
}

export interface GoogleTokenOptions {
  /** The merchant the token was made for (gatewayMerchantId). */
  merchantId: string;
  card?: DeviceCard;
  messageExpiration?: number;
  intermediateExpiration?: number;
  /** Signs the intermediate key with a key Google never published. */
  unknownRoot?: boolean;
  /** A wrong HMAC tag, under a valid signature: only the tag check can refuse it. */
  wrongTag?: boolean;
  recipientId?: string;
}

/** A Google Pay ECv2 token (PAYMENT_GATEWAY tokenization, CRYPTOGRAM_3DS). */
export function googlePayToken(options: GoogleTokenOptions): string {
  const card = options.card ?? deviceCard();
  const now = Date.now();
  const plaintext = JSON.stringify({
    gatewayMerchantId: options.merchantId,
    messageExpiration: String(options.messageExpiration ?? now + 60 * 60 * 1000),
    messageId: randomBytes(16).toString("hex"),
    paymentMethod: "CARD",
    paymentMethodDetails: {
      pan: card.number,
      expirationMonth: card.expMonth,
      expirationYear: card.expYear,
      authMethod: "CRYPTOGRAM_3DS",
      cryptogram: card.cryptogram,
      eciIndicator: "05",
    },
  });
  const recipientJwk = createPublicKey(pkcs8(GOOGLE_PAY_DEV.recipientPrivateKey)).export({ format: "jwk" });
  const recipient = Buffer.concat([
    Buffer.of(4),
    Buffer.from(recipientJwk.x ?? "", "base64url"),
    Buffer.from(recipientJwk.y ?? "", "base64url"),
  ]);
  const ephemeral = createECDH("prime256v1");
  const ephemeralPublicKey = ephemeral.generateKeys();
  const shared = ephemeral.computeSecret(recipient);
  const keys = Buffer.from(
    hkdfSync("sha256", Buffer.concat([ephemeralPublicKey, shared]), Buffer.alloc(0), "Google", 64),
  );
  const cipher = createCipheriv("aes-256-ctr", keys.subarray(0, 32), Buffer.alloc(16));
  const encrypted = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = createHmac("sha256", keys.subarray(32)).update(encrypted).digest();
  if (options.wrongTag) tag[0] = (tag[0] ?? 0) ^ 1;
  const signedMessage = JSON.stringify({
    encryptedMessage: encrypted.toString("base64"),
    ephemeralPublicKey: ephemeralPublicKey.toString("base64"),
    tag: tag.toString("base64"),
  });
  const intermediate = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const signedKey = JSON.stringify({
    keyValue: intermediate.publicKey.export({ format: "der", type: "spki" }).toString("base64"),
    keyExpiration: String(options.intermediateExpiration ?? now + 24 * 60 * 60 * 1000),
  });
  const root = options.unknownRoot
    ? generateKeyPairSync("ec", { namedCurve: "prime256v1" }).privateKey
    : pkcs8(GOOGLE_PAY_DEV.rootPrivateKey);
  const recipientId = options.recipientId ?? "gateway:magnetpay";
  return JSON.stringify({
    signature: signDer(
      intermediate.privateKey,
      lengthPrefixedLE("Google", recipientId, "ECv2", signedMessage),
    ).toString("base64"),
    intermediateSigningKey: {
      signedKey,
      signatures: [signDer(root, lengthPrefixedLE("Google", "ECv2", signedKey)).toString("base64")],
    },
    protocolVersion: "ECv2",
    signedMessage,
  });
}

/** A DER element: tag, definite length, contents. */
function der(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  const size = body.length.toString(16);
  const sizeBytes = Buffer.from(size.length % 2 ? `0${size}` : size, "hex");
  const length =
    body.length < 128
      ? Buffer.of(body.length)
      : Buffer.concat([Buffer.of(0x80 | sizeBytes.length), sizeBytes]);
  return Buffer.concat([Buffer.of(tag), length, body]);
}

function oid(text: string): Buffer {
  const [first = 0, second = 0, ...rest] = text.split(".").map(Number);
  const bytes = [first * 40 + second];
  for (const part of rest) {
    const groups: number[] = [];
    let value = part;
    do {
      groups.unshift(value & 0x7f);
      value = Math.floor(value / 128);
    } while (value > 0);
    bytes.push(...groups.map((group, index) => (index < groups.length - 1 ? group | 0x80 : group)));
  }
  return der(0x06, Buffer.from(bytes));
}

function utcTime(date: Date): Buffer {
  const text = date.toISOString().replace(/[-:T]/g, "").slice(2, 14);
  return der(0x17, Buffer.from(`${text}Z`));
}

export interface AppleTokenOptions {
  card?: DeviceCard;
  amount: number;
  signingTime?: Date;
  /** A chain of Apple's shape that does not lead to the configured root. */
  untrustedChain?: boolean;
  /** Changes the encrypted data after signing. */
  tamper?: boolean;
}

/** An Apple Pay EC_v1 token (PKPaymentToken JSON). */
export function applePayToken(options: AppleTokenOptions): string {
  const card = options.card ?? deviceCard();
  const chain = options.untrustedChain ? APPLE_PAY_DEV.untrusted : APPLE_PAY_DEV;
  const expiry = `${String(card.expYear % 100).padStart(2, "0")}${String(card.expMonth).padStart(2, "0")}31`;
  const plaintext = JSON.stringify({
    applicationPrimaryAccountNumber: card.number,
    applicationExpirationDate: expiry,
    currencyCode: "840",
    transactionAmount: options.amount,
    deviceManufacturerIdentifier: "040010030273",
    paymentDataType: "3DSecure",
    paymentData: { onlinePaymentCryptogram: card.cryptogram, eciIndicator: "7" },
  });
  const ephemeral = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const merchantPublic = createPublicKey(pkcs8(APPLE_PAY_DEV.processingPrivateKey));
  const shared = diffieHellman({ privateKey: ephemeral.privateKey, publicKey: merchantPublic });
  const merchantHash = createHash("sha256").update(APPLE_PAY_DEV.merchantIdentifier).digest();
  const key = createHash("sha256")
    .update(
      Buffer.concat([
        Buffer.of(0, 0, 0, 1),
        shared,
        Buffer.of(13),
        Buffer.from("id-aes256-GCMApple"),
        merchantHash,
      ]),
    )
    .digest();
  const cipher = createCipheriv("aes-256-gcm", key, Buffer.alloc(16));
  const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
  const ephemeralPublicKey = ephemeral.publicKey.export({ format: "der", type: "spki" });
  const transactionId = randomBytes(32);
  const digest = createHash("sha256")
    .update(Buffer.concat([ephemeralPublicKey, data, transactionId]))
    .digest();

  const leaf = Buffer.from(chain.leafCertificate, "base64");
  const [tbs] = childrenOf(parseDer(leaf));
  const fields = tbs ? childrenOf(tbs) : [];
  const [serial, , issuer] = fields.slice(fields[0]?.tag === 0xa0 ? 1 : 0);
  const attributes = Buffer.concat([
    der(0x30, oid("1.2.840.113549.1.9.3"), der(0x31, oid("1.2.840.113549.1.7.1"))),
    der(0x30, oid("1.2.840.113549.1.9.5"), der(0x31, utcTime(options.signingTime ?? new Date()))),
    der(0x30, oid("1.2.840.113549.1.9.4"), der(0x31, der(0x04, digest))),
  ]);
  const signature = signDer(pkcs8(chain.leafPrivateKey), der(0x31, attributes));
  const sha256 = der(0x30, oid("2.16.840.1.101.3.4.2.1"));
  const signerInfo = der(
    0x30,
    der(0x02, Buffer.of(1)),
    der(0x30, Buffer.from(issuer?.bytes ?? []), Buffer.from(serial?.bytes ?? [])),
    sha256,
    der(0xa0, attributes),
    der(0x30, oid("1.2.840.10045.4.3.2")),
    der(0x04, signature),
  );
  const signedData = der(
    0x30,
    der(0x02, Buffer.of(1)),
    der(0x31, sha256),
    der(0x30, oid("1.2.840.113549.1.7.1")),
    der(0xa0, leaf, Buffer.from(chain.intermediateCertificate, "base64")),
    der(0x31, signerInfo),
  );
  const pkcs7 = der(0x30, oid("1.2.840.113549.1.7.2"), der(0xa0, signedData));
  if (options.tamper) data[0] = (data[0] ?? 0) ^ 1;
  return JSON.stringify({
    paymentData: {
      version: "EC_v1",
      data: data.toString("base64"),
      signature: pkcs7.toString("base64"),
      header: {
        ephemeralPublicKey: ephemeralPublicKey.toString("base64"),
        publicKeyHash: createHash("sha256")
          .update(merchantPublic.export({ format: "der", type: "spki" }))
          .digest("base64"),
        transactionId: transactionId.toString("hex"),
      },
    },
    paymentMethod: { displayName: "Visa 0492", network: "Visa", type: "debit" },
    transactionIdentifier: transactionId.toString("hex").toUpperCase(),
  });
}

/**
 * The tables with a row whose text holds any of `secrets` (each row cast to text whole): the
 * merchant's rows where a table has merchant_id, every row elsewhere.
 */
export async function tablesHolding(merchantId: string, secrets: string[]): Promise<string[]> {
  const tables = await query<{ table_name: string; tenant: boolean }>(
    `select t.table_name, exists (select 1 from information_schema.columns c
        where c.table_schema = 'public' and c.table_name = t.table_name and c.column_name = 'merchant_id') as tenant
      from information_schema.tables t where t.table_schema = 'public' and t.table_type = 'BASE TABLE'`,
  );
  const patterns = secrets.map((secret) => `%${secret}%`);
  // One statement: a query per table costs a round trip each, and there are many tables.
  const checks = tables.map(
    ({ table_name: table, tenant }) =>
      `select '${table}' as name where exists (select 1 from "${table}" as t where ${
        tenant ? "t.merchant_id = $2 and " : ""
      }t::text like any($1::text[]))`,
  );
  const rows = await query<{ name: string }>(checks.join(" union all "), [patterns, merchantId]);
  return rows.map((row) => row.name);
}
