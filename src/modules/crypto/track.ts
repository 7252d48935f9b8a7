import { and, asc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import type { Hex, PublicClient } from "viem";
import { runBatch } from "../../core/batch";
import type { Services } from "../../core/context";
import { execute } from "../../core/db";
import { systemContext } from "../../core/http";
import { randomBase62 } from "../../core/ids";
import { log } from "../../core/log";
import { redisKey } from "../../core/redis";
import { rpcUrls } from "./catalog";
import { type ChainInfo, chainByKey } from "./networks";
import { chainClient } from "./rpc";
import { blockAt, type ChainHead, readHead } from "./scan";
import { sendTransfer } from "./send";
import { signTransfer } from "./signer";
import { type CryptoTransferRow, cryptoTransfers, type TransferAttempt } from "./tables";
import {
  assignNonceStatement,
  finalizedStatement,
  type MinedAttempt,
  reorgedStatement,
  replacedStatement,
  settledStatement,
} from "./transfer-changes";

const LOCK_MS = 55_000;

/** What the tracker follows: open transfers, and confirmed ones until their block is final. */
const followed = or(
  inArray(cryptoTransfers.status, ["pending", "broadcast"]),
  and(eq(cryptoTransfers.status, "confirmed"), isNull(cryptoTransfers.finalizedAt)),
);
const OPEN_PER_RUN = 100;

export interface TrackReport {
  broadcast: number;
  replaced: number;
  confirmed: number;
  failed: number;
  /** Confirmed, and its block is now final: no longer watched. */
  finalized: number;
  /** Confirmed, but its block left the chain: back to broadcast and sent again. */
  reorged: number;
  waiting: number;
  /** Stuck, but a replacement would pass the merchant's fee cap: left as it is. */
  capped: number;
}

/** A run's report before it has done anything (also a run that found no open transfer). */
export function emptyTrackReport(): TrackReport {
  return {
    broadcast: 0,
    replaced: 0,
    confirmed: 0,
    failed: 0,
    finalized: 0,
    reorged: 0,
    waiting: 0,
    capped: 0,
  };
}

/** A transfer not mined this long after its last attempt is replaced: ten blocks, at least a minute. */
export function stuckAfterMs(chain: ChainInfo): number {
  return Math.max(60_000, chain.blockTimeMs * 10);
}

/** +10 % rounded up: what nodes require of a replacement, on each fee field. */
export function bumped(fee: bigint): bigint {
  return (fee * 11n + 9n) / 10n;
}

const larger = (a: bigint, b: bigint) => (a > b ? a : b);

function unsigned(
  chain: ChainInfo,
  row: CryptoTransferRow,
  nonce: number,
  fees: { max: bigint; priority: bigint },
) {
  return {
    chain,
    nonce,
    to: row.toAddress as Hex,
    amount: BigInt(row.amount),
    tokenContract: row.tokenContract as Hex | null,
    gasLimit: row.gasLimit,
    maxFeePerGas: fees.max,
    maxPriorityFeePerGas: fees.priority,
  };
}

/** The first of the transfer's attempts that a block holds, if any. */
async function findMined(client: PublicClient, hashes: string[]): Promise<MinedAttempt | undefined> {
  for (const hash of hashes) {
    const receipt = await client.getTransactionReceipt({ hash: hash as Hex }).catch((error: unknown) => {
      if (error instanceof Error && error.name === "TransactionReceiptNotFoundError") return undefined;
      throw error;
    });
    if (receipt) {
      return {
        hash,
        blockNumber: Number(receipt.blockNumber),
        blockHash: receipt.blockHash,
        gasUsed: receipt.gasUsed,
        effectiveGasPrice: receipt.effectiveGasPrice,
        succeeded: receipt.status === "success",
      };
    }
  }
  return undefined;
}

/**
 * Signs a replacement with the same nonce and both fee fields at least +10 % (or today's estimate,
 * if higher), records it, then broadcasts it. Never above the transfer's fee cap.
 */
async function replace(
  services: Services,
  chain: ChainInfo,
  client: PublicClient,
  row: CryptoTransferRow,
  nonce: number,
): Promise<"replaced" | "capped" | "waiting"> {
  const estimate = await client.estimateFeesPerGas();
  const priority = larger(bumped(BigInt(row.maxPriorityFeePerGas)), estimate.maxPriorityFeePerGas);
  const max = larger(larger(bumped(BigInt(row.maxFeePerGas)), estimate.maxFeePerGas), priority);
  if (max > BigInt(row.feeCapPerGas)) return "capped";
  const signed = await signTransfer(services.config, unsigned(chain, row, nonce, { max, priority }));
  const attempt: TransferAttempt = {
    hash: signed.hash,
    maxFeePerGas: max.toString(),
    maxPriorityFeePerGas: priority.toString(),
    at: services.clock.now().toISOString(),
  };
  const ctx = systemContext(services, row, "crypto-transfer-track");
  const recorded = await execute<{ applied: number }>(
    replacedStatement(ctx, row, attempt).statement,
    services.db,
  );
  if (recorded.rows[0]?.applied !== 1) return "waiting";
  await client.sendRawTransaction({ serializedTransaction: signed.serialized }).catch((error: unknown) => {
    // Recorded already: the next run replaces it again once it is stuck.
    log("warn", "crypto_transfer_replacement_refused", {
      transfer: row.id,
      error: error instanceof Error ? (error.message.split("\n")[0] ?? error.name) : String(error),
    });
  });
  return "replaced";
}

type Step = keyof TrackReport;

/**
 * A confirmed transfer is watched until its block is final (the chain's finality rule, as for
 * deposits). Its block still there and final: finalized. Gone (another hash at its height, or the
 * chain shorter): the confirmation is undone (reorgedStatement) and the attempt that was mined is
 * broadcast again, the same signed bytes with the same nonce; from there it is tracked as any
 * broadcast transfer (confirmed again, replaced when stuck, failed if another transaction takes
 * its nonce).
 */
async function watchConfirmed(
  services: Services,
  chain: ChainInfo,
  client: PublicClient,
  head: ChainHead,
  row: CryptoTransferRow,
): Promise<Step> {
  if (row.blockNumber === null || row.nonce === null) return "waiting";
  const ctx = systemContext(services, row, "crypto-transfer-track");
  const block = await blockAt(client, row.blockNumber);
  if (block?.hash === row.blockHash) {
    if (row.blockNumber > head.finalized) return "waiting";
    await execute(finalizedStatement(ctx, row), services.db);
    return "finalized";
  }
  const undone = await execute<{ applied: number }>(reorgedStatement(ctx, row).statement, services.db);
  if (undone.rows[0]?.applied !== 1) return "waiting";
  const mined = row.attempts.find((attempt) => attempt.hash === row.txHash);
  const fees = mined
    ? { max: BigInt(mined.maxFeePerGas), priority: BigInt(mined.maxPriorityFeePerGas) }
    : { max: BigInt(row.maxFeePerGas), priority: BigInt(row.maxPriorityFeePerGas) };
  const signed = await signTransfer(services.config, unsigned(chain, row, row.nonce, fees));
  await client.sendRawTransaction({ serializedTransaction: signed.serialized }).catch((error: unknown) => {
    // Already back in a block or in the pool, or refused: the next runs track it as broadcast.
    log("warn", "crypto_transfer_rebroadcast_refused", {
      transfer: row.id,
      error: error instanceof Error ? (error.message.split("\n")[0] ?? error.name) : String(error),
    });
  });
  return "reorged";
}

async function trackOne(
  services: Services,
  chain: ChainInfo,
  client: PublicClient,
  head: ChainHead,
  walletNonce: number,
  row: CryptoTransferRow,
): Promise<Step> {
  if (row.status === "confirmed") return watchConfirmed(services, chain, client, head, row);
  const ctx = systemContext(services, row, "crypto-transfer-track");
  let nonce = row.nonce;
  if (nonce === null) {
    const assigned = await execute<{ nonce: number }>(
      assignNonceStatement(services, row, walletNonce),
      services.db,
    );
    nonce = assigned.rows[0]?.nonce ?? null;
    if (nonce === null) return "waiting";
  }
  const current = { ...row, nonce };
  const hashes = current.attempts.map((attempt) => attempt.hash);
  if (current.status === "pending") {
    const fees = { max: BigInt(row.maxFeePerGas), priority: BigInt(row.maxPriorityFeePerGas) };
    hashes.push((await signTransfer(services.config, unsigned(chain, row, nonce, fees))).hash);
  }
  const mined = await findMined(client, hashes);
  if (mined) {
    if (head.head - mined.blockNumber + 1 < chain.finality.confirmations) return "waiting";
    const final = mined.blockNumber <= head.finalized;
    await runBatch(services, [
      services.db.execute(settledStatement(ctx, current, { mined, final }).statement),
    ]);
    return mined.succeeded ? "confirmed" : "failed";
  }
  if (walletNonce > nonce) {
    const failureReason = "Another transaction took this transfer's nonce; nothing was sent.";
    await runBatch(services, [
      services.db.execute(settledStatement(ctx, current, { failureReason }).statement),
    ]);
    return "failed";
  }
  if (current.status === "pending") {
    const sent = await sendTransfer(ctx, chain, client, current);
    return sent.status === "broadcast" ? "broadcast" : "waiting";
  }
  const since = services.clock.now().getTime() - (current.broadcastAt?.getTime() ?? 0);
  if (since < stuckAfterMs(chain)) return "waiting";
  return replace(services, chain, client, current, nonce);
}

/**
 * One pass over a chain's open transfers, lowest nonce first (a node takes them in order). The
 * wallet's mined nonce count is read before the receipts, so a nonce counted as taken is already
 * in a block when the receipts are looked up: a transfer is failed only when none of its attempts
 * is there.
 */
async function trackChain(services: Services, chain: ChainInfo): Promise<TrackReport> {
  const rows = await services.db
    .select()
    .from(cryptoTransfers)
    .where(and(eq(cryptoTransfers.chain, chain.key), followed))
    .orderBy(sql`${cryptoTransfers.nonce} asc nulls last`, asc(cryptoTransfers.createdAt))
    .limit(OPEN_PER_RUN);
  const report = emptyTrackReport();
  const client = chainClient(rpcUrls(services.config, chain), chain, services.config.OUTBOUND_TIMEOUT_MS);
  const head = await readHead(client, chain);
  const nonces = new Map<string, number>();
  for (const address of new Set(rows.map((row) => row.fromAddress))) {
    nonces.set(address, await client.getTransactionCount({ address: address as Hex, blockTag: "latest" }));
  }
  for (const row of rows) {
    report[await trackOne(services, chain, client, head, nonces.get(row.fromAddress) ?? 0, row)] += 1;
  }
  return report;
}

/**
 * Every chain with open or unfinalized transfers (or only `only`): receipts, confirmations, reorgs of confirmed ones, broadcasts of pending
 * transfers and replacements of stuck ones. A Redis lock per chain keeps two runs from racing;
 * every write is a compare-and-set besides.
 */
export async function trackCryptoTransfers(
  services: Services,
  only?: string,
): Promise<Record<string, TrackReport | { skipped: string } | { error: string }>> {
  const open = await services.db
    .selectDistinct({ chain: cryptoTransfers.chain })
    .from(cryptoTransfers)
    .where(followed);
  const tracked = open
    .map((row) => chainByKey(row.chain))
    .filter((chain): chain is ChainInfo => chain !== undefined && (!only || chain.key === only))
    .filter((chain) => rpcUrls(services.config, chain).length > 0);
  const reports = await Promise.all(
    tracked.map(async (chain) => {
      const lock = redisKey(services.config, `crypto:send:${chain.key}`);
      const token = randomBase62(24);
      if (!(await services.redis.set(lock, token, { nx: true, px: LOCK_MS }))) {
        return [chain.key, { skipped: "another run is tracking this chain" }] as const;
      }
      try {
        return [chain.key, await trackChain(services, chain)] as const;
      } catch (error) {
        const message = error instanceof Error ? (error.message.split("\n")[0] ?? error.name) : String(error);
        log("warn", "crypto_transfer_track_failed", { chain: chain.key, error: message });
        return [chain.key, { error: message }] as const;
      } finally {
        if ((await services.redis.get(lock)) === token) await services.redis.del(lock);
      }
    }),
  );
  return Object.fromEntries(reports);
}
