import { concatBytes, constantTimeEqualBytes, sha256 } from "../../core/bytes";
import {
  bitStringOf,
  childrenOf,
  contextTag,
  type DerNode,
  derTags,
  ecdsaSignatureToRaw,
  expectTag,
  oidOf,
  parseDer,
  timeOf,
} from "../../core/der";

/** Apple's marker extensions: the leaf that signs payment tokens, and the CA that issues it. */
export const APPLE_LEAF_OID = "1.2.840.113635.100.6.29";
export const APPLE_INTERMEDIATE_OID = "1.2.840.113635.100.6.2.14";

const SIGNED_DATA = "1.2.840.113549.1.7.2";
const MESSAGE_DIGEST = "1.2.840.113549.1.9.4";
const SIGNING_TIME = "1.2.840.113549.1.9.5";
const curves: Record<string, { name: string; bytes: number }> = {
  "1.2.840.10045.3.1.7": { name: "P-256", bytes: 32 },
  "1.3.132.0.34": { name: "P-384", bytes: 48 },
};
const hashes: Record<string, string> = {
  "1.2.840.10045.4.3.2": "SHA-256",
  "1.2.840.10045.4.3.3": "SHA-384",
};

export class SignatureRefused extends Error {
  constructor(
    message: string,
    readonly expired = false,
  ) {
    super(message);
    this.name = "SignatureRefused";
  }
}

interface Certificate {
  tbs: DerNode;
  serial: Uint8Array;
  issuer: Uint8Array;
  subject: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  spki: Uint8Array;
  extensions: Set<string>;
  signatureHash: string | undefined;
  signature: Uint8Array;
}

function parseCertificate(node: DerNode): Certificate {
  const [tbs, algorithm, signature] = childrenOf(expectTag(node, derTags.sequence, "a certificate"));
  const fields = childrenOf(expectTag(tbs, derTags.sequence, "a TBSCertificate"));
  const offset = fields[0]?.tag === contextTag(0) ? 1 : 0;
  const [serial, , issuer, validity, subject, spki] = fields.slice(offset);
  const [notBefore, notAfter] = childrenOf(expectTag(validity, derTags.sequence, "a validity"));
  const extensions = new Set<string>();
  const wrapped = fields.find((field) => field.tag === contextTag(3));
  if (wrapped) {
    const [list] = childrenOf(wrapped);
    for (const extension of childrenOf(expectTag(list, derTags.sequence, "extensions"))) {
      extensions.add(oidOf(childrenOf(extension)[0]));
    }
  }
  const [algorithmOid] = childrenOf(expectTag(algorithm, derTags.sequence, "an algorithm"));
  return {
    tbs: expectTag(tbs, derTags.sequence, "a TBSCertificate"),
    serial: expectTag(serial, derTags.integer, "a serial number").content,
    issuer: expectTag(issuer, derTags.sequence, "an issuer").bytes,
    subject: expectTag(subject, derTags.sequence, "a subject").bytes,
    notBefore: timeOf(notBefore),
    notAfter: timeOf(notAfter),
    spki: expectTag(spki, derTags.sequence, "a public key").bytes,
    extensions,
    signatureHash: hashes[oidOf(algorithmOid)],
    signature: bitStringOf(signature),
  };
}

/** Verifies an ECDSA signature (DER) by the key in `spki`; the curve comes from the key. */
async function verifyBy(spki: Uint8Array, hash: string | undefined, signature: Uint8Array, data: Uint8Array) {
  const [algorithm] = childrenOf(parseDer(spki));
  const [, curveOid] = childrenOf(expectTag(algorithm, derTags.sequence, "a key algorithm"));
  const curve = curves[oidOf(curveOid)];
  if (!curve || !hash) throw new SignatureRefused("unsupported signature algorithm");
  const key = await crypto.subtle.importKey("spki", spki, { name: "ECDSA", namedCurve: curve.name }, false, [
    "verify",
  ]);
  return crypto.subtle.verify(
    { name: "ECDSA", hash },
    key,
    ecdsaSignatureToRaw(signature, curve.bytes),
    data,
  );
}

