import { and, eq, inArray, isNull, type SQL, sql } from "drizzle-orm";
import type { ServiceContext, Services } from "../../core/context";
import { gatedChangeMembers } from "../../core/events";
import { type AccountKind, type PostingInput, postingCall } from "../../core/ledger";
import { chainByKey } from "./networks";
import { type CryptoTransferRow, cryptoHotWallets, cryptoTransfers, type TransferAttempt } from "./tables";
import { toCryptoTransfer } from "./transfers";
import { toMinorUnitsRoundedUp } from "./value";

type Movement = "reserved" | "sent" | "released" | "reorged";

/**
 * The transfer's postings, in its fiat currency. `held` is what creation reserves: the amount's
 * value plus the network fee's reservation (gas limit × fee cap). `spent` is the amount's value plus
 * the fee charged on the receipt.
 * - reserved (creation): available → reserved, `held`; refused when available can't cover it.
 * - sent (confirmed): reserved −held, crypto custody +spent (the coins and the gas left the hot
 *   wallet), available +(held − spent) (the fee reservation's rest is released).
 * - released (failed): reserved → available, `held`; no fee is charged for a send that delivered nothing.
 * - reorged (a confirmed block left the chain): `sent` undone entry by entry; the released rest is
 *   taken back from `excessFrom` (available, or pending when available can't cover it).
 * Each is idempotent on its source; sent and reorged carry the block hash, so a transfer confirmed
 * again in another block after a reorg posts again, once.
 */
export function transferPosting(
  ctx: ServiceContext,
  row: CryptoTransferRow,
  movement: Movement,
  excessFrom: "merchant_available" | "merchant_pending" = "merchant_available",
): PostingInput {
  const currency = row.fiatCurrency;
  const held = row.fiatAmount + row.networkFeeReserved;
  const spent = row.fiatAmount + (row.networkFeeCharged ?? 0);
  const entries = {
    reserved: [
      ["merchant_available", -held],
      ["merchant_reserved", held],
    ],
    released: [
      ["merchant_reserved", -held],
      ["merchant_available", held],
    ],
    sent: [
      ["merchant_reserved", -held],
      ["crypto_custody", spent],
      ["merchant_available", held - spent],
    ],
    reorged: [
      ["crypto_custody", -spent],
      ["merchant_reserved", held],
      [excessFrom, spent - held],
    ],
  }[movement] as [AccountKind, number][];
  const onBlock = movement === "sent" || movement === "reorged" ? `:${row.blockHash}` : "";
  return {
    merchantId: row.merchantId,
    environment: row.environment,
    source: `crypto_transfer:${row.id}:${movement}${onBlock}`,
    type: "crypto_withdrawal",
    status: movement === "reserved" ? "pending" : "posted",
    sourceObjectId: row.id,
    description: `Crypto transfer of ${row.asset} to ${row.toAddress} (${movement})`,
    entries: entries
      .filter(([, amount]) => amount !== 0)
      .map(([kind, amount]) => ({ account: { kind, currency }, amount })),
    at: ctx.services.clock.now(),
  };
}

/**
 * The fee charged for a mined transfer: gas used × effective gas price (wei) at the native price of
 * its creation, in minor units, rounded UP like the amount. Never above the reservation: gas used ≤
 * the limit and the effective price ≤ every attempt's max fee ≤ the cap.
 */
export function networkFeeCharged(row: CryptoTransferRow, mined: MinedAttempt): number {
  if (row.networkFeeRate === null) return 0;
  const chain = chainByKey(row.chain);
  if (!chain) throw new Error(`unknown chain ${row.chain}`);
  const wei = mined.gasUsed * mined.effectiveGasPrice;
  const charged = toMinorUnitsRoundedUp(wei, chain.chain.nativeCurrency.decimals, row.networkFeeRate, 2);
  return Math.min(Number(charged), row.networkFeeReserved);
}

