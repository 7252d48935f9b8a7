import { seal, unseal } from "../../core/sealed";

/**
 * Provider credentials at rest: the AES-256-GCM envelope of src/core/sealed.ts under
 * PROVIDER_CREDENTIALS_KEY (a Worker secret), with the connection id as additional data so a
 * ciphertext copied to another row does not decrypt.
 */
export async function encryptCredentials(
  keyBase64: string,
  connectionId: string,
  credentials: Record<string, string>,
): Promise<string> {
  return seal(keyBase64, connectionId, JSON.stringify(credentials));
}

export async function decryptCredentials(
  keyBase64: string,
  connectionId: string,
  sealed: string,
): Promise<Record<string, string>> {
  return JSON.parse(await unseal(keyBase64, connectionId, sealed)) as Record<string, string>;
}