async function checkIssued(certificate: Certificate, issuer: Certificate, now: Date, what: string) {
  if (!constantTimeEqualBytes(certificate.issuer, issuer.subject)) {
    throw new SignatureRefused(`the ${what} certificate is not issued by the expected CA`);
  }
  if (
    !(await verifyBy(issuer.spki, certificate.signatureHash, certificate.signature, certificate.tbs.bytes))
  ) {
    throw new SignatureRefused(`the ${what} certificate's signature does not verify`);
  }
  if (now < certificate.notBefore || now > certificate.notAfter) {
    throw new SignatureRefused(`the ${what} certificate is not valid now`, true);
  }
}

function attributeValue(attributes: DerNode[], oid: string): DerNode | undefined {
  for (const attribute of attributes) {
    const [type, values] = childrenOf(attribute);
    if (oidOf(type) === oid) return values ? childrenOf(values)[0] : undefined;
  }
  return undefined;
}

export interface SignatureCheck {
  /** The detached content: ephemeral public key ‖ data ‖ transaction id ‖ application data. */
  content: Uint8Array;
  /** Apple Root CA - G3 (DER), from configuration. */
  root: Uint8Array;
  now: Date;
  /** How far the signing time may be from now. */
  windowSeconds: number;
}

/**
 * Verifies an Apple Pay token's PKCS#7 detached signature: the leaf (OID …6.29) issued by the
 * intermediate (OID …6.2.14) issued by the configured root, the signer's message digest over the
 * content, its signature over the signed attributes, and the signing time within the window.
 * Raises SignatureRefused (or DerError on malformed input).
 */
export async function verifyApplePaySignature(signature: Uint8Array, check: SignatureCheck): Promise<void> {
  const [type, wrapped] = childrenOf(expectTag(parseDer(signature), derTags.sequence, "a ContentInfo"));
  if (oidOf(type) !== SIGNED_DATA || !wrapped) throw new SignatureRefused("not PKCS#7 signed data");
  const parts = childrenOf(expectTag(childrenOf(wrapped)[0], derTags.sequence, "SignedData"));
  const certificates = childrenOf(expectTag(parts[3], contextTag(0), "certificates")).map(parseCertificate);
  const signerInfos = expectTag(parts.at(-1), derTags.set, "signer infos");
  const leaf = certificates.find((certificate) => certificate.extensions.has(APPLE_LEAF_OID));
  const intermediate = certificates.find((certificate) => certificate.extensions.has(APPLE_INTERMEDIATE_OID));
  if (!leaf || !intermediate)
    throw new SignatureRefused("Apple's leaf or intermediate certificate is missing");
  const root = parseCertificate(parseDer(check.root));
  await checkIssued(intermediate, root, check.now, "intermediate");
  await checkIssued(leaf, intermediate, check.now, "leaf");

  const [signer, another] = childrenOf(signerInfos);
  if (!signer || another) throw new SignatureRefused("expected exactly one signer");
  const fields = childrenOf(signer);
  const [issuerAndSerial] = childrenOf(expectTag(fields[1], derTags.sequence, "a signer id")).slice(1);
  if (!issuerAndSerial || !constantTimeEqualBytes(issuerAndSerial.content, leaf.serial)) {
    throw new SignatureRefused("the signer is not the leaf certificate");
  }
  const signedAttributes = expectTag(fields[3], contextTag(0), "signed attributes");
  const attributes = childrenOf(signedAttributes);
  const digest = expectTag(attributeValue(attributes, MESSAGE_DIGEST), derTags.octetString, "a digest");
  if (!constantTimeEqualBytes(digest.content, await sha256(check.content))) {
    throw new SignatureRefused("the message digest does not match the token");
  }
  // The signature covers the attributes encoded as a SET (tag 0x31), not as the [0] they travel in.
  const signedBytes = concatBytes(Uint8Array.of(derTags.set), signedAttributes.bytes.subarray(1));
  const value = expectTag(fields[5], derTags.octetString, "a signature").content;
  if (!(await verifyBy(leaf.spki, "SHA-256", value, signedBytes))) {
    throw new SignatureRefused("the token's signature does not verify");
  }
  const signingTime = timeOf(attributeValue(attributes, SIGNING_TIME));
  if (Math.abs(check.now.getTime() - signingTime.getTime()) > check.windowSeconds * 1000) {
    throw new SignatureRefused("the token's signing time is outside the accepted window", true);
  }
}
