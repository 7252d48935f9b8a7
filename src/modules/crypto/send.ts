import type { BatchItem } from "drizzle-orm/batch";
import type { Hex, PublicClient } from "viem";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { execute } from "../../core/db";
import { ApiError } from "../../core/errors";
import { changeStatement } from "../../core/events";
import { newId } from "../../core/ids";
import { postingStatement } from "../../core/ledger";
import { log } from "../../core/log";
import { assetOn, requireChainAsset, rpcUrls, usdPrice } from "./catalog";
import type { ChainInfo } from "./networks";
import { chainClient } from "./rpc";
import type { CreateCryptoTransferInput, CryptoTransfer } from "./schemas";
import { hotWallet, NATIVE_GAS_LIMIT, signTransfer, TOKEN_GAS_LIMIT } from "./signer";
import { type CryptoTransferRow, cryptoTransfers, type TransferAttempt } from "./tables";
import { assignNonceStatement, broadcastStatement, transferPosting } from "./transfer-changes";
import { toCryptoTransfer } from "./transfers";
import { toBaseUnits, toMinorUnitsRoundedUp } from "./value";

const FIAT = "USD";

/** Who asked for a transfer: the API (a merchant withdrawal) or another module's object (a payout). */
export interface TransferSource {
  type: string;
  id: string | null;
}

/** Everything decided from the request and the catalog, before any I/O. */
function checkTransfer(ctx: ServiceContext, input: CreateCryptoTransferInput) {
  const { config } = ctx.services;
  const { chain, asset } = requireChainAsset(ctx, input);
  const units = toBaseUnits(input.amount, asset.decimals);
  if (units === "invalid" || units === 0n) {
    throw new ApiError("amount_invalid", {
      param: "amount",
      message: "A positive decimal number, like 25.50.",
    });
  }
  if (units === "too_many_decimals") {
    throw new ApiError("amount_invalid", {
      param: "amount",
      message: `${asset.symbol} has ${asset.decimals} decimals; the amount has more.`,
    });
  }
  const price = usdPrice(config, ctx.environment, asset);
  if (price === undefined) {
    throw new ApiError("crypto_price_unavailable", {
      message: `No USD price is configured for ${asset.symbol}.`,
    });
  }
  const fiatAmount = toMinorUnitsRoundedUp(units, asset.decimals, price, 2);
  if (fiatAmount > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ApiError("amount_invalid", {
      param: "amount",
      message: "The amount is beyond what a balance holds.",
    });
  }
  // The network fee is paid in the native asset and charged at its price, whatever is sent.
  const native = assetOn(config, chain, "native");
  const feeRate = native && usdPrice(config, ctx.environment, native);
  if (!native || feeRate === undefined) {
    throw new ApiError("crypto_price_unavailable", {
      message: `No USD price is configured for ${chain.nativeSymbol}, the asset the network fee is paid in.`,
    });
  }
  const wallet = hotWallet(config, chain);
  return {
    chain,
    asset,
    units,
    price,
    fiatAmount: Number(fiatAmount),
    fee: { rate: feeRate, decimals: native.decimals },
    from: wallet.address,
  };
}

/**
 * What the network fee reserves: the most any attempt can cost (gas limit × the fee cap) at the
 * native asset's price, rounded up, so the reservation covers every replacement too.
 */
function feeReservation(gasLimit: number, feeCap: bigint, fee: { rate: string; decimals: number }): number {
  const reserved = toMinorUnitsRoundedUp(BigInt(gasLimit) * feeCap, fee.decimals, fee.rate, 2);
  if (reserved > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new ApiError("parameter_invalid", {
      param: "max_fee_per_gas",
      message: "The fee cap is beyond what a balance holds.",
    });
  }
  return Number(reserved);
}

/** The network's fee estimate and the hot wallet's pending nonce; no transaction is open. */
async function readNetwork(client: PublicClient, from: Hex) {
  try {
    const [fees, chainNonce] = await Promise.all([
      client.estimateFeesPerGas(),
      client.getTransactionCount({ address: from, blockTag: "pending" }),
    ]);
    return { fees, chainNonce };
  } catch (error) {
    throw new ApiError("crypto_network_unavailable", {
      message: `The network's RPC endpoints did not answer: ${error instanceof Error ? error.name : "error"}.`,
    });
  }
}

/** A transfer decided and ready to be written: its row and the statements of its creation batch. */
export interface PreparedTransfer {
  row: CryptoTransferRow;
  /** The row, its reservation (available → reserved, refused as 402 insufficient_funds) and `crypto.transfer.created`. */
  statements: BatchItem<"pg">[];
  transfer: CryptoTransfer;
}

/**
 * Decides a transfer without writing anything: checks the request against the catalog, reads the
 * network's fee estimate (to reserve the fee cap) and builds its row and creation statements. The
 * caller runs them in its own batch: createCryptoTransfer alone, a payout with its own row and event.
 */
