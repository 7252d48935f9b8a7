import { and, desc, eq, gte, inArray, or, type SQL, sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { Services } from "../../core/context";
import { systemContext } from "../../core/http";
import { newId, randomBase62 } from "../../core/ids";
import { redisKey } from "../../core/redis";
import { assetsOf, rpcUrls, tokensOf, usdPrice } from "./catalog";
import { confirmedStatement, confirmingStatement, detectedStatement, orphanedStatement } from "./changes";
import type { ChainInfo } from "./networks";
import { type PaymentReport, paymentReversals, settleCryptoPayments } from "./payment-matching";
import { chainClient } from "./rpc";
import {
  blockAt,
  type ChainHead,
  readBlocks,
  readHead,
  readNativeTransfers,
  readTransferLogs,
  type ScannedBlock,
  type SeenTransfer,
} from "./scan";
import { requiredConfirmations } from "./settings";
import {
  type CryptoAddressRow,
  type CryptoBlockRow,
  type CryptoDepositRow,
  cryptoAddresses,
  cryptoBlocks,
  cryptoConfirmationTiers,
  cryptoDeposits,
  cryptoPayments,
} from "./tables";
import { toMinorUnits } from "./value";

/** Stored blocks read per poll: how far one poll can walk back after a reorg (the next goes on). */
const STORED_WINDOW = 128;
const LOCK_MS = 55_000;
const OPEN: CryptoDepositRow["status"][] = ["detected", "confirming", "confirmed"];

export interface PollReport {
  chain: string;
  head: number;
  finalized: number;
  scanned_from: number | null;
  scanned_to: number | null;
  reorged_blocks: number;
  detected: number;
  confirmed: number;
  dropped: number;
  reversed: number;
  payments?: PaymentReport;
}

/** What the database knows of the chain: one read batch before any RPC call. */
async function readState(services: Services, chain: ChainInfo) {
  const { db } = services;
  // Credited deposits matter while their block is still among the stored (unfinalized) ones.
  const lowestStored = sql`coalesce((select min(${cryptoBlocks.number}) from ${cryptoBlocks} where ${cryptoBlocks.chain} = ${chain.key}), 0)`;
  const trackedCredited = db
    .select({ id: cryptoDeposits.id })
    .from(cryptoDeposits)
    .where(
      and(
        eq(cryptoDeposits.chain, chain.key),
        eq(cryptoDeposits.status, "credited"),
        gte(cryptoDeposits.blockNumber, lowestStored),
      ),
    );
  const [stored, addresses, tiers, deposits, payments] = await db.batch([
    db
      .select()
      .from(cryptoBlocks)
      .where(eq(cryptoBlocks.chain, chain.key))
      .orderBy(desc(cryptoBlocks.number))
      .limit(STORED_WINDOW),
    db.select().from(cryptoAddresses).where(eq(cryptoAddresses.chain, chain.key)),
    db
      .select()
      .from(cryptoConfirmationTiers)
      .where(
        and(
          eq(cryptoConfirmationTiers.network, chain.network),
          eq(cryptoConfirmationTiers.environment, chain.environment),
        ),
      ),
    db
      .select()
      .from(cryptoDeposits)
      .where(
        and(
          eq(cryptoDeposits.chain, chain.key),
          or(
            inArray(cryptoDeposits.status, OPEN),
            and(eq(cryptoDeposits.status, "credited"), gte(cryptoDeposits.blockNumber, lowestStored)),
          ),
        ),
      ),
    // The payments a reorg could take a deposit back from, and the open ones (a reopened payment
    // must not collide with another open one on its address and asset).
    db
      .select()
      .from(cryptoPayments)
      .where(
        and(
          eq(cryptoPayments.chain, chain.key),
          or(
            inArray(cryptoPayments.status, ["open", "partially_paid"]),
            sql`jsonb_exists_any(${cryptoPayments.depositIds}, array(${trackedCredited}))`,
          ),
        ),
      ),
  ]);
  return { stored, addresses, tiers, deposits, payments };
}

/**
 * The highest stored block still on the chain. Walks back from the stored tip, never below the
 * finalized block (nothing there can change) nor past the stored window (the next poll goes on).
 */
async function commonAncestor(
  client: ReturnType<typeof chainClient>,
  stored: CryptoBlockRow[],
  head: ChainHead,
): Promise<number | undefined> {
  for (const block of stored) {
    if (block.number > head.head) continue;
    if (block.number <= head.finalized) return block.number;
    const canonical = await blockAt(client, block.number);
    if (canonical?.hash === block.hash) return block.number;
  }
  return undefined;
}

interface Plan {
  statements: SQL[];
  report: PollReport;
}

function depositRow(
  chain: ChainInfo,
  services: Services,
  address: CryptoAddressRow,
  transfer: SeenTransfer,
  head: ChainHead,
  tiers: { merchantId: string; minAmount: number; confirmations: number }[],
): CryptoDepositRow {
  const asset = assetsOf(services.config, chain).find(
    (candidate) => candidate.contract?.toLowerCase() === transfer.contract?.toLowerCase(),
  );
  if (!asset) throw new Error(`no asset for ${transfer.contract}`);
  const price = usdPrice(services.config, chain.environment, asset);
  const cents = price === undefined ? undefined : toMinorUnits(transfer.amount, asset.decimals, price, 2);
  const merchantTiers = tiers
    .filter((tier) => tier.merchantId === address.merchantId)
    .map((tier) => ({ min_amount: tier.minAmount, confirmations: tier.confirmations }));
  const now = services.clock.now();
  return {
    id: newId("cryptoDeposit"),
    merchantId: address.merchantId,
    environment: address.environment,
    addressId: address.id,
    customerId: address.customerId,
    network: address.network,
    chain: chain.key,
    asset: asset.asset,
    tokenContract: asset.contract,
    amount: transfer.amount.toString(),
    decimals: asset.decimals,
    fromAddress: transfer.from,
    toAddress: address.address,
    txHash: transfer.txHash,
    logIndex: transfer.logIndex,
    blockNumber: transfer.blockNumber,
    blockHash: transfer.blockHash,
    status: "detected",
    confirmations: head.head - transfer.blockNumber + 1,
    requiredConfirmations: requiredConfirmations(chain, merchantTiers, cents),
    fiatAmount: null,
    fiatCurrency: null,
    rate: null,
    confirmedAt: null,
    creditedAt: null,
    droppedAt: null,
    createdAt: now,
    updatedAt: now,
  };
}

/** The value credited at confirmation: USD cents at the price of that moment, rounded down. */
function valueAt(services: Services, chain: ChainInfo, row: CryptoDepositRow) {
  const asset = assetsOf(services.config, chain).find((candidate) => candidate.asset === row.asset);
  const price = asset && usdPrice(services.config, chain.environment, asset);
  if (price === undefined) return undefined;
  const cents = toMinorUnits(BigInt(row.amount), row.decimals, price, 2);
  // Beyond what the ledger holds (2^53 − 1 cents): left confirmed for an operator, never rounded.
  if (cents > BigInt(Number.MAX_SAFE_INTEGER)) return undefined;
  return { fiatAmount: Number(cents), rate: price };
}

function isFinal(chain: ChainInfo, row: CryptoDepositRow, head: ChainHead, confirmations: number): boolean {
  if (confirmations >= row.requiredConfirmations) return true;
  return chain.finality.kind === "finalized_tag" && row.blockNumber <= head.finalized;
}

/** Polls one chain: read the database, read the chain, write the outcome in one batch. */
export async function pollChain(
  services: Services,
  chain: ChainInfo,
): Promise<PollReport | { skipped: string }> {
  const lock = redisKey(services.config, `crypto:poll:${chain.key}`);
  const token = randomBase62(24);
  if (!(await services.redis.set(lock, token, { nx: true, px: LOCK_MS }))) {
    return { skipped: "another poll of this chain is running" };
  }
  try {
    return await pollLocked(services, chain);
  } finally {
    if ((await services.redis.get(lock)) === token) await services.redis.del(lock);
  }
}

async function pollLocked(services: Services, chain: ChainInfo): Promise<PollReport> {
  const state = await readState(services, chain);
  const client = chainClient(rpcUrls(services.config, chain), chain, services.config.OUTBOUND_TIMEOUT_MS);
  const head = await readHead(client, chain);
  const tip = state.stored[0];
  const ancestor = tip ? await commonAncestor(client, state.stored, head) : undefined;
  // No stored block yet, or none left on the chain: start a bounded distance back.
  const resumeAt =
    ancestor !== undefined
      ? ancestor + 1
      : Math.max(tip ? head.finalized + 1 : 0, head.head - chain.maxBlocksPerPoll + 1);
  const orphaned = state.stored.filter((block) => ancestor === undefined || block.number > ancestor);
  const orphanedHashes = new Set(orphaned.map((block) => block.hash));
  const to = Math.min(head.head, resumeAt + chain.maxBlocksPerPoll - 1);

  const watched = new Map(state.addresses.map((address) => [address.address.toLowerCase(), address]));
  const watchedSet = new Set(watched.keys());
  let scanned: ScannedBlock[] = [];
  let transfers: SeenTransfer[] = [];
  if (resumeAt <= to) {
    const read = await readBlocks(client, resumeAt, to);
    const parent =
      ancestor === undefined ? undefined : state.stored.find((block) => block.number === ancestor);
    const first = read.blocks[0];
    // The chain moved under us between the walk back and this read: keep nothing, retry next poll.
    if (!first || !parent || first.parentHash === parent.hash) scanned = read.blocks;
    const last = scanned.at(-1);
    if (last) {
      const contracts = tokensOf(services.config, chain).map((token) => token.contract);
      const hashes = new Map(scanned.map((block) => [block.number, block.hash]));
      const logs = await readTransferLogs(
        client,
        contracts,
        resumeAt,
        last.number,
        chain.maxLogRange,
        watchedSet,
      );
      const native = await readNativeTransfers(client, scanned, read.transactions, watchedSet);
      // A log from a block other than the one we read is from a reorg under way: left for next poll.
      transfers = [...logs, ...native].filter(
        (transfer) => hashes.get(transfer.blockNumber) === transfer.blockHash,
      );
    }
  }
  const plan = decide(services, chain, state, head, { orphanedHashes, scanned, transfers, watched });
  await write(services, chain, plan.statements, { ancestor, orphaned: orphaned.length > 0, scanned, head });
  return {
    ...plan.report,
    payments: await settleCryptoPayments(services, chain),
    reorged_blocks: orphaned.length,
    scanned_from: scanned[0]?.number ?? null,
    scanned_to: scanned.at(-1)?.number ?? null,
  };
}

/** Every state change of this poll, decided from what was read; no I/O. */
function decide(
  services: Services,
  chain: ChainInfo,
  state: Awaited<ReturnType<typeof readState>>,
  head: ChainHead,
  seen: {
    orphanedHashes: Set<string>;
    scanned: ScannedBlock[];
    transfers: SeenTransfer[];
    watched: Map<string, CryptoAddressRow>;
  },
): Plan {
  const report: PollReport = {
    chain: chain.key,
    head: head.head,
    finalized: head.finalized,
    scanned_from: null,
    scanned_to: null,
    reorged_blocks: 0,
    detected: 0,
    confirmed: 0,
    dropped: 0,
    reversed: 0,
  };
  const statements: SQL[] = [];
  const contextOf = (row: CryptoDepositRow) => systemContext(services, row, "deposit-poll");
  const reversal = paymentReversals(state.payments, services.clock.now());
  for (const row of state.deposits) {
    if (seen.orphanedHashes.has(row.blockHash)) {
      statements.push(orphanedStatement(contextOf(row), row, reversal(row)));
      if (row.status === "credited") report.reversed += 1;
      else report.dropped += 1;
      continue;
    }
    if (row.status === "credited") continue;
    const confirmations = Math.max(1, head.head - row.blockNumber + 1);
    if (isFinal(chain, row, head, confirmations)) {
      statements.push(
        confirmedStatement(contextOf(row), row, confirmations, valueAt(services, chain, row)).statement,
      );
      report.confirmed += 1;
    } else if (confirmations !== row.confirmations || row.status === "detected") {
      statements.push(confirmingStatement(contextOf(row), row, confirmations));
    }
  }
  for (const transfer of seen.transfers) {
    const address = seen.watched.get(transfer.to.toLowerCase());
    if (!address) continue;
    const row = depositRow(chain, services, address, transfer, head, state.tiers);
    statements.push(detectedStatement(contextOf(row), row));
    report.detected += 1;
  }
  return { statements, report };
}

/** One batch: the reorged blocks out, the new blocks in, every deposit change, old blocks pruned. */
async function write(
  services: Services,
  chain: ChainInfo,
  changes: SQL[],
  blocks: { ancestor: number | undefined; orphaned: boolean; scanned: ScannedBlock[]; head: ChainHead },
): Promise<void> {
  const { db } = services;
  const now = services.clock.now();
  const statements: BatchItem<"pg">[] = [];
  if (blocks.orphaned) {
    const above = blocks.ancestor ?? -1;
    statements.push(
      db
        .delete(cryptoBlocks)
        .where(and(eq(cryptoBlocks.chain, chain.key), sql`${cryptoBlocks.number} > ${above}`)),
    );
  }
  if (blocks.scanned.length > 0) {
    statements.push(
      db
        .insert(cryptoBlocks)
        .values(blocks.scanned.map((block) => ({ chain: chain.key, ...block, readAt: now })))
        .onConflictDoUpdate({
          target: [cryptoBlocks.chain, cryptoBlocks.number],
          set: { hash: sql`excluded.hash`, parentHash: sql`excluded.parent_hash`, readAt: now },
        }),
    );
  }
  for (const change of changes) statements.push(db.execute(change));
  // Below finalized nothing changes: keep one block there as the walk-back floor.
  statements.push(
    db
      .delete(cryptoBlocks)
      .where(
        and(eq(cryptoBlocks.chain, chain.key), sql`${cryptoBlocks.number} < ${blocks.head.finalized - 1}`),
      ),
  );
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);
}

/** The chains with watched addresses and RPC URLs; `only` narrows to one (QStash's per-chain schedule). */
export async function chainsToPoll(
  services: Services,
  all: readonly ChainInfo[],
  only?: string,
): Promise<ChainInfo[]> {
  const rows = await services.db.selectDistinct({ chain: cryptoAddresses.chain }).from(cryptoAddresses);
  const active = new Set(rows.map((row) => row.chain));
  return all.filter(
    (chain) =>
      active.has(chain.key) && rpcUrls(services.config, chain).length > 0 && (!only || chain.key === only),
  );
}
