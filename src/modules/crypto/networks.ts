import type { Chain } from "viem";
import {
  arbitrum,
  arbitrumSepolia,
  avalanche,
  avalancheFuji,
  base,
  baseSepolia,
  bsc,
  bscTestnet,
  hardhat,
  linea,
  lineaSepolia,
  mainnet,
  optimism,
  optimismSepolia,
  polygon,
  polygonAmoy,
  sepolia,
} from "viem/chains";
import type { Environment } from "../../core/tables";

/** The networks a merchant names in the API; sandbox maps each to its testnet. */
export const networkNames = [
  "ethereum",
  "polygon",
  "bsc",
  "arbitrum",
  "optimism",
  "base",
  "avalanche",
  "linea",
  "local",
] as const;
export type NetworkName = (typeof networkNames)[number];

export const assetCodes = ["native", "USDC", "USDT"] as const;
export type AssetCode = (typeof assetCodes)[number];

export interface TokenInfo {
  symbol: "USDC" | "USDT";
  contract: `0x${string}`;
  decimals: number;
}

/**
 * When a deposit is final enough to credit:
 * - `finalized_tag`: the block is at or below the chain's `finalized` block (Ethereum's Casper FFG,
 *   the L2s' batch finalized on L1, Polygon's milestones, Linea's hard finality);
 * - `confirmations`: the block has `confirmations` blocks on top, itself included (BNB's n+2,
 *   Avalanche's sub-second finality as 1).
 * `confirmations` is also the block-count fallback of a `finalized_tag` chain: reached first, it
 * confirms too, and it bounds how deep a reorg is looked for when the tag is unavailable.
 */
export interface FinalityRule {
  kind: "finalized_tag" | "confirmations";
  confirmations: number;
}

export interface ChainInfo {
  /** The chain's own key: the poller, blocks and deposits are per chain. */
  key: string;
  network: NetworkName;
  environment: Environment;
  chain: Chain;
  nativeSymbol: string;
  tokens: TokenInfo[];
  blockTimeMs: number;
  finality: FinalityRule;
  /** Most blocks one eth_getLogs call asks for; providers cap between 1k and 10k. */
  maxLogRange: number;
  /** Most blocks one poll reads, so a run stays short; the next run carries on. */
  maxBlocksPerPoll: number;
}

const usdc = (contract: `0x${string}`, decimals = 6): TokenInfo => ({ symbol: "USDC", contract, decimals });
const usdt = (contract: `0x${string}`, decimals = 6): TokenInfo => ({ symbol: "USDT", contract, decimals });

const finalizedTag = (confirmations: number): FinalityRule => ({ kind: "finalized_tag", confirmations });
const afterBlocks = (confirmations: number): FinalityRule => ({ kind: "confirmations", confirmations });

function entry(
  key: string,
  network: NetworkName,
  environment: Environment,
  chain: Chain,
  details: Omit<
    ChainInfo,
    "key" | "network" | "environment" | "chain" | "nativeSymbol" | "maxBlocksPerPoll"
  > & {
    maxBlocksPerPoll?: number;
  },
): ChainInfo {
  return {
    key,
    network,
    environment,
    chain,
    nativeSymbol: chain.nativeCurrency.symbol,
    maxBlocksPerPoll: details.maxBlocksPerPoll ?? 200,
    ...details,
  };
}

/**
 * The catalog. Token contracts are the issuers' published ones (Circle for USDC, Tether for USDT;
 * BNB Smart Chain's are Binance-Peg tokens with 18 decimals). Tether issues no USDT on Base and
 * on no testnet, and Circle no USDC on BNB's testnet: those assets are unsupported there.
 */