/**
 * Takes the hot wallet's next nonce for a transfer that has none, in one statement: the transfer row
 * is locked first (a second caller for it then finds a nonce and takes none), then the wallet row
 * is upserted, which serializes every sender of the chain. The nonce is the larger of the row's
 * and the chain's pending count, so a wallet also used elsewhere never reuses one. Only a pending
 * transfer takes one: a transfer canceled before it was sent (canceledStatement) never does.
 */
export function assignNonceStatement(services: Services, row: CryptoTransferRow, chainNonce: number): SQL {
  const now = services.clock.now();
  return sql`
    with transfer as (
      select ${cryptoTransfers.id} from ${cryptoTransfers}
       where ${cryptoTransfers.id} = ${row.id} and ${cryptoTransfers.nonce} is null
         and ${cryptoTransfers.status} = 'pending' for update
    ), wallet as (
      insert into ${cryptoHotWallets} (chain, address, next_nonce, created_at, updated_at)
      select ${row.chain}, ${row.fromAddress}, ${chainNonce + 1}, ${now}, ${now} from transfer
      on conflict (chain, address) do update
        set next_nonce = greatest(${cryptoHotWallets.nextNonce}, excluded.next_nonce - 1) + 1,
            updated_at = excluded.updated_at
      returning next_nonce - 1 as nonce
    ), assigned as (
      update ${cryptoTransfers} set nonce = wallet.nonce, updated_at = ${now}
        from wallet where ${cryptoTransfers.id} = ${row.id} returning wallet.nonce
    )
    select nonce::int as nonce from assigned`;
}

function casUpdate(
  ctx: ServiceContext,
  row: CryptoTransferRow,
  next: CryptoTransferRow,
  where: SQL | undefined,
) {
  return ctx.services.db
    .update(cryptoTransfers)
    .set({
      status: next.status,
      txHash: next.txHash,
      attempts: next.attempts,
      maxFeePerGas: next.maxFeePerGas,
      maxPriorityFeePerGas: next.maxPriorityFeePerGas,
      blockNumber: next.blockNumber,
      blockHash: next.blockHash,
      gasUsed: next.gasUsed,
      effectiveGasPrice: next.effectiveGasPrice,
      networkFeeCharged: next.networkFeeCharged,
      failureReason: next.failureReason,
      broadcastAt: next.broadcastAt,
      confirmedAt: next.confirmedAt,
      finalizedAt: next.finalizedAt,
      failedAt: next.failedAt,
      updatedAt: next.updatedAt,
    })
    .where(and(eq(cryptoTransfers.id, row.id), where))
    .returning({ id: cryptoTransfers.id });
}

function gatedStatement(
  ctx: ServiceContext,
  next: CryptoTransferRow,
  update: ReturnType<typeof casUpdate>,
  type: string,
  posting?: PostingInput,
): SQL {
  const members: SQL[] = [sql`updated as ${update}`];
  let posted = sql``;
  if (posting) {
    members.push(sql`posted as (select ${postingCall(posting)} from updated)`);
    posted = sql`, (select count(*) from posted)::int as posted`;
  }
  members.push(gatedChangeMembers(ctx, { type, object: toCryptoTransfer(next) }, "updated", "change"));
  return sql`with ${sql.join(members, sql`, `)} select count(*)::int as applied${posted} from updated`;
}

/** pending → broadcast, once a node accepted the first attempt. */
export function broadcastStatement(
  ctx: ServiceContext,
  row: CryptoTransferRow,
  attempt: TransferAttempt,
): { statement: SQL; row: CryptoTransferRow } {
  const now = ctx.services.clock.now();
  const next: CryptoTransferRow = {
    ...row,
    status: "broadcast",
    txHash: attempt.hash,
    attempts: [attempt],
    broadcastAt: now,
    updatedAt: now,
  };
  const update = casUpdate(ctx, row, next, eq(cryptoTransfers.status, "pending"));
  return { statement: gatedStatement(ctx, next, update, "crypto.transfer.broadcast"), row: next };
}

