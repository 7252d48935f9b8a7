import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { ServiceContext, Services } from "../../core/context";
import { gatedChangeMembers } from "../../core/events";
import { type PostingInput, postingCall } from "../../core/ledger";
import { type CryptoTransferRow, cryptoHotWallets, cryptoTransfers, type TransferAttempt } from "./tables";
import { toCryptoTransfer } from "./transfers";

type Movement = "reserved" | "sent" | "released";

/**
 * The transfer's three postings, in its fiat currency: reserved at creation (available → reserved,
 * refused when available can't cover it), then either sent (reserved → crypto custody, the coins
 * left the hot wallet) or released (reserved → available). Each is idempotent on its source.
 */
export function transferPosting(
  ctx: ServiceContext,
  row: CryptoTransferRow,
  movement: Movement,
): PostingInput {
  const currency = row.fiatCurrency;
  const amount = row.fiatAmount;
  const [from, to] = {
    reserved: ["merchant_available", "merchant_reserved"] as const,
    sent: ["merchant_reserved", "crypto_custody"] as const,
    released: ["merchant_reserved", "merchant_available"] as const,
  }[movement];
  return {
    merchantId: row.merchantId,
    environment: row.environment,
    source: `crypto_transfer:${row.id}:${movement}`,
    type: "crypto_withdrawal",
    status: movement === "reserved" ? "pending" : "posted",
    sourceObjectId: row.id,
    description: `Crypto transfer of ${row.asset} to ${row.toAddress} (${movement})`,
    entries: [
      { account: { kind: from, currency }, amount: -amount },
      { account: { kind: to, currency }, amount },
    ],
    at: ctx.services.clock.now(),
  };
}

/**
 * Takes the hot wallet's next nonce for a transfer that has none, in one statement: the transfer row
 * is locked first (a second caller for it then finds a nonce and takes none), then the wallet row
 * is upserted, which serializes every sender of the chain. The nonce is the larger of the row's
 * and the chain's pending count, so a wallet also used elsewhere never reuses one.
 */
export function assignNonceStatement(services: Services, row: CryptoTransferRow, chainNonce: number): SQL {
  const now = services.clock.now();
  return sql`
    with transfer as (
      select ${cryptoTransfers.id} from ${cryptoTransfers}
       where ${cryptoTransfers.id} = ${row.id} and ${cryptoTransfers.nonce} is null for update
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
      gasUsed: next.gasUsed,
      effectiveGasPrice: next.effectiveGasPrice,
      failureReason: next.failureReason,
      broadcastAt: next.broadcastAt,
      confirmedAt: next.confirmedAt,
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
  gasUsed: bigint;
  effectiveGasPrice: bigint;
  succeeded: boolean;
}

/**
 * The outcome, once: mined and succeeded → confirmed (the reservation goes to crypto custody);
 * reverted, or the nonce taken by a transaction that is none of ours → failed (the reservation
 * goes back to available). Compare-and-set on the open statuses, posting and event gated on it.
 */
export function settledStatement(
  ctx: ServiceContext,
  row: CryptoTransferRow,
  outcome: { mined: MinedAttempt } | { failureReason: string },
): { statement: SQL; row: CryptoTransferRow } {
  const now = ctx.services.clock.now();
  const mined = "mined" in outcome ? outcome.mined : undefined;
  const succeeded = mined?.succeeded === true;
  const next: CryptoTransferRow = {
    ...row,
    status: succeeded ? "confirmed" : "failed",
    txHash: mined?.hash ?? row.txHash,
    blockNumber: mined?.blockNumber ?? null,
    gasUsed: mined ? mined.gasUsed.toString() : null,
    effectiveGasPrice: mined ? mined.effectiveGasPrice.toString() : null,
    failureReason:
      "failureReason" in outcome ? outcome.failureReason : succeeded ? null : "The transaction reverted.",
    confirmedAt: succeeded ? now : null,
    failedAt: succeeded ? null : now,
    updatedAt: now,
  };
  const update = casUpdate(ctx, row, next, inArray(cryptoTransfers.status, ["pending", "broadcast"]));
  const posting = transferPosting(ctx, row, succeeded ? "sent" : "released");
  const type = succeeded ? "crypto.transfer.confirmed" : "crypto.transfer.failed";
  return { statement: gatedStatement(ctx, next, update, type, posting), row: next };
}
