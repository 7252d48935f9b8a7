import { eq, isNull, or } from "drizzle-orm";
import { changeApplied, runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError, notFound } from "../../core/errors";
import type { ListPage } from "../../core/pagination";
import { paginateTable } from "../../core/pagination";
import type { StatusDocument } from "../../core/status";
import { tenantRow, tenantScope } from "../../core/tenancy";
import { unsentTransferCancel } from "../crypto/service";
import { toPayout } from "./rows";
import type { ListPayoutsQuery, Payout } from "./schemas";
import { type PayoutRow, payouts } from "./tables";
import { payoutChangeStatement } from "./transitions";

export { type AutomaticPayoutResult, runAutomaticPayouts } from "./automatic";
export { releaseClockPayouts, runClockPayouts, runPayoutBatch } from "./batch";
export { createPayout, payoutFee } from "./create";
export { toPayout } from "./rows";
export { retrievePayoutSchedule, updatePayoutSchedule } from "./schedule";

async function findPayout(ctx: ServiceContext, id: string): Promise<PayoutRow | undefined> {
  const [row] = await ctx.services.db
    .select()
    .from(payouts)
    .where(tenantRow(payouts, ctx, id))
    .limit(1);
  return row;
}

async function loadPayout(ctx: ServiceContext, id: string): Promise<PayoutRow> {
  const row = await findPayout(ctx, id);
  if (!row) throw notFound("payout", id);
  return row;
}

export async function retrievePayout({ ctx, id }: { ctx: ServiceContext; id: string }): Promise<Payout> {
  return toPayout(await loadPayout(ctx, id));
}

export async function listPayouts({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListPayoutsQuery;
}): Promise<ListPage<Payout>> {
  const filters = tenantScope(payouts, ctx);
  if (query.status) filters.push(eq(payouts.status, query.status));
  if (query.destination) {
    const destination = or(
      eq(payouts.bankAccountId, query.destination),
      eq(payouts.cryptoAddress, query.destination),
    );
    if (destination) filters.push(destination);
  }
  const page = await paginateTable({
    db: ctx.services.db,
    table: payouts,
    scope: filters,
    tenantScope: tenantScope(payouts, ctx),
    query,
  });
  return { data: page.data.map(toPayout), hasMore: page.hasMore };
}

function notCancelable(row: PayoutRow): ApiError {
  const state = row.status === "pending" && row.railClaimedAt ? "being submitted to the bank" : row.status;
  return new ApiError("payout_not_cancelable", {
    message: `This payout is ${state}; only pending payouts (not yet submitted to the rail) can be canceled.`,
  });
}

/**
 * Cancels a pending payout and releases its funds: one compare-and-set statement with the release
 * posting and `payout.canceled`, so a cancel racing the batch's submission wins or loses whole.
 */
export async function cancelPayout({ ctx, id }: { ctx: ServiceContext; id: string }): Promise<Payout> {
  const before = await loadPayout(ctx, id);
  if (before.status !== "pending" || before.railClaimedAt) throw notCancelable(before);
  if (before.cryptoTransferId !== null) return cancelCryptoPayout(ctx, before, before.cryptoTransferId);
  const change = payoutChangeStatement(ctx, before, {
    to: "canceled",
    from: ["pending"],
    values: { canceledAt: ctx.services.clock.now() },
    event: "payout.canceled",
    release: true,
    // Production: once payout-batch took it for the provider, the provider may already have it.
    guard: isNull(payouts.railClaimedAt),
  });
  const payout = toPayout(change.row);
  const [result] = await runBatch(ctx.services, [ctx.services.db.execute(change.statement)], {
    response: payout,
  });
  if (changeApplied(result)) return payout;
  throw notCancelable(await loadPayout(ctx, id));
}

/**
 * A wallet payout is canceled only while its transfer sent nothing (pending, no nonce taken): one
 * batch cancels the transfer (its reservation released, the only one) and then the payout, gated on
 * the transfer's cancel having applied, so a cancel racing crypto-transfer-track's nonce either stops
 * the send whole or refuses.
 */
async function cancelCryptoPayout(
  ctx: ServiceContext,
  before: PayoutRow,
  transferId: string,
): Promise<Payout> {
  const transfer = await unsentTransferCancel(ctx, transferId, `Canceled with payout ${before.id}.`);
  if (!transfer) throw notCanceledAfterSend(before);
  const change = payoutChangeStatement(ctx, before, {
    to: "canceled",
    from: ["pending"],
    values: { canceledAt: ctx.services.clock.now() },
    event: "payout.canceled",
    release: false,
    guard: transfer.canceled,
  });
  const payout = toPayout(change.row);
  const { db } = ctx.services;
  const [, result] = await runBatch(
    ctx.services,
    [db.execute(transfer.statement), db.execute(change.statement)],
    {
      response: payout,
    },
  );
  if (changeApplied(result)) return payout;
  throw notCanceledAfterSend(await loadPayout(ctx, before.id));
}

function notCanceledAfterSend(row: PayoutRow): ApiError {
  return new ApiError("payout_not_cancelable", {
    message: `This payout is ${row.status} and its crypto transfer has been handed to the network; only a payout whose transfer nothing was sent for can be canceled.`,
  });
}

/** The polling document of /status/payouts/{id} and /status/po_…. */
export async function payoutStatus({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<StatusDocument | undefined> {
  const row = await findPayout(ctx, id);
  if (!row) return undefined;
  const steps: Array<[string, Date | null]> = [
    ["pending", row.createdAt],
    ["in_transit", row.submittedAt],
    ["paid", row.paidAt],
    ["canceled", row.canceledAt],
    ["failed", row.failedAt],
  ];
  return {
    id: row.id,
    object: "payout",
    status: row.status,
    amount: row.amount,
    currency: row.currency,
    updated_at: row.updatedAt.toISOString(),
    timeline: steps.flatMap(([status, at]) => (at ? [{ status, at: at.toISOString() }] : [])),
  };
}
