import type { Services } from "../../core/context";
import type { Environment } from "../../core/tables";
import { resolveHost } from "./dns";
import { checkResolvedAddresses, checkWebhookUrl, literalAddress, type UrlRefusal } from "./ssrf";

export type DestinationVerdict =
  | { ok: true; addresses: string[] }
  | {
      ok: false;
      code: UrlRefusal | "webhook_url_unresolvable";
      reason: string;
      /** A refusal by rule is final; a failed lookup may succeed later, so the attempt is retried. */
      permanent: boolean;
    };

/**
 * The whole SSRF decision for one URL: the literal rules of ssrf.ts, then, for a host name, its
 * A and AAAA records resolved now over DNS over HTTPS, each checked against the same ranges.
 * WEBHOOKS_ALLOW_LOCALHOST only ever applies to sandbox endpoints.
 */
export async function checkWebhookDestination(
  services: Services,
  raw: string,
  environment: Environment,
): Promise<DestinationVerdict> {
  const policy = { environment, allowLocalhost: services.config.WEBHOOKS_ALLOW_LOCALHOST };
  const literal = checkWebhookUrl(raw, policy);
  if (!literal.ok) return { ...literal, permanent: true };
  const { hostname } = new URL(raw);
  const address = literalAddress(hostname);
  if (address !== undefined) return { ok: true, addresses: [address] };
  if (hostname === "localhost" || hostname.endsWith(".localhost")) return { ok: true, addresses: [] };
  const resolution = await resolveHost(
    { url: services.config.WEBHOOKS_DOH_URL, timeoutMs: services.config.OUTBOUND_TIMEOUT_MS },
    hostname,
  );
  if (!resolution.ok) {
    return { ok: false, code: "webhook_url_unresolvable", reason: resolution.reason, permanent: false };
  }
  const resolved = checkResolvedAddresses(hostname, resolution.addresses, policy);
  if (!resolved.ok) return { ...resolved, permanent: true };
  return { ok: true, addresses: resolution.addresses };
}
