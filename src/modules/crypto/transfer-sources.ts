import { and, eq, isNull, or, type SQL, sql } from "drizzle-orm";
import type { ServiceContext, Services } from "../../core/context";
import { type Tenant, tenantRow } from "../../core/tenancy";
import { availableChain } from "./catalog";
import type { NetworkName } from "./networks";
import { hotWallet } from "./signer";
import {
  type CryptoTransferRow,
  type CryptoTransferStatus,
  cryptoAddresses,
  cryptoTransfers,
} from "./tables";
import { canceledStatement } from "./transfer-changes";

/** What another module's object (a payout) follows of the transfer it created. */
export interface TransferProgress {
  id: string;
  status: CryptoTransferStatus;
  /** Taken when the transfer is signed for the network: from then on it may be on chain. */
  nonce: number | null;
  broadcastAt: Date | null;
  finalizedAt: Date | null;
  failedAt: Date | null;
  failureReason: string | null;
}

/**
 * The progress of the transfers other objects reference (`cryptoTransferId`), each read within its
 * owner's tenant: one read, by id.
 */
export async function transferProgress(
  services: Services,
  owners: ReadonlyArray<Tenant & { cryptoTransferId: string | null }>,
): Promise<Map<string, TransferProgress>> {
  const scoped = owners.flatMap((owner) =>
    owner.cryptoTransferId === null ? [] : [tenantRow(cryptoTransfers, owner, owner.cryptoTransferId)],
  );
  if (scoped.length === 0) return new Map();
  const rows = await services.db
    .select({
      id: cryptoTransfers.id,
      status: cryptoTransfers.status,
      nonce: cryptoTransfers.nonce,
      broadcastAt: cryptoTransfers.broadcastAt,
      finalizedAt: cryptoTransfers.finalizedAt,
      failedAt: cryptoTransfers.failedAt,
      failureReason: cryptoTransfers.failureReason,
    })
    .from(cryptoTransfers)
    .where(or(...scoped));
  return new Map(rows.map((row) => [row.id, row]));
}

/**
 * Cancels the tenant's transfer `id` if nothing was sent for it yet (pending, no nonce), for the
 * object that created it: the statement (failed, the reservation released, `crypto.transfer.failed`)
 * and a condition that holds, later in the same transaction, only if it applied. Undefined when the
 * transfer is already past that point.
 */
export async function unsentTransferCancel(
  ctx: ServiceContext,
  id: string,
  failureReason: string,
): Promise<{ statement: SQL; canceled: SQL } | undefined> {
  const [row]: CryptoTransferRow[] = await ctx.services.db
    .select()
    .from(cryptoTransfers)
    .where(tenantRow(cryptoTransfers, ctx, id))
    .limit(1);
  if (row?.status !== "pending" || row.nonce !== null) return undefined;
  const { statement } = canceledStatement(ctx, row, failureReason);
  const canceled = sql`exists (select 1 from ${cryptoTransfers} where ${and(
    tenantRow(cryptoTransfers, ctx, id),
    eq(cryptoTransfers.status, "failed"),
    isNull(cryptoTransfers.nonce),
    eq(cryptoTransfers.failureReason, failureReason),
  )})`;
  return { statement, canceled };
}

/**
 * Whether `address` is the platform's own on the network: the hot wallet that would send, or any
 * deposit address (every merchant's: they are all the platform's custody). Sending there would move
 * nothing out. An unavailable network answers false: preparing the transfer refuses it.
 */
export async function isPlatformAddress(
  ctx: ServiceContext,
  input: { network: NetworkName; address: string },
): Promise<boolean> {
  const chain = availableChain(ctx.services.config, input.network, ctx.environment);
  if (!chain) return false;
  if (hotWallet(ctx.services.config, chain).address === input.address) return true;
  const [deposit] = await ctx.services.db
    .select({ id: cryptoAddresses.id })
    .from(cryptoAddresses)
    .where(and(eq(cryptoAddresses.chain, chain.key), eq(cryptoAddresses.address, input.address)))
    .limit(1);
  return deposit !== undefined;
}