export const chains: readonly ChainInfo[] = [
  entry("ethereum", "ethereum", "production", mainnet, {
    tokens: [
      usdc("0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48"),
      usdt("0xdAC17F958D2ee523a2206206994597C13D831ec7"),
    ],
    blockTimeMs: 12_000,
    finality: finalizedTag(64),
    maxLogRange: 1_000,
  }),
  entry("polygon", "polygon", "production", polygon, {
    tokens: [
      usdc("0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359"),
      usdt("0xc2132D05D31c914a87C6611C10748AEb04B58e8F"),
    ],
    blockTimeMs: 2_000,
    finality: finalizedTag(256),
    maxLogRange: 1_000,
  }),
  entry("bsc", "bsc", "production", bsc, {
    tokens: [
      usdc("0x8AC76a51cc950d9822D68b83fE1Ad97B32Cd580d", 18),
      usdt("0x55d398326f99059fF775485246999027B3197955", 18),
    ],
    blockTimeMs: 750,
    finality: afterBlocks(3),
    maxLogRange: 1_000,
  }),
  entry("arbitrum", "arbitrum", "production", arbitrum, {
    tokens: [
      usdc("0xaf88d065e77c8cC2239327C5EDb3A432268e5831"),
      usdt("0xFd086bC7CD5C481DCC9C85ebE478A1C0b69FCbb9"),
    ],
    blockTimeMs: 250,
    finality: finalizedTag(4_800),
    maxLogRange: 10_000,
    maxBlocksPerPoll: 500,
  }),
  entry("optimism", "optimism", "production", optimism, {
    tokens: [
      usdc("0x0b2C639c533813f4Aa9D7837CAf62653d097Ff85"),
      usdt("0x94b008aA00579c1307B0EF2c499aD98a8ce58e58"),
    ],
    blockTimeMs: 2_000,
    finality: finalizedTag(600),
    maxLogRange: 10_000,
  }),
  entry("base", "base", "production", base, {
    tokens: [usdc("0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913")],
    blockTimeMs: 2_000,
    finality: finalizedTag(600),
    maxLogRange: 10_000,
  }),
  entry("avalanche", "avalanche", "production", avalanche, {
    tokens: [
      usdc("0xB97EF9Ef8734C71904D8002F8b6Bc66Dd9c48a6E"),
      usdt("0x9702230A8Ea53601f5cD2dc00fDBc13d4dF4A8c7"),
    ],
    blockTimeMs: 2_000,
    finality: afterBlocks(1),
    maxLogRange: 2_048,
  }),
  entry("linea", "linea", "production", linea, {
    tokens: [
      usdc("0x176211869cA2b568f2A7D4EE941E073a821EE1ff"),
      usdt("0xA219439258ca9da29E9Cc4cE5596924745e12B93"),
    ],
    blockTimeMs: 2_000,
    finality: finalizedTag(600),
    maxLogRange: 5_000,
  }),
  entry("sepolia", "ethereum", "sandbox", sepolia, {
    tokens: [usdc("0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238")],
    blockTimeMs: 12_000,
    finality: finalizedTag(64),
    maxLogRange: 1_000,
  }),
  entry("polygon_amoy", "polygon", "sandbox", polygonAmoy, {
    tokens: [usdc("0x41E94Eb019C0762f9Bfcf9Fb1E58725BfB0e7582")],
    blockTimeMs: 2_000,
    finality: finalizedTag(256),
    maxLogRange: 1_000,
  }),
  entry("bsc_testnet", "bsc", "sandbox", bscTestnet, {
    tokens: [],
    blockTimeMs: 750,
    finality: afterBlocks(3),
    maxLogRange: 1_000,
  }),
  entry("arbitrum_sepolia", "arbitrum", "sandbox", arbitrumSepolia, {
    tokens: [usdc("0x75faf114eafb1BDbe2F0316DF893fd58CE46AA4d")],
    blockTimeMs: 250,
    finality: finalizedTag(4_800),
    maxLogRange: 10_000,
    maxBlocksPerPoll: 500,
  }),
  entry("optimism_sepolia", "optimism", "sandbox", optimismSepolia, {
    tokens: [usdc("0x5fd84259d66Cd46123540766Be93DFE6D43130D7")],
    blockTimeMs: 2_000,
    finality: finalizedTag(600),
    maxLogRange: 10_000,
  }),
  entry("base_sepolia", "base", "sandbox", baseSepolia, {
    tokens: [usdc("0x036CbD53842c5426634e7929541eC2318f3dCF7e")],
    blockTimeMs: 2_000,
    finality: finalizedTag(600),
    maxLogRange: 10_000,
  }),
  entry("avalanche_fuji", "avalanche", "sandbox", avalancheFuji, {
    tokens: [usdc("0x5425890298aed601595a70AB815c96711a31Bc65")],
    blockTimeMs: 2_000,
    finality: afterBlocks(1),
    maxLogRange: 2_048,
  }),
  entry("linea_sepolia", "linea", "sandbox", lineaSepolia, {
    tokens: [usdc("0xFEce4462D57bD51A6A552365A011b95f0E16d9B7")],
    blockTimeMs: 2_000,
    finality: finalizedTag(600),
    maxLogRange: 5_000,
  }),
  // Hardhat's node for tests and `npm start`; its tokens are whatever CRYPTO_LOCAL_TOKENS names.
  entry("local", "local", "sandbox", hardhat, {
    tokens: [],
    blockTimeMs: 1_000,
    finality: afterBlocks(6),
    maxLogRange: 100,
    maxBlocksPerPoll: 100,
  }),
];

export function chainFor(network: NetworkName, environment: Environment): ChainInfo | undefined {
  return chains.find((candidate) => candidate.network === network && candidate.environment === environment);
}

export function chainByKey(key: string): ChainInfo | undefined {
  return chains.find((candidate) => candidate.key === key);
}
