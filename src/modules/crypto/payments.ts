import { eq } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { databaseErrorCode } from "../../core/db";
import { ApiError, notFound } from "../../core/errors";
import { changeStatement } from "../../core/events";
import { newId } from "../../core/ids";
import { type ListPage, type ListQuery, paginateTable } from "../../core/pagination";
import { tenantRow, tenantScope } from "../../core/tenancy";
import { createCryptoAddress } from "./addresses";
import { assetOn, availableChain } from "./catalog";
import { paymentUri } from "./derive";
import { type AssetCode, chainByKey, type NetworkName } from "./networks";
import type { CreateCryptoPaymentInput, CryptoPayment } from "./schemas";
import { type CryptoPaymentRow, type CryptoPaymentStatus, cryptoPayments } from "./tables";
import { formatUnits, toBaseUnits } from "./value";

const DEFAULT_EXPIRY_SECONDS = 3_600;

export function toCryptoPayment(row: CryptoPaymentRow): CryptoPayment {
  const chain = chainByKey(row.chain);
  if (!chain) throw new Error(`unknown chain ${row.chain}`);
  const due = BigInt(row.amountDue);
  const remaining = due > BigInt(row.amountReceived) ? due - BigInt(row.amountReceived) : 0n;
  const uri = paymentUri({
    to: row.address,
    chainId: chain.chain.id,
    contract: row.tokenContract,
    amount: remaining > 0n ? remaining : due,
  });
  return {
    id: row.id,
    object: "crypto_payment",
    environment: row.environment,
    status: row.status,
    customer: row.customerId,
    crypto_address: row.addressId,
    address: row.address,
    network: row.network as NetworkName,
    chain: { key: chain.key, id: chain.chain.id, name: chain.chain.name },
    asset: row.asset as AssetCode,
    contract: row.tokenContract,
    decimals: row.decimals,
    amount_due: row.amountDue,
    amount_due_decimal: formatUnits(due, row.decimals),
    amount_received: row.amountReceived,
    amount_remaining: remaining.toString(),
    overpaid_amount: row.overpaidAmount,
    fiat_amount: row.fiatAmount,
    fiat_currency: "USD",
    deposits: row.depositIds,
    payment_uri: uri,
    qr_data: uri,
    description: row.description,
    metadata: row.metadata,
    expires_at: row.expiresAt.toISOString(),
    completed_at: row.completedAt?.toISOString() ?? null,
    expired_at: row.expiredAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** The amount due in base units: positive, never finer than the asset (checked before any I/O). */
function amountDue(ctx: ServiceContext, input: CreateCryptoPaymentInput): bigint {
  const chain = availableChain(ctx.services.config, input.network, ctx.environment);
  const asset = chain && assetOn(ctx.services.config, chain, input.asset);
  // An unavailable network or asset is refused by the address step with its own code.
  if (!asset) return 0n;
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
  return units;
}

/**
 * A payment request on the customer's deposit address for the network (made the first time, as
 * POST /crypto/addresses does). One open payment per address and asset: a second is
 * `409 resource_conflict` until the first completes or expires.
 */
export async function createCryptoPayment({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateCryptoPaymentInput;
}): Promise<CryptoPayment> {
  const due = amountDue(ctx, input);
  const address = await createCryptoAddress({
    ctx,
    input: { customer: input.customer, network: input.network, asset: input.asset },
  });
  const target = address.assets.find((entry) => entry.asset === input.asset);
  if (!target) throw new Error(`address ${address.id} lacks ${input.asset}`);
  const now = ctx.services.clock.now();
  const row: CryptoPaymentRow = {
    id: newId("cryptoPayment"),
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    customerId: input.customer,
    addressId: address.id,
    address: address.address,
    network: input.network,
    chain: address.chain.key,
    asset: input.asset,
    tokenContract: target.contract,
    decimals: target.decimals,
    amountDue: due.toString(),
    amountReceived: "0",
    overpaidAmount: null,
    fiatAmount: 0,
    depositIds: [],
    status: "open",
    description: input.description ?? null,
    metadata: input.metadata ?? {},
    expiresAt: new Date(now.getTime() + (input.expires_in ?? DEFAULT_EXPIRY_SECONDS) * 1000),
    completedAt: null,
    expiredAt: null,
    createdAt: now,
    updatedAt: now,
  };
  const payment = toCryptoPayment(row);
  try {
    await runBatch(ctx.services, [
      ctx.services.db.insert(cryptoPayments).values(row),
      ctx.services.db.execute(changeStatement(ctx, { type: "crypto.payment.created", object: payment })),
    ]);
  } catch (error) {
    if (databaseErrorCode(error) !== "23505") throw error;
    throw new ApiError("resource_conflict", {
      param: "asset",
      message: `This customer already has an open ${input.asset} payment on ${input.network}; it must complete or expire first.`,
    });
  }
  return payment;
}

export async function retrieveCryptoPayment({ ctx, id }: { ctx: ServiceContext; id: string }) {
  const [row] = await ctx.services.db
    .select()
    .from(cryptoPayments)
    .where(tenantRow(cryptoPayments, ctx, id))
    .limit(1);
  if (!row) throw notFound("crypto payment", id);
  return toCryptoPayment(row);
}

export async function listCryptoPayments({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListQuery & { customer?: string | undefined; status?: CryptoPaymentStatus | undefined };
}): Promise<ListPage<CryptoPayment>> {
  const filters = tenantScope(cryptoPayments, ctx);
  if (query.customer) filters.push(eq(cryptoPayments.customerId, query.customer));
  if (query.status) filters.push(eq(cryptoPayments.status, query.status));
  const page = await paginateTable({
    db: ctx.services.db,
    table: cryptoPayments,
    scope: filters,
    tenantScope: tenantScope(cryptoPayments, ctx),
    query,
  });
  return { data: page.data.map(toCryptoPayment), hasMore: page.hasMore };
}