/**
 * A replacement (same nonce, higher fees), recorded BEFORE it is broadcast: whichever attempt is
 * mined, its hash is known. Compare-and-set on the attempt it replaces.
 */
export function replacedStatement(
  ctx: ServiceContext,
  row: CryptoTransferRow,
  attempt: TransferAttempt,
): { statement: SQL; row: CryptoTransferRow } {
  const now = ctx.services.clock.now();
  const next: CryptoTransferRow = {
    ...row,
    txHash: attempt.hash,
    attempts: [...row.attempts, attempt],
    maxFeePerGas: attempt.maxFeePerGas,
    maxPriorityFeePerGas: attempt.maxPriorityFeePerGas,
    broadcastAt: now,
    updatedAt: now,
  };
  const current = row.txHash === null ? sql`false` : eq(cryptoTransfers.txHash, row.txHash);
  const update = casUpdate(ctx, row, next, and(eq(cryptoTransfers.status, "broadcast"), current));
  return { statement: gatedStatement(ctx, next, update, "crypto.transfer.replaced"), row: next };
}

export interface MinedAttempt {
  hash: string;
  blockNumber: number;
  blockHash: string;
  gasUsed: bigint;
  effectiveGasPrice: bigint;
  succeeded: boolean;
}

/**
 * The outcome, once: mined and succeeded → confirmed (the amount and the fee charged go to crypto
 * custody, the fee reservation's rest back to available; `final` when the block is already final);
 * reverted, or the nonce taken by a transaction that is none of ours → failed (the whole
 * reservation goes back to available). Compare-and-set on the open statuses, posting and event
 * gated on it.
 */
export function settledStatement(
  ctx: ServiceContext,
  row: CryptoTransferRow,
  outcome: { mined: MinedAttempt; final: boolean } | { failureReason: string },
): { statement: SQL; row: CryptoTransferRow } {
  const now = ctx.services.clock.now();
  const mined = "mined" in outcome ? outcome.mined : undefined;
  const succeeded = mined?.succeeded === true;
  const next: CryptoTransferRow = {
    ...row,
    status: succeeded ? "confirmed" : "failed",
    txHash: mined?.hash ?? row.txHash,
    blockNumber: mined?.blockNumber ?? null,
    blockHash: mined?.blockHash ?? null,
    gasUsed: mined ? mined.gasUsed.toString() : null,
    effectiveGasPrice: mined ? mined.effectiveGasPrice.toString() : null,
    networkFeeCharged: mined && succeeded ? networkFeeCharged(row, mined) : null,
    failureReason:
      "failureReason" in outcome ? outcome.failureReason : succeeded ? null : "The transaction reverted.",
    confirmedAt: succeeded ? now : null,
    finalizedAt: succeeded && "final" in outcome && outcome.final ? now : null,
    failedAt: succeeded ? null : now,
    updatedAt: now,
  };
  const update = casUpdate(ctx, row, next, inArray(cryptoTransfers.status, ["pending", "broadcast"]));
  const posting = succeeded ? transferPosting(ctx, next, "sent") : transferPosting(ctx, row, "released");
  const type = succeeded ? "crypto.transfer.confirmed" : "crypto.transfer.failed";
  return { statement: gatedStatement(ctx, next, update, type, posting), row: next };
}

/**
 * A transfer nothing was sent for (pending, no nonce taken) is canceled with the object that asked
 * for it (a payout): failed, its whole reservation back to available, `crypto.transfer.failed`.
 * The compare-and-set on "pending without a nonce" and the nonce's own (assignNonceStatement takes
 * one only for a pending transfer) lock the same row, so either the cancel or the send wins.
 */
