import { and, asc, eq } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { changeStatement } from "../../core/events";
import { tenantScope } from "../../core/tenancy";
import { assetsOf, availableChain, availableChains } from "./catalog";
import type { ChainInfo, NetworkName } from "./networks";
import type { CryptoNetwork } from "./schemas";
import { type CryptoConfirmationTierRow, cryptoConfirmationTiers } from "./tables";

interface Tier {
  min_amount: number;
  confirmations: number;
}

function toCryptoNetwork(ctx: ServiceContext, chain: ChainInfo, tiers: Tier[]): CryptoNetwork {
  return {
    id: chain.network,
    object: "crypto_network",
    network: chain.network,
    chain: { key: chain.key, id: chain.chain.id, name: chain.chain.name },
    native_symbol: chain.nativeSymbol,
    assets: assetsOf(ctx.services.config, chain).map(({ asset, symbol, contract, decimals }) => ({
      asset,
      symbol,
      contract,
      decimals,
    })),
    block_time_ms: chain.blockTimeMs,
    finality: { ...chain.finality },
    confirmation_tiers: tiers,
  };
}

const toTier = (row: CryptoConfirmationTierRow): Tier => ({
  min_amount: row.minAmount,
  confirmations: row.confirmations,
});

export async function listCryptoNetworks({ ctx }: { ctx: ServiceContext }): Promise<CryptoNetwork[]> {
  const rows = await ctx.services.db
    .select()
    .from(cryptoConfirmationTiers)
    .where(and(...tenantScope(cryptoConfirmationTiers, ctx)))
    .orderBy(asc(cryptoConfirmationTiers.minAmount));
  return availableChains(ctx.services.config, ctx.environment).map((chain) =>
    toCryptoNetwork(ctx, chain, rows.filter((row) => row.network === chain.network).map(toTier)),
  );
}

/**
 * Replaces the merchant's confirmation tiers on one network; deposits detected later use them. The
 * change writes `crypto_network.updated` and its audit row in the same batch.
 */
export async function setConfirmationTiers({
  ctx,
  network,
  tiers,
}: {
  ctx: ServiceContext;
  network: NetworkName;
  tiers: Tier[];
}): Promise<CryptoNetwork> {
  const chain = availableChain(ctx.services.config, network, ctx.environment);
  if (!chain) throw new ApiError("crypto_network_unsupported", { param: "network" });
  const sorted = [...tiers].sort((a, b) => a.min_amount - b.min_amount);
  if (new Set(sorted.map((tier) => tier.min_amount)).size !== sorted.length) {
    throw new ApiError("parameter_invalid", {
      param: "tiers",
      message: "Each tier needs its own min_amount.",
    });
  }
  const { db } = ctx.services;
  const now = ctx.services.clock.now();
  const scope = and(
    ...tenantScope(cryptoConfirmationTiers, ctx),
    eq(cryptoConfirmationTiers.network, network),
  );
  const result = toCryptoNetwork(ctx, chain, sorted);
  const rows = sorted.map((tier) => ({
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    network,
    minAmount: tier.min_amount,
    confirmations: tier.confirmations,
    createdAt: now,
  }));
  await runBatch(
    ctx.services,
    [
      db.delete(cryptoConfirmationTiers).where(scope),
      ...rows.map((row) => db.insert(cryptoConfirmationTiers).values(row)),
      db.execute(changeStatement(ctx, { type: "crypto_network.updated", object: result })),
    ],
    { response: result },
  );
  return result;
}

/**
 * The confirmations a deposit worth `usdCents` needs: the merchant's highest tier at or below that
 * value, else the network's default block count.
 */
export function requiredConfirmations(chain: ChainInfo, tiers: Tier[], usdCents: bigint | undefined): number {
  let required = chain.finality.confirmations;
  for (const tier of [...tiers].sort((a, b) => a.min_amount - b.min_amount)) {
    if (usdCents !== undefined && usdCents >= BigInt(tier.min_amount)) required = tier.confirmations;
  }
  return required;
}
