import type { Config } from "../config";
import type { RailAdapter } from "./adapter";
import { increaseAdapter } from "./increase";

/** The production rail adapter the configuration names, or null: production payouts then stay pending. */
export function railAdapterFor(config: Config): RailAdapter | null {
  if (config.RAIL_PROVIDER !== "increase") return null;
  const { INCREASE_API_KEY: apiKey, INCREASE_ACCOUNT_ID: accountId } = config;
  if (!apiKey || !accountId) return null;
  return increaseAdapter({
    baseUrl: config.INCREASE_BASE_URL,
    apiKey,
    accountId,
    timeoutMs: config.PROVIDER_TIMEOUT_MS,
  });
}
