import { randomBase62 } from "../ids";
import type { Environment } from "../tables";

const envTag: Record<Environment, string> = { sandbox: "test", production: "live" };

export const KEY_ID_PATTERN = /^mpk_(test|live)_[0-9A-Za-z]{24}$/;
export const SECRET_PATTERN = /^mps_(test|live)_[0-9A-Za-z]{40}$/;
export const SESSION_TOKEN_PATTERN = /^mpt_[0-9A-Za-z]{48}$/;

export function newKeyId(environment: Environment): string {
  return `mpk_${envTag[environment]}_${randomBase62(24)}`;
}

export function newSecret(environment: Environment): string {
  return `mps_${envTag[environment]}_${randomBase62(40)}`;
}

export function newSessionToken(): string {
  return `mpt_${randomBase62(48)}`;
}

export function environmentOfKey(keyOrSecret: string): Environment | undefined {
  if (keyOrSecret.startsWith("mpk_test_") || keyOrSecret.startsWith("mps_test_")) return "sandbox";
  if (keyOrSecret.startsWith("mpk_live_") || keyOrSecret.startsWith("mps_live_")) return "production";
  return undefined;
}