export function canceledStatement(
  ctx: ServiceContext,
  row: CryptoTransferRow,
  failureReason: string,
): { statement: SQL; row: CryptoTransferRow } {
  const now = ctx.services.clock.now();
  const next: CryptoTransferRow = { ...row, status: "failed", failureReason, failedAt: now, updatedAt: now };
  const update = casUpdate(
    ctx,
    row,
    next,
    and(eq(cryptoTransfers.status, "pending"), isNull(cryptoTransfers.nonce)),
  );
  const posting = transferPosting(ctx, row, "released");
  return { statement: gatedStatement(ctx, next, update, "crypto.transfer.failed", posting), row: next };
}

/**
 * A confirmed transfer whose block left the chain before it was final: back to `broadcast` with
 * its nonce and attempts (the caller broadcasts the current attempt again), `crypto.transfer.reorged`,
 * and the settlement undone once (source `…:reorged:<block hash>`). The fee reservation's rest,
 * released at confirmation, is taken back from available, or from pending when available can't
 * cover it (which may then go below zero, as a deposit reversal's). Compare-and-set on the
 * confirmed block.
 */
export function reorgedStatement(
  ctx: ServiceContext,
  row: CryptoTransferRow,
): { statement: SQL; row: CryptoTransferRow } {
  const now = ctx.services.clock.now();
  const next: CryptoTransferRow = {
    ...row,
    status: "broadcast",
    blockNumber: null,
    blockHash: null,
    gasUsed: null,
    effectiveGasPrice: null,
    networkFeeCharged: null,
    confirmedAt: null,
    broadcastAt: now,
    updatedAt: now,
  };
  const onBlock = row.blockHash === null ? sql`false` : eq(cryptoTransfers.blockHash, row.blockHash);
  const update = casUpdate(
    ctx,
    row,
    next,
    and(eq(cryptoTransfers.status, "confirmed"), isNull(cryptoTransfers.finalizedAt), onBlock),
  );
  const members: SQL[] = [sql`updated as ${update}`];
  const released = row.networkFeeReserved - (row.networkFeeCharged ?? 0);
  if (released > 0) {
    const fromAvailable = postingCall(transferPosting(ctx, row, "reorged"), { raise: false });
    const fromPending = postingCall(transferPosting(ctx, row, "reorged", "merchant_pending"));
    members.push(
      sql`from_available as (select ${fromAvailable} as answer from updated)`,
      sql`from_pending as (select ${fromPending} from from_available where answer->>'outcome' = 'refused')`,
    );
  } else {
    members.push(sql`posted as (select ${postingCall(transferPosting(ctx, row, "reorged"))} from updated)`);
  }
  members.push(
    gatedChangeMembers(
      ctx,
      {
        type: "crypto.transfer.reorged",
        object: toCryptoTransfer(next),
        previousAttributes: { status: row.status, block_hash: row.blockHash },
      },
      "updated",
      "change",
    ),
  );
  const counted =
    released > 0
      ? sql`, (select count(*) from from_available)::int as posted, (select count(*) from from_pending)::int as from_pending`
      : sql`, (select count(*) from posted)::int as posted`;
  return {
    statement: sql`with ${sql.join(members, sql`, `)} select count(*)::int as applied${counted} from updated`,
    row: next,
  };
}

/** A confirmed transfer's block is final: no reorg can undo it any more; it is no longer watched. */
export function finalizedStatement(ctx: ServiceContext, row: CryptoTransferRow): SQL {
  const now = ctx.services.clock.now();
  const update = ctx.services.db
    .update(cryptoTransfers)
    .set({ finalizedAt: now, updatedAt: now })
    .where(
      and(
        eq(cryptoTransfers.id, row.id),
        eq(cryptoTransfers.status, "confirmed"),
        isNull(cryptoTransfers.finalizedAt),
        row.blockHash === null ? sql`false` : eq(cryptoTransfers.blockHash, row.blockHash),
      ),
    )
    .returning({ id: cryptoTransfers.id });
  return sql`with updated as ${update} select count(*)::int as applied from updated`;
}
