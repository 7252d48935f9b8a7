import { fromBase64 } from "./auth/crypto";

/**
 * The P-256 ECDH shared secret of our private key (base64 PKCS#8) and a peer's public key (an
 * uncompressed point, "raw", or SubjectPublicKeyInfo, "spki"). Raises on a key that does not import.
 */
export async function p256SharedSecret(
  privateKeyPkcs8: string,
  peer: { format: "raw" | "spki"; bytes: Uint8Array },
): Promise<Uint8Array> {
  const curve = { name: "ECDH", namedCurve: "P-256" };
  const ours = await crypto.subtle.importKey("pkcs8", fromBase64(privateKeyPkcs8), curve, false, [
    "deriveBits",
  ]);
  const theirs = await crypto.subtle.importKey(peer.format, peer.bytes, curve, false, []);
  // Assigned first: the Workers types spell the standard `public` member `$public`.
  const algorithm = { name: "ECDH", public: theirs };
  return new Uint8Array(await crypto.subtle.deriveBits(algorithm, ours, 256));
}
