import { and, eq, sql } from "drizzle-orm";
import { getAddress } from "viem";
import { runBatch } from "../../core/batch";
import type { Config } from "../../core/config";
import type { ServiceContext } from "../../core/context";
import { databaseErrorCode } from "../../core/db";
import { raisedRefusal } from "../../core/db-errors";
import { ApiError, type ErrorCode, notFound } from "../../core/errors";
import { changeStatement, gatedChangeMembers } from "../../core/events";
import { newId } from "../../core/ids";
import { type ListPage, type ListQuery, paginateTable } from "../../core/pagination";
import { tenantRow, tenantScope } from "../../core/tenancy";
import { countryOf, customerAddressQuery } from "../customers/service";
import { assetOn, requireChainAsset } from "./catalog";
import { deriveDepositAddress, paymentUri } from "./derive";
import { chainByKey, type NetworkName } from "./networks";
import type { CreateCryptoAddressInput, CryptoAddress } from "./schemas";
import { type AssetRequest, type CryptoAddressRow, cryptoAddresses, cryptoDerivationIndex } from "./tables";
import { toBaseUnits } from "./value";

export function toCryptoAddress(config: Config, row: CryptoAddressRow): CryptoAddress {
  const chain = chainByKey(row.chain);
  if (!chain) throw new Error(`unknown chain ${row.chain}`);
  const assets = row.assets.flatMap((request) => {
    const asset = assetOn(config, chain, request.asset);
    if (!asset) return [];
    const uri = paymentUri({
      to: row.address,
      chainId: chain.chain.id,
      contract: asset.contract,
      amount: request.amount === null ? null : BigInt(request.amount),
    });
    return [
      {
        asset: asset.asset,
        symbol: asset.symbol,
        contract: asset.contract,
        decimals: asset.decimals,
        amount: request.amount,
        payment_uri: uri,
        qr_data: uri,
      },
    ];
  });
  return {
    id: row.id,
    object: "crypto_address",
    environment: row.environment,
    customer: row.customerId,
    network: row.network as NetworkName,
    chain: { key: chain.key, id: chain.chain.id, name: chain.chain.name },
    address: row.address,
    derivation_index: row.derivationIndex,
    assets,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** The validated request: chain, asset and amount checked against the catalog before any I/O. */
function checkRequest(ctx: ServiceContext, input: CreateCryptoAddressInput) {
  const { config } = ctx.services;
  const { chain, asset } = requireChainAsset(ctx, input);
  let amount: string | null = null;
  if (input.amount !== undefined) {
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
    amount = units.toString();
  }
  if (!config.CRYPTO_XPUB) throw new ApiError("crypto_not_configured");
  const request: AssetRequest = { asset: asset.asset, amount };
  return { chain, xpub: config.CRYPTO_XPUB, request };
}

/** The refusal an asset request raises when the address's requests changed since they were read. */
const ADDRESS_CHANGED: ErrorCode = "resource_conflict";

/** The address's requests with `request` in place of any earlier one for the same asset. */
function withRequest(assets: AssetRequest[], request: AssetRequest): AssetRequest[] {
  return [...assets.filter((entry) => entry.asset !== request.asset), request];
}

/**
 * One address per customer and network: the first request derives it from the next index of the
 * shared sequence; later ones (any asset) return it, recording the asset's payment request.
 */
export async function createCryptoAddress({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateCryptoAddressInput;
}): Promise<CryptoAddress> {
  const { chain, xpub, request } = checkRequest(ctx, input);
  const { db, config } = ctx.services;
  const [customerRows, existingRows, indexRows] = await db.batch([
    customerAddressQuery({ ctx, id: input.customer }),
    db
      .select()
      .from(cryptoAddresses)
      .where(
        and(
          ...tenantScope(cryptoAddresses, ctx),
          eq(cryptoAddresses.customerId, input.customer),
          eq(cryptoAddresses.network, input.network),
        ),
      )
      .limit(1),
    db.execute<{ index: string }>(sql`select nextval(${cryptoDerivationIndex.seqName}) as index`),
  ]);
  countryOf(customerRows, input.customer, "customer");
  const now = ctx.services.clock.now();
  const [existing] = existingRows;
  if (existing) {
    const asked = existing.assets.some(
      (entry) => entry.asset === request.asset && entry.amount === request.amount,
    );
    if (asked) {
      const address = toCryptoAddress(config, existing);
      // Nothing to write, but a request with an Idempotency-Key still claims it and stores the answer.
      await runBatch(ctx.services, [], { response: address });
      return address;
    }
    const row = { ...existing, assets: withRequest(existing.assets, request), updatedAt: now };
    const address = toCryptoAddress(config, row);
    // Compare-and-set on the requests read: a concurrent request for another asset changed them
    // first, so this one reads them again rather than write over it (the batch rolls back, claim too).
    const update = db
      .update(cryptoAddresses)
      .set({ assets: row.assets, updatedAt: now })
      .where(
        and(
          eq(cryptoAddresses.id, existing.id),
          sql`${cryptoAddresses.assets} = ${JSON.stringify(existing.assets)}::jsonb`,
        ),
      )
      .returning({ id: cryptoAddresses.id });
    const change = gatedChangeMembers(
      ctx,
      {
        type: "crypto_address.updated",
        object: address,
        previousAttributes: { assets: toCryptoAddress(config, existing).assets },
      },
      "updated",
      "change",
    );
    try {
      await runBatch(
        ctx.services,
        [
          db.execute(
            sql`with updated as ${update}, ${change}
              select billing_require(exists (select 1 from updated), ${ADDRESS_CHANGED})`,
          ),
        ],
        { response: address },
      );
    } catch (error) {
      if (raisedRefusal(error) !== ADDRESS_CHANGED) throw error;
      return createCryptoAddress({ ctx, input });
    }
    return address;
  }
  const index = Number(indexRows.rows[0]?.index);
  const row: CryptoAddressRow = {
    id: newId("cryptoAddress"),
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    customerId: input.customer,
    network: input.network,
    chain: chain.key,
    address: deriveDepositAddress(xpub, index),
    derivationIndex: index,
    assets: [request],
    metadata: {},
    createdAt: now,
    updatedAt: now,
  };
  const address = toCryptoAddress(config, row);
  try {
    await runBatch(
      ctx.services,
      [
        db.insert(cryptoAddresses).values(row),
        db.execute(changeStatement(ctx, { type: "crypto_address.created", object: address })),
      ],
      { response: address },
    );
  } catch (error) {
    // A concurrent request made this customer's address on this network first: answer with it.
    if (databaseErrorCode(error) !== "23505") throw error;
    return createCryptoAddress({ ctx, input });
  }
  return address;
}

export async function retrieveCryptoAddress({ ctx, id }: { ctx: ServiceContext; id: string }) {
  const [row] = await ctx.services.db
    .select()
    .from(cryptoAddresses)
    .where(tenantRow(cryptoAddresses, ctx, id))
    .limit(1);
  if (!row) throw notFound("crypto address", id);
  return toCryptoAddress(ctx.services.config, row);
}

export async function listCryptoAddresses({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListQuery & {
    customer?: string | undefined;
    network?: NetworkName | undefined;
    address?: string | undefined;
  };
}): Promise<ListPage<CryptoAddress>> {
  const filters = tenantScope(cryptoAddresses, ctx);
  if (query.customer) filters.push(eq(cryptoAddresses.customerId, query.customer));
  if (query.network) filters.push(eq(cryptoAddresses.network, query.network));
  if (query.address) filters.push(eq(cryptoAddresses.address, getAddress(query.address)));
  const page = await paginateTable({
    db: ctx.services.db,
    table: cryptoAddresses,
    scope: filters,
    tenantScope: tenantScope(cryptoAddresses, ctx),
    query,
  });
  return { data: page.data.map((row) => toCryptoAddress(ctx.services.config, row)), hasMore: page.hasMore };
}
