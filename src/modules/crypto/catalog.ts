import type { Config } from "../../core/config";
import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import type { Environment } from "../../core/tables";
import {
  type AssetCode,
  type ChainInfo,
  chainFor,
  chains,
  type NetworkName,
  type TokenInfo,
} from "./networks";

/** The RPC URLs of a chain, in failover order: configured ones, else the chain's public default. */
export function rpcUrls(config: Config, chain: ChainInfo): string[] {
  const configured = config.CRYPTO_RPC_URLS[chain.key];
  if (configured) return configured;
  // The local chain exists only where configured (tests, `npm start`).
  return chain.key === "local" ? [] : [...chain.chain.rpcUrls.default.http];
}

export function tokensOf(config: Config, chain: ChainInfo): TokenInfo[] {
  if (chain.key !== "local") return chain.tokens;
  return config.CRYPTO_LOCAL_TOKENS.map((token) => ({
    symbol: token.symbol,
    contract: token.contract as `0x${string}`,
    decimals: token.decimals,
  }));
}

/** The chains an environment can use: the local one only when it has an RPC URL. */
export function availableChains(config: Config, environment: Environment): ChainInfo[] {
  return chains.filter((chain) => chain.environment === environment && rpcUrls(config, chain).length > 0);
}

export function availableChain(
  config: Config,
  network: NetworkName,
  environment: Environment,
): ChainInfo | undefined {
  const chain = chainFor(network, environment);
  return chain && rpcUrls(config, chain).length > 0 ? chain : undefined;
}

export interface AssetInfo {
  asset: AssetCode;
  symbol: string;
  /** Null for the native asset. */
  contract: `0x${string}` | null;
  decimals: number;
}

export function assetsOf(config: Config, chain: ChainInfo): AssetInfo[] {
  return [
    {
      asset: "native",
      symbol: chain.nativeSymbol,
      contract: null,
      decimals: chain.chain.nativeCurrency.decimals,
    },
    ...tokensOf(config, chain).map((token) => ({
      asset: token.symbol,
      symbol: token.symbol,
      contract: token.contract,
      decimals: token.decimals,
    })),
  ];
}

export function assetOn(config: Config, chain: ChainInfo, asset: string): AssetInfo | undefined {
  return assetsOf(config, chain).find((candidate) => candidate.asset === asset);
}

/** Fixed USD prices of native assets in sandbox (late 2025 references), so tests and demos are deterministic. */
const SANDBOX_NATIVE_PRICES_USD: Readonly<Record<string, string>> = {
  ETH: "3000",
  POL: "0.20",
  BNB: "600",
  AVAX: "15",
};

/**
 * The USD price of one whole unit of an asset at confirmation: stablecoins at par (1 USDC = 1 USD
 * is the rule, not a market quote); native assets at the configured (production) or reference
 * (sandbox) price; undefined when there is none, and the deposit then waits, confirmed, for one.
 */
export function usdPrice(config: Config, environment: Environment, asset: AssetInfo): string | undefined {
  if (asset.contract !== null) return "1";
  const prices = environment === "sandbox" ? SANDBOX_NATIVE_PRICES_USD : config.CRYPTO_NATIVE_PRICES_USD;
  return prices[asset.symbol];
}

/** The network and asset a request names, available in its environment; else the 400 that says which is not. */
export function requireChainAsset(
  ctx: ServiceContext,
  input: { network: NetworkName; asset: string },
): { chain: ChainInfo; asset: AssetInfo } {
  const { config } = ctx.services;
  const chain = availableChain(config, input.network, ctx.environment);
  if (!chain) {
    throw new ApiError("crypto_network_unsupported", {
      param: "network",
      message: `The ${input.network} network is not available in ${ctx.environment}.`,
    });
  }
  const asset = assetOn(config, chain, input.asset);
  if (!asset) {
    throw new ApiError("crypto_asset_unsupported", {
      param: "asset",
      message: `${input.asset} is not supported on ${chain.chain.name}.`,
    });
  }
  return { chain, asset };
}
