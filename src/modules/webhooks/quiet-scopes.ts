import type { Environment } from "../../core/tables";

/**
 * Merchant environments this isolate last saw without a receiving webhook endpoint. Their events are
 * marked dispatched as they are written (the events_mark_unreceived trigger), so a request whose
 * events all belong to such a scope skips the after-response dispatch call. An endpoint created or
 * re-enabled in this isolate forgets its scope at once; in another isolate the entry lives at most
 * QUIET_SCOPE_TTL_MS, and an event written for the new endpoint meanwhile stays undispatched until
 * the webhook sweep sends it (docs/webhooks.md, "Dispatch").
 */
export const QUIET_SCOPE_TTL_MS = 10_000;

// A bound on the isolate's memory: past it, the oldest entries go first (Map keeps insertion order).
const MAX_SCOPES = 10_000;

const quietUntil = new Map<string, number>();

interface Scope {
  merchantId: string;
  environment: Environment;
}

const keyOf = (scope: Scope) => `${scope.merchantId}:${scope.environment}`;

export function isQuiet(scope: Scope, now = Date.now()): boolean {
  const until = quietUntil.get(keyOf(scope));
  return until !== undefined && until > now;
}

/** What a dispatch read of the endpoints found for the scope. */
export function noteScope(scope: Scope, receiving: boolean, now = Date.now()): void {
  const key = keyOf(scope);
  quietUntil.delete(key);
  if (receiving) return;
  quietUntil.set(key, now + QUIET_SCOPE_TTL_MS);
  if (quietUntil.size > MAX_SCOPES) {
    const oldest = quietUntil.keys().next().value;
    if (oldest !== undefined) quietUntil.delete(oldest);
  }
}

/** An endpoint of the scope was created or changed: its next events are dispatched right away. */
export function forgetScope(scope: Scope): void {
  quietUntil.delete(keyOf(scope));
}
