const encoder = new TextEncoder();

export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/** Compares in time that depends only on the length, so a mismatch position never leaks. */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  let difference = left.length ^ right.length;
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    difference |= (left[i] ?? 0) ^ (right[i] ?? 0);
  }
  return difference === 0;
}

async function pbkdf2(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt, iterations },
    key,
    256,
  );
  return new Uint8Array(bits);
}

/** Stored as "pbkdf2_sha256$<iterations>$<salt>$<hash>" so the cost can be raised later. */
export async function hashPassword(password: string, iterations: number): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await pbkdf2(password, salt, iterations);
  return `pbkdf2_sha256$${iterations}$${toBase64(salt)}$${toBase64(hash)}`;
}

export interface PasswordCheck {
  valid: boolean;
  /** The stored hash used fewer iterations than configured: re-hash after a successful login. */
  needsRehash: boolean;
}

export async function verifyPassword(
  password: string,
  stored: string,
  iterations: number,
): Promise<PasswordCheck> {
  const [scheme, count, salt, hash] = stored.split("$");
  if (scheme !== "pbkdf2_sha256" || !count || !salt || !hash) return { valid: false, needsRehash: false };
  const storedIterations = Number(count);
  const candidate = await pbkdf2(password, fromBase64(salt), storedIterations);
  return {
    valid: constantTimeEqual(toBase64(candidate), hash),
    needsRehash: storedIterations < iterations,
  };
}

/** A password check against a fixed hash, so unknown emails cost the same time as wrong passwords. */
export async function burnPasswordCheck(password: string, iterations: number): Promise<void> {
  await pbkdf2(password, new Uint8Array(16), iterations);
}
