import { secp256k1 } from "@noble/curves/secp256k1";
import { bytesToHex, getAddress, keccak256 } from "viem";
import { HDKey } from "viem/accounts";

/**
 * The deposit address at m/44'/60'/0'/0/i from the extended public key of m/44'/60'/0'/0: only
 * public derivation, so the Worker never holds the seed. EIP-55 checksummed.
 */
export function deriveDepositAddress(xpub: string, index: number): `0x${string}` {
  const child = HDKey.fromExtendedKey(xpub).deriveChild(index);
  if (!child.publicKey) throw new Error("the extended key derived no public key");
  const uncompressed = secp256k1.ProjectivePoint.fromHex(child.publicKey).toRawBytes(false);
  const hash = keccak256(bytesToHex(uncompressed.slice(1)));
  return getAddress(`0x${hash.slice(-40)}`);
}

/** EIP-681: a native transfer `ethereum:<to>@<chain>?value=<wei>`, a token one via its `transfer`. */
export function paymentUri(options: {
  to: string;
  chainId: number;
  contract: string | null;
  amount: bigint | null;
}): string {
  const { to, chainId, contract, amount } = options;
  if (contract === null) {
    return `ethereum:${to}@${chainId}${amount === null ? "" : `?value=${amount}`}`;
  }
  const value = amount === null ? "" : `&uint256=${amount}`;
  return `ethereum:${contract}@${chainId}/transfer?address=${to}${value}`;
}