export async function prepareCryptoTransfer({
  ctx,
  input,
  source = { type: "api", id: null },
}: {
  ctx: ServiceContext;
  input: CreateCryptoTransferInput;
  source?: TransferSource;
}): Promise<PreparedTransfer & { chainNonce: number; client: PublicClient; chain: ChainInfo }> {
  const { chain, asset, units, price, fiatAmount, fee, from } = checkTransfer(ctx, input);
  const { db, config } = ctx.services;
  const client = chainClient(rpcUrls(config, chain), chain, config.OUTBOUND_TIMEOUT_MS);
  const { fees, chainNonce } = await readNetwork(client, from);
  const feeCap = input.max_fee_per_gas === undefined ? fees.maxFeePerGas * 2n : BigInt(input.max_fee_per_gas);
  if (fees.maxFeePerGas > feeCap) {
    throw new ApiError("crypto_fee_cap_exceeded", {
      param: "max_fee_per_gas",
      message: `The network's max fee per gas is ${fees.maxFeePerGas} wei, above the cap of ${feeCap}.`,
    });
  }
  const gasLimit = asset.contract === null ? NATIVE_GAS_LIMIT : TOKEN_GAS_LIMIT;
  const networkFeeReserved = feeReservation(gasLimit, feeCap, fee);
  const now = ctx.services.clock.now();
  const row: CryptoTransferRow = {
    id: newId("cryptoTransfer"),
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    network: input.network,
    chain: chain.key,
    asset: asset.asset,
    tokenContract: asset.contract,
    decimals: asset.decimals,
    amount: units.toString(),
    fromAddress: from,
    toAddress: input.to,
    fiatAmount,
    fiatCurrency: FIAT,
    rate: price,
    nonce: null,
    gasLimit,
    maxFeePerGas: fees.maxFeePerGas.toString(),
    maxPriorityFeePerGas: fees.maxPriorityFeePerGas.toString(),
    feeCapPerGas: feeCap.toString(),
    txHash: null,
    attempts: [],
    status: "pending",
    blockNumber: null,
    blockHash: null,
    gasUsed: null,
    effectiveGasPrice: null,
    networkFeeRate: fee.rate,
    networkFeeReserved,
    networkFeeCharged: null,
    failureReason: null,
    sourceType: source.type,
    sourceId: source.id,
    description: input.description ?? null,
    metadata: input.metadata ?? {},
    broadcastAt: null,
    confirmedAt: null,
    finalizedAt: null,
    failedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  const transfer = toCryptoTransfer(row);
  const statements: BatchItem<"pg">[] = [
    db.insert(cryptoTransfers).values(row),
    db.execute(postingStatement(transferPosting(ctx, row, "reserved"))),
    db.execute(changeStatement(ctx, { type: "crypto.transfer.created", object: transfer })),
  ];
  return { row, statements, transfer, chainNonce, client, chain };
}

/**
 * Creates a transfer out of the hot wallet and sends it. One batch records it with its reservation
 * (available → reserved, refused as 402 insufficient_funds when available can't cover it) and
 * `crypto.transfer.created`; one statement takes its nonce; then, with nothing open, it is signed
 * and broadcast, and a last batch marks it broadcast. A broadcast that fails leaves it pending:
 * `crypto-transfer-track` sends it again.
 */
export async function createCryptoTransfer({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateCryptoTransferInput;
}): Promise<CryptoTransfer> {
  const { row, statements, chainNonce, client, chain } = await prepareCryptoTransfer({ ctx, input });
  const { db } = ctx.services;
  await runBatch(ctx.services, statements);
  const assigned = await execute<{ nonce: number }>(assignNonceStatement(ctx.services, row, chainNonce), db);
  const nonce = assigned.rows[0]?.nonce;
  if (nonce === undefined) throw new Error(`crypto transfer ${row.id} got no nonce`);
  return toCryptoTransfer(await sendTransfer(ctx, chain, client, { ...row, nonce }));
}

/**
 * Signs the transfer's current attempt and hands it to a node, with no transaction open; accepted,
 * it becomes `broadcast` (compare-and-set on pending, with its event). Refused or unreachable, it
 * stays pending for the tracker. The batch also stores the request's response, when there is one.
 */
export async function sendTransfer(
  ctx: ServiceContext,
  chain: ChainInfo,
  client: PublicClient,
  row: CryptoTransferRow,
): Promise<CryptoTransferRow> {
  if (row.nonce === null) throw new Error(`crypto transfer ${row.id} has no nonce`);
  const signed = await signTransfer(ctx.services.config, {
    chain,
    nonce: row.nonce,
    to: row.toAddress as Hex,
    amount: BigInt(row.amount),
    tokenContract: row.tokenContract as Hex | null,
    gasLimit: row.gasLimit,
    maxFeePerGas: BigInt(row.maxFeePerGas),
    maxPriorityFeePerGas: BigInt(row.maxPriorityFeePerGas),
  });
  try {
    await client.sendRawTransaction({ serializedTransaction: signed.serialized });
  } catch (error) {
    log("warn", "crypto_transfer_broadcast_failed", {
      transfer: row.id,
      chain: chain.key,
      error: error instanceof Error ? (error.message.split("\n")[0] ?? error.name) : String(error),
    });
    await runBatch(ctx.services, [], { response: toCryptoTransfer(row) });
    return row;
  }
  const attempt: TransferAttempt = {
    hash: signed.hash,
    maxFeePerGas: row.maxFeePerGas,
    maxPriorityFeePerGas: row.maxPriorityFeePerGas,
    at: ctx.services.clock.now().toISOString(),
  };
  const { statement, row: next } = broadcastStatement(ctx, row, attempt);
  await runBatch(ctx.services, [ctx.services.db.execute(statement)], { response: toCryptoTransfer(next) });
  return next;
}
