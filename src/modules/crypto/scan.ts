import { type Block, type PublicClient, parseAbiItem, type Transaction } from "viem";
import type { ChainInfo } from "./networks";

export const transferEvent = parseAbiItem(
  "event Transfer(address indexed from, address indexed to, uint256 value)",
);

export interface ScannedBlock {
  number: number;
  hash: `0x${string}`;
  parentHash: `0x${string}`;
}

/** A transfer to a watched address, as read from the chain. */
export interface SeenTransfer {
  blockNumber: number;
  blockHash: `0x${string}`;
  txHash: `0x${string}`;
  /** -1 for a native transfer. */
  logIndex: number;
  /** Null for the native asset. */
  contract: `0x${string}` | null;
  from: `0x${string}`;
  to: `0x${string}`;
  amount: bigint;
}

export interface ChainHead {
  head: number;
  /** The highest block a reorg can no longer touch: the `finalized` tag, or head − the block-count rule. */
  finalized: number;
}

export async function readHead(client: PublicClient, chain: ChainInfo): Promise<ChainHead> {
  const head = Number(await client.getBlockNumber({ cacheTime: 0 }));
  const byCount = Math.max(0, head - chain.finality.confirmations);
  if (chain.finality.kind !== "finalized_tag") return { head, finalized: byCount };
  try {
    const block = await client.getBlock({ blockTag: "finalized" });
    return { head, finalized: Number(block.number) };
  } catch {
    // An RPC without the tag: the block-count fallback.
    return { head, finalized: byCount };
  }
}

/** The canonical block at `number`, or undefined past the head (a chain that just got shorter). */
export async function blockAt(client: PublicClient, number: number): Promise<ScannedBlock | undefined> {
  try {
    const block = await client.getBlock({ blockNumber: BigInt(number) });
    return { number, hash: block.hash, parentHash: block.parentHash };
  } catch (error) {
    if (error instanceof Error && error.name === "BlockNotFoundError") return undefined;
    throw error;
  }
}

const PARALLEL_BLOCKS = 8;

/**
 * Blocks `from`..`to` with their transactions (the native scan needs them), cut where parentHash
 * continuity breaks: a reorg under way while we read. The next poll walks back from there.
 */
export async function readBlocks(
  client: PublicClient,
  from: number,
  to: number,
): Promise<{ blocks: ScannedBlock[]; transactions: Map<number, Transaction[]> }> {
  const fetched: Block<bigint, true>[] = [];
  for (let start = from; start <= to; start += PARALLEL_BLOCKS) {
    const numbers = Array.from({ length: Math.min(PARALLEL_BLOCKS, to - start + 1) }, (_, i) => start + i);
    fetched.push(
      ...(await Promise.all(
        numbers.map((number) => client.getBlock({ blockNumber: BigInt(number), includeTransactions: true })),
      )),
    );
  }
  const blocks: ScannedBlock[] = [];
  const transactions = new Map<number, Transaction[]>();
  for (const block of fetched) {
    const previous = blocks.at(-1);
    if (previous && block.parentHash !== previous.hash) break;
    // Blocks read by number are mined: they have a hash.
    if (block.hash === null) break;
    const number = Number(block.number);
    blocks.push({ number, hash: block.hash, parentHash: block.parentHash });
    transactions.set(number, block.transactions);
  }
  return { blocks, transactions };
}

/**
 * ERC-20 Transfer logs of `contracts` in `from`..`to`, in ranges that adapt to the provider: a
 * refused range (too many blocks or results) is halved and retried, down to one block. The
 * watched `to` addresses are matched here rather than in the filter, so 10,000 of them cost no
 * more per call than one.
 */
export async function readTransferLogs(
  client: PublicClient,
  contracts: `0x${string}`[],
  from: number,
  to: number,
  maxRange: number,
  watched: ReadonlySet<string>,
): Promise<SeenTransfer[]> {
  if (contracts.length === 0 || from > to) return [];
  const seen: SeenTransfer[] = [];
  let range = Math.max(1, maxRange);
  for (let start = from; start <= to; ) {
    const end = Math.min(to, start + range - 1);
    let logs: Awaited<ReturnType<typeof client.getLogs<typeof transferEvent>>>;
    try {
      logs = await client.getLogs({
        address: contracts,
        event: transferEvent,
        fromBlock: BigInt(start),
        toBlock: BigInt(end),
        strict: true,
      });
    } catch (error) {
      if (end === start) throw error;
      range = Math.max(1, Math.floor((end - start + 1) / 2));
      continue;
    }
    for (const log of logs) {
      const { to: recipient, from: sender, value } = log.args;
      if (recipient === undefined || sender === undefined || value === undefined) continue;
      if (!watched.has(recipient.toLowerCase()) || log.blockHash === null || log.transactionHash === null)
        continue;
      seen.push({
        blockNumber: Number(log.blockNumber),
        blockHash: log.blockHash,
        txHash: log.transactionHash,
        logIndex: Number(log.logIndex),
        contract: log.address,
        from: sender,
        to: recipient,
        amount: value,
      });
    }
    start = end + 1;
  }
  return seen;
}

/** Native transfers to watched addresses: transactions with value whose receipt says they succeeded. */
export async function readNativeTransfers(
  client: PublicClient,
  blocks: ScannedBlock[],
  transactions: Map<number, Transaction[]>,
  watched: ReadonlySet<string>,
): Promise<SeenTransfer[]> {
  const candidates = blocks.flatMap((block) =>
    (transactions.get(block.number) ?? [])
      .filter((tx) => tx.to !== null && tx.value > 0n && watched.has(tx.to.toLowerCase()))
      .map((tx) => ({ block, tx })),
  );
  const receipts = await Promise.all(
    candidates.map(({ tx }) => client.getTransactionReceipt({ hash: tx.hash })),
  );
  return candidates.flatMap(({ block, tx }, i) =>
    receipts[i]?.status === "success" && tx.to
      ? [
          {
            blockNumber: block.number,
            blockHash: block.hash,
            txHash: tx.hash,
            logIndex: -1,
            contract: null,
            from: tx.from,
            to: tx.to,
            amount: tx.value,
          },
        ]
      : [],
  );
}
