import { eq } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import { notFound } from "../../core/errors";
import { type ListPage, type ListQuery, paginateTable } from "../../core/pagination";
import { tenantRow, tenantScope } from "../../core/tenancy";
import { type AssetCode, chainByKey, type NetworkName } from "./networks";
import type { CryptoDeposit } from "./schemas";
import { type CryptoDepositRow, type CryptoDepositStatus, cryptoDeposits } from "./tables";
import { formatUnits } from "./value";

export function toCryptoDeposit(row: CryptoDepositRow): CryptoDeposit {
  const chain = chainByKey(row.chain);
  if (!chain) throw new Error(`unknown chain ${row.chain}`);
  return {
    id: row.id,
    object: "crypto_deposit",
    environment: row.environment,
    status: row.status,
    address: row.addressId,
    customer: row.customerId,
    network: row.network as NetworkName,
    chain: { key: chain.key, id: chain.chain.id, name: chain.chain.name },
    asset: row.asset as AssetCode,
    contract: row.tokenContract,
    amount: row.amount,
    amount_decimal: formatUnits(BigInt(row.amount), row.decimals),
    decimals: row.decimals,
    from: row.fromAddress,
    to: row.toAddress,
    transaction_hash: row.txHash,
    log_index: row.logIndex,
    block_number: row.blockNumber,
    block_hash: row.blockHash,
    confirmations: row.confirmations,
    required_confirmations: row.requiredConfirmations,
    fiat_amount: row.fiatAmount,
    fiat_currency: row.fiatCurrency,
    rate: row.rate,
    confirmed_at: row.confirmedAt?.toISOString() ?? null,
    credited_at: row.creditedAt?.toISOString() ?? null,
    dropped_at: row.droppedAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export async function retrieveCryptoDeposit({ ctx, id }: { ctx: ServiceContext; id: string }) {
  const [row] = await ctx.services.db
    .select()
    .from(cryptoDeposits)
    .where(tenantRow(cryptoDeposits, ctx, id))
    .limit(1);
  if (!row) throw notFound("crypto deposit", id);
  return toCryptoDeposit(row);
}

export async function listCryptoDeposits({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListQuery & {
    customer?: string | undefined;
    address?: string | undefined;
    status?: CryptoDepositStatus | undefined;
  };
}): Promise<ListPage<CryptoDeposit>> {
  const filters = tenantScope(cryptoDeposits, ctx);
  if (query.customer) filters.push(eq(cryptoDeposits.customerId, query.customer));
  if (query.address) filters.push(eq(cryptoDeposits.addressId, query.address));
  if (query.status) filters.push(eq(cryptoDeposits.status, query.status));
  const page = await paginateTable({
    db: ctx.services.db,
    table: cryptoDeposits,
    scope: filters,
    tenantScope: tenantScope(cryptoDeposits, ctx),
    query,
  });
  return { data: page.data.map(toCryptoDeposit), hasMore: page.hasMore };
}
