import { eq } from "drizzle-orm";
import { changeApplied, runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError, notFound } from "../../core/errors";
import { type ListPage, paginateTable } from "../../core/pagination";
import type { StatusDocument } from "../../core/status";
import { tenantRow, tenantScope } from "../../core/tenancy";
import { toBankTransfer } from "./rows";
import type { BankTransfer, ListBankTransfersQuery } from "./schemas";
import { type BankTransferRow, bankTransfers } from "./tables";
import { bankTransferChangeStatement } from "./transitions";

export { runBankTransferBatch } from "./batch";
export { createBankTransfer } from "./create";

async function findBankTransfer(ctx: ServiceContext, id: string): Promise<BankTransferRow | undefined> {
  const [row] = await ctx.services.db
    .select()
    .from(bankTransfers)
    .where(tenantRow(bankTransfers, ctx, id))
    .limit(1);
  return row;
}

async function loadBankTransfer(ctx: ServiceContext, id: string): Promise<BankTransferRow> {
  const row = await findBankTransfer(ctx, id);
  if (!row) throw notFound("bank transfer", id);
  return row;
}

export async function retrieveBankTransfer({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<BankTransfer> {
  return toBankTransfer(await loadBankTransfer(ctx, id));
}

export async function listBankTransfers({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListBankTransfersQuery;
}): Promise<ListPage<BankTransfer>> {
  const filters = tenantScope(bankTransfers, ctx);
  if (query.status) filters.push(eq(bankTransfers.status, query.status));
  if (query.direction) filters.push(eq(bankTransfers.direction, query.direction));
  if (query.bank_account) filters.push(eq(bankTransfers.bankAccountId, query.bank_account));
  const page = await paginateTable({
    db: ctx.services.db,
    table: bankTransfers,
    scope: filters,
    tenantScope: tenantScope(bankTransfers, ctx),
    query,
  });
  return { data: page.data.map(toBankTransfer), hasMore: page.hasMore };
}

function notCancelable(row: BankTransferRow): ApiError {
  return new ApiError("bank_transfer_not_cancelable", {
    message: `This bank transfer is ${row.status}; only pending transfers (not yet submitted to the rail) can be canceled.`,
  });
}

/**
 * Cancels a pending transfer: one compare-and-set statement with, for a push, the release of its
 * reservation, and `bank_transfer.canceled`, so a cancel racing the batch's submission wins or
 * loses whole.
 */
export async function cancelBankTransfer({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<BankTransfer> {
  const before = await loadBankTransfer(ctx, id);
  if (before.status !== "pending") throw notCancelable(before);
  const change = bankTransferChangeStatement(ctx, before, {
    to: "canceled",
    from: ["pending"],
    values: { canceledAt: ctx.services.clock.now() },
    event: "bank_transfer.canceled",
    ledger: before.direction === "push" ? "released" : null,
  });
  const transfer = toBankTransfer(change.row);
  const [result] = await runBatch(ctx.services, [ctx.services.db.execute(change.statement)], {
    response: transfer,
  });
  if (changeApplied(result)) return transfer;
  throw notCancelable(await loadBankTransfer(ctx, id));
}

/** The polling document of /status/bank-transfers/{id} and /status/bt_…. */
export async function bankTransferStatus({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<StatusDocument | undefined> {
  const row = await findBankTransfer(ctx, id);
  if (!row) return undefined;
  const steps: Array<[string, Date | null]> = [
    ["pending", row.createdAt],
    ["submitted", row.submittedAt],
    ["settled", row.settledAt],
    ["canceled", row.canceledAt],
    ["failed", row.failedAt],
    ["returned", row.returnedAt],
  ];
  return {
    id: row.id,
    object: "bank_transfer",
    status: row.status,
    amount: row.amount,
    currency: row.currency,
    updated_at: row.updatedAt.toISOString(),
    timeline: steps.flatMap(([status, at]) => (at ? [{ status, at: at.toISOString() }] : [])),
  };
}
