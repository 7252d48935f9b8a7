import { encodeFunctionData, erc20Abi, type Hex, keccak256 } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { Config } from "../../core/config";
import { ApiError } from "../../core/errors";
import type { ChainInfo } from "./networks";

/** Gas limits by kind: a plain value transfer is 21,000; an ERC-20 transfer stays well under 100,000. */
export const NATIVE_GAS_LIMIT = 21_000;
export const TOKEN_GAS_LIMIT = 100_000;

export interface UnsignedTransfer {
  chain: ChainInfo;
  nonce: number;
  to: Hex;
  amount: bigint;
  /** The ERC-20 contract, or null for the native asset. */
  tokenContract: Hex | null;
  gasLimit: number;
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

/**
 * The chain's hot wallet: its entry in the Worker secret CRYPTO_HOT_WALLET_KEYS, else the single
 * CRYPTO_HOT_WALLET_KEY. Only the send path (creating, broadcasting and replacing transfers) calls
 * this; the key never leaves the function's scope.
 */
export function hotWallet(config: Config, chain: ChainInfo) {
  const key = config.CRYPTO_HOT_WALLET_KEYS[chain.key] ?? config.CRYPTO_HOT_WALLET_KEY;
  if (!key) throw new ApiError("crypto_sends_not_configured");
  return privateKeyToAccount(key as Hex);
}

/**
 * The signed EIP-1559 transaction and its hash. Signing is deterministic (RFC 6979), so the same
 * transfer and fees always give the same hash: a lost write is recovered by signing again.
 */
export async function signTransfer(
  config: Config,
  transfer: UnsignedTransfer,
): Promise<{ serialized: Hex; hash: Hex }> {
  const account = hotWallet(config, transfer.chain);
  const call =
    transfer.tokenContract === null
      ? { to: transfer.to, value: transfer.amount }
      : {
          to: transfer.tokenContract,
          value: 0n,
          data: encodeFunctionData({
            abi: erc20Abi,
            functionName: "transfer",
            args: [transfer.to, transfer.amount],
          }),
        };
  const serialized = await account.signTransaction({
    type: "eip1559",
    chainId: transfer.chain.chain.id,
    nonce: transfer.nonce,
    gas: BigInt(transfer.gasLimit),
    maxFeePerGas: transfer.maxFeePerGas,
    maxPriorityFeePerGas: transfer.maxPriorityFeePerGas,
    ...call,
  });
  return { serialized, hash: keccak256(serialized) };
}
