import type { Services } from "../../core/context";
import { inCloudflareNetwork } from "./cloudflare-network";
import type { Http1Answer } from "./http1";
import { type PinnedPost, postPinned } from "./pinned";

export type OutboundPost = Omit<PinnedPost, "url" | "addresses">;

/** `localhost` and `*.localhost` (sandbox, WEBHOOKS_ALLOW_LOCALHOST) are loopback without a lookup. */
const LOOPBACK = ["127.0.0.1", "::1"];

/**
 * A signed POST to an endpoint whose destination passed checkWebhookDestination, sent to one of
 * the addresses the check resolved (pinned.ts). On Cloudflare a Worker's sockets cannot dial
 * Cloudflare's own addresses, so a host behind its proxy is reached with fetch(): its egress
 * never reaches private networks, which closes the window a second lookup would open anywhere else
 * (WEBHOOKS_CLOUDFLARE_VIA_FETCH=false there). Throws on a connection failure or timeout.
 */
export async function postToCheckedAddresses(
  services: Services,
  url: string,
  checkedAddresses: string[],
  request: OutboundPost,
): Promise<Http1Answer> {
  const addresses = checkedAddresses.length > 0 ? checkedAddresses : LOOPBACK;
  if (services.config.WEBHOOKS_CLOUDFLARE_VIA_FETCH && addresses.every(inCloudflareNetwork)) {
    return postByFetch(url, request);
  }
  return postPinned({ ...request, url: new URL(url), addresses });
}

async function postByFetch(url: string, request: OutboundPost): Promise<Http1Answer> {
  const response = await fetch(url, {
    method: "POST",
    headers: request.headers,
    body: request.body,
    redirect: "manual",
    signal: AbortSignal.timeout(request.timeoutMs),
  });
  return { status: response.status, body: await readPrefix(response, request.bodyLimit).catch(() => "") };
}

async function readPrefix(response: Response, limit: number): Promise<string> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes.subarray(0, limit));
}
