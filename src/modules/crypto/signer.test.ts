import { parseTransaction, recoverTransactionAddress } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { describe, expect, it } from "vitest";
import type { Config } from "../../core/config";
import { ApiError } from "../../core/errors";
import { type ChainInfo, chainByKey } from "./networks";
import { hotWallet, signTransfer, TOKEN_GAS_LIMIT } from "./signer";

function chain(key: string): ChainInfo {
  const found = chainByKey(key);
  if (!found) throw new Error(`no chain ${key}`);
  return found;
}

const keys = (single: string | undefined, perChain: Record<string, string>) =>
  ({ CRYPTO_HOT_WALLET_KEY: single, CRYPTO_HOT_WALLET_KEYS: perChain }) as unknown as Config;

async function signer(config: Config, on: ChainInfo) {
  const signed = await signTransfer(config, {
    chain: on,
    nonce: 7,
    to: privateKeyToAccount(generatePrivateKey()).address,
    amount: 1_000_000n,
    tokenContract: "0x5FbDB2315678afecb367f032d93F642f64180aa3",
    gasLimit: TOKEN_GAS_LIMIT,
    maxFeePerGas: 2_000_000_000n,
    maxPriorityFeePerGas: 1_000_000_000n,
  });
  expect(parseTransaction(signed.serialized).chainId).toBe(on.chain.id);
  return recoverTransactionAddress({ serializedTransaction: signed.serialized as never });
}

describe("hot wallet keys per chain", () => {
  const fallbackKey = generatePrivateKey();
  const baseKey = generatePrivateKey();
  const config = keys(fallbackKey, { base: baseKey });

  it("signs with the chain's own key, and with the single key where the chain has none", async () => {
    expect(await signer(config, chain("base"))).toBe(privateKeyToAccount(baseKey).address);
    expect(await signer(config, chain("local"))).toBe(privateKeyToAccount(fallbackKey).address);
    expect(hotWallet(config, chain("base")).address).toBe(privateKeyToAccount(baseKey).address);
  });

  it("answers crypto_sends_not_configured on a chain with no key at all", async () => {
    const onlyBase = keys(undefined, { base: baseKey });
    expect(await signer(onlyBase, chain("base"))).toBe(privateKeyToAccount(baseKey).address);
    expect(() => hotWallet(onlyBase, chain("ethereum"))).toThrow(ApiError);
  });
});
