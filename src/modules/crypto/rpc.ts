import { createPublicClient, fallback, http, type PublicClient } from "viem";
import type { ChainInfo } from "./networks";

/**
 * A read client over the chain's RPC URLs in order: a URL that fails (refused, 5xx, timeout) hands
 * the call to the next one (viem's fallback transport), so one provider down never stops polling.
 */
export function chainClient(urls: string[], chain: ChainInfo, timeoutMs: number): PublicClient {
  const transports = urls.map((url) => http(url, { retryCount: 0, timeout: timeoutMs }));
  return createPublicClient({
    chain: chain.chain,
    transport: fallback(transports, { retryCount: 1 }),
  });
}
