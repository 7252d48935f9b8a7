import type { Services } from "../../core/context";
import { chains } from "./networks";
import { chainsToPoll, type PollReport, pollChain } from "./poll";

export { createCryptoAddress, listCryptoAddresses, retrieveCryptoAddress } from "./addresses";
export { listCryptoDeposits, retrieveCryptoDeposit } from "./deposits";
export { createCryptoPayment, listCryptoPayments, retrieveCryptoPayment } from "./payments";
export {
  createCryptoTransfer,
  type PreparedTransfer,
  prepareCryptoTransfer,
  type TransferSource,
} from "./send";
export { emptyTrackReport, type TrackReport, trackCryptoTransfers } from "./track";
export {
  isPlatformAddress,
  type TransferProgress,
  transferProgress,
  unsentTransferCancel,
} from "./transfer-sources";
export { listCryptoTransfers, retrieveCryptoTransfer } from "./transfers";

/** The chains deposit-poll has a schedule for, one each (the local development chain has none). */
export const pollableChainKeys: readonly string[] = chains.map((chain) => chain.key);

/**
 * One deposit poll of every chain with watched addresses (or only `chain`). A chain whose RPC URLs
 * all fail is reported with its error; the others still run.
 */
export async function pollDeposits(
  services: Services,
  chain?: string,
): Promise<Record<string, PollReport | { skipped: string } | { error: string }>> {
  // Chains are independent: polled side by side, so one slow provider delays no other chain.
  const polled = await Promise.all(
    (await chainsToPoll(services, chains, chain)).map(async (info) => {
      try {
        return [info.key, await pollChain(services, info)] as const;
      } catch (error) {
        const message = error instanceof Error ? (error.message.split("\n")[0] ?? error.name) : String(error);
        console.log(
          JSON.stringify({ level: "warn", function: "deposit-poll", chain: info.key, error: message }),
        );
        return [info.key, { error: message }] as const;
      }
    }),
  );
  return Object.fromEntries(polled);
}
