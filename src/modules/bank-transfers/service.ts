import { eq } from "drizzle-orm";
import { changeApplied, runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError, notFound } from "../../core/errors";
import { type ListPage, paginateTable } from "../../core/pagination";
import {
  type Rail,
  type ReturnCode,
  railOf,
  railReturnCodes,
  railToday,
  returnCodeDescriptions,
  returnDeadlineOn,
} from "../../core/rails";
import type { StatusDocument } from "../../core/status";
import { tenantRow, tenantScope } from "../../core/tenancy";
import { testClockTime } from "../test-clocks/service";
import { toBankTransfer } from "./rows";
import type { BankTransfer, ListBankTransfersQuery, ReturnBankTransferInput } from "./schemas";
import { type BankTransferRow, bankTransfers } from "./tables";
import {
  type BankTransferChange,
  bankTransferChangeStatement,
  failedAtArrival,
  type RailReason,
  returnedAfterSettlement,
} from "./transitions";

export { releaseClockBankTransfers, runBankTransferBatch, runClockBankTransfers } from "./batch";
export { createBankTransfer } from "./create";
export { transferCharges } from "./fees";

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

function notReturnable(message: string): ApiError {
  return new ApiError("bank_transfer_not_returnable", { message });
}

/**
 * What the receiving bank's return does to the transfer in its state: a submitted one fails with the
 * code (as rejected at arrival), a settled one is returned while the code's window is open.
 */
function returnChange(
  ctx: ServiceContext,
  row: BankTransferRow,
  rail: Rail,
  reason: RailReason & { code: ReturnCode },
): BankTransferChange {
  const now = ctx.services.clock.now();
  if (row.status === "submitted") return failedAtArrival(ctx, row, reason, now);
  if (row.status !== "settled") {
    throw notReturnable(
      `This bank transfer is ${row.status}; only submitted or settled transfers can be returned.`,
    );
  }
  if (rail.returnWindowDays === 0) throw notReturnable(`${rail.id} payments are final once paid.`);
  const direction = row.direction === "pull" ? "debit" : "credit";
  const deadline = returnDeadlineOn(rail, { direction, arrivalDate: row.arrivalDate }, reason.code);
  if (railToday(rail, now) > deadline) {
    throw notReturnable(`${reason.code} returns of this transfer had to come by ${deadline} (${rail.id}).`);
  }
  return returnedAfterSettlement(ctx, row, reason, now);
}

/**
 * The context a return is dated in: a transfer still on a test clock (submitted or settled) is
 * returned at its clock's time, one more read; any other at the services clock's.
 */
async function returnContext(ctx: ServiceContext, row: BankTransferRow): Promise<ServiceContext> {
  const open = row.status === "submitted" || row.status === "settled";
  if (!open || row.testClockId === null) return ctx;
  const at = await testClockTime(ctx, row.testClockId);
  return { ...ctx, services: { ...ctx.services, clock: { now: () => at } } };
}

/**
 * Sandbox: the receiving bank returns a transfer now (a clock's transfer at its clock's time), through the batch's own changes (transitions.ts),
 * so the ledger and the events are the simulator's: one compare-and-set statement that races the
 * batch whole. A code the rail does not carry is `return_code_invalid`; a state or window that allows
 * no return, `bank_transfer_not_returnable`.
 */
export async function returnBankTransfer({
  ctx,
  id,
  input,
}: {
  ctx: ServiceContext;
  id: string;
  input: ReturnBankTransferInput;
}): Promise<BankTransfer> {
  const before = await loadBankTransfer(ctx, id);
  const rail = railOf(before);
  const codes = railReturnCodes(rail);
  const code = codes.find((known) => known === input.code);
  if (!code) {
    throw new ApiError("return_code_invalid", {
      param: "code",
      message: codes.length
        ? `${rail.id} returns with ${codes.join(", ")}.`
        : `${rail.id} carries no return codes in the sandbox.`,
    });
  }
  const change = returnChange(await returnContext(ctx, before), before, rail, {
    code,
    message: returnCodeDescriptions[code],
  });
  const transfer = toBankTransfer(change.row);
  const [result] = await runBatch(ctx.services, [ctx.services.db.execute(change.statement)], {
    response: transfer,
  });
  if (changeApplied(result)) return transfer;
  const after = await loadBankTransfer(ctx, id);
  throw notReturnable(`This bank transfer became ${after.status} meanwhile; retry to return it from there.`);
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
