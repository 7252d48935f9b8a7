import type { Config } from "../../core/config";
import { ApiError } from "../../core/errors";
import type { Environment } from "../../core/tables";
import type { IndividualStatus } from "./tables";

/** One Veriff integration: sandbox merchants and production merchants each have their own. */
export interface VeriffIntegration {
  environment: Environment;
  baseUrl: string;
  apiKey: string;
  sharedSecret: string;
  timeoutMs: number;
}

const encoder = new TextEncoder();

async function hmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]);
}

function toHex(bytes: ArrayBuffer): string {
  return [...new Uint8Array(bytes)].map((byte) => byte.toString(16).padStart(2, "0")).join("");
}

function fromHex(hex: string): Uint8Array | null {
  if (!/^(?:[0-9a-fA-F]{2})+$/.test(hex)) return null;
  const bytes = new Uint8Array(hex.length / 2);
  for (let index = 0; index < bytes.length; index += 1) {
    bytes[index] = Number.parseInt(hex.slice(index * 2, index * 2 + 2), 16);
  }
  return bytes;
}

/** Veriff's X-HMAC-SIGNATURE: hex HMAC-SHA256 of the payload with the integration's shared secret. */
export async function veriffSignature(secret: string, payload: string): Promise<string> {
  return toHex(await crypto.subtle.sign("HMAC", await hmacKey(secret), encoder.encode(payload)));
}

/** Checks a hex signature in constant time (WebCrypto's verify compares the whole MAC). */
export async function verifyVeriffSignature(
  secret: string,
  payload: string,
  signature: string,
): Promise<boolean> {
  const mac = fromHex(signature.trim());
  if (mac?.length !== 32) return false;
  return crypto.subtle.verify("HMAC", await hmacKey(secret), mac, encoder.encode(payload));
}

/** The integration for an environment, or undefined when the operator configured none. */
export function veriffIntegration(config: Config, environment: Environment): VeriffIntegration | undefined {
  const [baseUrl, apiKey, sharedSecret] =
    environment === "production"
      ? [config.VERIFF_BASE_URL, config.VERIFF_API_KEY, config.VERIFF_SHARED_SECRET]
      : [config.VERIFF_SANDBOX_BASE_URL, config.VERIFF_SANDBOX_API_KEY, config.VERIFF_SANDBOX_SHARED_SECRET];
  if (!apiKey || !sharedSecret) return undefined;
  return {
    environment,
    baseUrl: baseUrl.replace(/\/+$/, ""),
    apiKey,
    sharedSecret,
    timeoutMs: config.OUTBOUND_TIMEOUT_MS,
  };
}

export function requireIntegration(config: Config, environment: Environment): VeriffIntegration {
  const integration = veriffIntegration(config, environment);
  if (!integration) throw new ApiError("verification_provider_unavailable");
  return integration;
}

export interface SessionPerson {
  firstName: string;
  lastName: string;
  dateOfBirth: string;
  idNumber?: string;
}

export interface CreatedSession {
  id: string;
  url: string;
}

async function veriffFetch(
  integration: VeriffIntegration,
  url: string,
  init: RequestInit,
): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(integration.timeoutMs) });
  } catch {
    throw new ApiError("verification_provider_unavailable", { message: "Veriff did not answer." });
  }
}

/** POST /v1/sessions: a new verification session; its URL goes to the merchant, who sends the person there. */
export async function createVeriffSession(
  integration: VeriffIntegration,
  input: { callback: string; person: SessionPerson; vendorData: string },
): Promise<CreatedSession> {
  const body = JSON.stringify({
    verification: {
      callback: input.callback,
      person: input.person,
      document: {},
      vendorData: input.vendorData,
    },
  });
  const response = await veriffFetch(integration, `${integration.baseUrl}/sessions`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-auth-client": integration.apiKey,
      "x-hmac-signature": await veriffSignature(integration.sharedSecret, body),
    },
    body,
  });
  const answer = (await response.json().catch(() => null)) as {
    verification?: { id?: unknown; url?: unknown };
  } | null;
  const id = answer?.verification?.id;
  const url = answer?.verification?.url;
  if (!response.ok || typeof id !== "string" || typeof url !== "string") {
    throw new ApiError("verification_provider_unavailable", {
      message: `Veriff refused the session (HTTP ${response.status}).`,
    });
  }
  return { id, url };
}

/** The decision part of Veriff's webhook and of GET /v1/sessions/{id}/decision. */
export interface VeriffDecision {
  sessionId: string;
  attemptId: string;
  code: number;
  reason: string | null;
  reasonCode: number | null;
  vendorData: string | null;
}

/** Reads a decision payload; null when it is not one (a session without a decision yet, another event). */
export function parseDecision(payload: unknown): VeriffDecision | null {
  const verification = (payload as { verification?: Record<string, unknown> | null } | null)?.verification;
  if (!verification || typeof verification !== "object") return null;
  const { id, attemptId, code, reason, reasonCode, vendorData } = verification;
  if (typeof id !== "string" || typeof attemptId !== "string" || typeof code !== "number") return null;
  return {
    sessionId: id,
    attemptId,
    code,
    reason: typeof reason === "string" ? reason : null,
    reasonCode: typeof reasonCode === "number" ? reasonCode : null,
    vendorData: typeof vendorData === "string" ? vendorData : null,
  };
}

/** GET /v1/sessions/{id}/decision, signed with the session id: the polling fallback. */
export async function fetchVeriffDecision(
  integration: VeriffIntegration,
  sessionId: string,
): Promise<VeriffDecision | null> {
  const response = await veriffFetch(
    integration,
    `${integration.baseUrl}/sessions/${encodeURIComponent(sessionId)}/decision`,
    {
      method: "GET",
      headers: {
        "x-auth-client": integration.apiKey,
        "x-hmac-signature": await veriffSignature(integration.sharedSecret, sessionId),
      },
    },
  );
  if (!response.ok) {
    throw new ApiError("verification_provider_unavailable", {
      message: `Veriff refused the decision lookup (HTTP ${response.status}).`,
    });
  }
  return parseDecision(await response.json().catch(() => null));
}

/** Veriff's decision codes, as our statuses. */
export const decisionStatuses: Readonly<Record<number, IndividualStatus>> = {
  9001: "approved",
  9102: "declined",
  9103: "resubmission_requested",
  9104: "expired",
  9121: "needs_review",
};
