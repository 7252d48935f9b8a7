import { eq } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import { notFound } from "../../core/errors";
import { type ListPage, type ListQuery, paginateTable } from "../../core/pagination";
import { tenantRow, tenantScope } from "../../core/tenancy";
import { type AssetCode, chainByKey, type NetworkName } from "./networks";
import type { CryptoTransfer } from "./schemas";
import { type CryptoTransferRow, type CryptoTransferStatus, cryptoTransfers } from "./tables";
import { formatUnits } from "./value";

export function toCryptoTransfer(row: CryptoTransferRow): CryptoTransfer {
  const chain = chainByKey(row.chain);
  if (!chain) throw new Error(`unknown chain ${row.chain}`);
  const networkFee =
    row.gasUsed === null || row.effectiveGasPrice === null
      ? null
      : (BigInt(row.gasUsed) * BigInt(row.effectiveGasPrice)).toString();
  return {
    id: row.id,
    object: "crypto_transfer",
    environment: row.environment,
    status: row.status,
    network: row.network as NetworkName,
    chain: { key: chain.key, id: chain.chain.id, name: chain.chain.name },
    asset: row.asset as AssetCode,
    contract: row.tokenContract,
    amount: row.amount,
    amount_decimal: formatUnits(BigInt(row.amount), row.decimals),
    decimals: row.decimals,
    from: row.fromAddress,
    to: row.toAddress,
    fiat_amount: row.fiatAmount,
    fiat_currency: row.fiatCurrency,
    rate: row.rate,
    nonce: row.nonce,
    gas_limit: row.gasLimit,
    max_fee_per_gas: row.maxFeePerGas,
    max_priority_fee_per_gas: row.maxPriorityFeePerGas,
    fee_cap_per_gas: row.feeCapPerGas,
    transaction_hash: row.txHash,
    attempts: row.attempts.map((attempt) => ({
      transaction_hash: attempt.hash,
      max_fee_per_gas: attempt.maxFeePerGas,
      max_priority_fee_per_gas: attempt.maxPriorityFeePerGas,
      created_at: attempt.at,
    })),
    block_number: row.blockNumber,
    block_hash: row.blockHash,
    network_fee: networkFee,
    network_fee_rate: row.networkFeeRate,
    network_fee_reserved: row.networkFeeReserved,
    network_fee_charged: row.networkFeeCharged,
    failure_reason: row.failureReason,
    source: { type: row.sourceType, id: row.sourceId },
    description: row.description,
    metadata: row.metadata,
    broadcast_at: row.broadcastAt?.toISOString() ?? null,
    confirmed_at: row.confirmedAt?.toISOString() ?? null,
    finalized_at: row.finalizedAt?.toISOString() ?? null,
    failed_at: row.failedAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export async function retrieveCryptoTransfer({ ctx, id }: { ctx: ServiceContext; id: string }) {
  const [row] = await ctx.services.db
    .select()
    .from(cryptoTransfers)
    .where(tenantRow(cryptoTransfers, ctx, id))
    .limit(1);
  if (!row) throw notFound("crypto transfer", id);
  return toCryptoTransfer(row);
}

export async function listCryptoTransfers({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListQuery & { status?: CryptoTransferStatus | undefined; network?: NetworkName | undefined };
}): Promise<ListPage<CryptoTransfer>> {
  const filters = tenantScope(cryptoTransfers, ctx);
  if (query.status) filters.push(eq(cryptoTransfers.status, query.status));
  if (query.network) filters.push(eq(cryptoTransfers.network, query.network));
  const page = await paginateTable({
    db: ctx.services.db,
    table: cryptoTransfers,
    scope: filters,
    tenantScope: tenantScope(cryptoTransfers, ctx),
    query,
  });
  return { data: page.data.map(toCryptoTransfer), hasMore: page.hasMore };
}
