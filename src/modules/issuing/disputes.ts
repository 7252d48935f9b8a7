import { and, eq, sql } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError, notFound } from "../../core/errors";
import { previousAttributes } from "../../core/events";
import { newId } from "../../core/ids";
import { type ListPage, type ListQuery, paginateTable } from "../../core/pagination";
import { tenantRow, tenantScope } from "../../core/tenancy";
import type { CreateDisputeInput, IssuingDispute, UpdateDisputeInput } from "./dispute-schemas";
import { guardedUpdateStatement, lockCardStatement, matched, preparePosting, whenMatched } from "./guarded";
import {
  type DisputeEvidenceColumn,
  type DisputeRow,
  type DisputeStatus,
  type IssuingTransactionRow,
  issuingCards,
  issuingDisputes,
  issuingTransactions,
} from "./tables";
import { cardPosting, clearing } from "./transaction-rows";
import { captureWithCard, refundAccount } from "./transactions";

/** How long after a capture the cardholder may dispute it (the common card-network limit). */
export const DISPUTE_WINDOW_DAYS = 110;
const DAY_MS = 24 * 60 * 60 * 1000;

export function toDispute(row: DisputeRow): IssuingDispute {
  return {
    id: row.id,
    object: "issuing_dispute",
    environment: row.environment,
    transaction: row.transactionId,
    card: row.cardId,
    status: row.status,
    reason: row.reason,
    amount: row.amount,
    currency: row.currency,
    evidence: row.evidence,
    ledger_transaction: row.ledgerTransactionId,
    metadata: row.metadata,
    submitted_at: row.submittedAt?.toISOString() ?? null,
    closed_at: row.closedAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
  };
}

function disputeQuery(ctx: ServiceContext, id: string) {
  return ctx.services.db
    .select()
    .from(issuingDisputes)
    .where(tenantRow(issuingDisputes, ctx, id))
    .limit(1);
}

function foundDispute(rows: DisputeRow[], id: string): DisputeRow {
  const [row] = rows;
  if (!row) throw notFound("issuing dispute", id);
  return row;
}

function requireDisputeStatus(row: DisputeRow, allowed: DisputeStatus, action: string): void {
  if (row.status !== allowed) {
    throw new ApiError("issuing_dispute_status_invalid", {
      message: `Dispute ${row.id} is ${row.status}; only a ${allowed} dispute can be ${action}.`,
    });
  }
}

/** A `duplicate` dispute names the other capture: of the same card, and not the disputed one. */
async function checkOriginalTransaction(
  ctx: ServiceContext,
  capture: IssuingTransactionRow,
  original: string | undefined,
): Promise<void> {
  if (original === undefined) return;
  const invalid = (message: string) =>
    new ApiError("parameter_invalid", { param: "evidence.original_transaction", message });
  if (original === capture.id) throw invalid("The original transaction is the disputed one.");
  const [row] = await ctx.services.db
    .select({ type: issuingTransactions.type, cardId: issuingTransactions.cardId })
    .from(issuingTransactions)
    .where(tenantRow(issuingTransactions, ctx, original))
    .limit(1);
  if (!row) throw notFound("issuing transaction", original, "evidence.original_transaction");
  if (row.type !== "capture" || row.cardId !== capture.cardId) {
    throw invalid(`Transaction ${original} is not a capture of card ${capture.cardId}.`);
  }
}

function mergedEvidence(
  before: DisputeEvidenceColumn,
  input: CreateDisputeInput["evidence"],
): DisputeEvidenceColumn {
  return {
    explanation: input?.explanation ?? before.explanation,
    original_transaction: input?.original_transaction ?? before.original_transaction,
  };
}

/**
 * Opens a dispute on a capture, `unsubmitted`. Its amount is set aside on the capture
 * (`disputed_amount`) in the same statement, by compare-and-set on what was read, so a refund and a
 * dispute can never together give back more than was captured.
 */
export async function createDispute({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateDisputeInput;
}): Promise<IssuingDispute> {
  const { db } = ctx.services;
  const [found, existing] = await db.batch([
    captureWithCard(ctx, input.transaction),
    db
      .select({ id: issuingDisputes.id })
      .from(issuingDisputes)
      .where(eq(issuingDisputes.transactionId, input.transaction))
      .limit(1),
  ]);
  const row = found[0];
  if (!row) throw notFound("issuing transaction", input.transaction, "transaction");
  const { capture, card } = row;
  const now = ctx.services.clock.now();
  const refuse = (message: string) =>
    new ApiError("issuing_dispute_not_allowed", { param: "transaction", message });
  if (capture.type !== "capture")
    throw refuse(`Transaction ${capture.id} is a refund; only captures are disputed.`);
  if (existing[0]) throw refuse(`Transaction ${capture.id} is already disputed (${existing[0].id}).`);
  if (now.getTime() > capture.createdAt.getTime() + DISPUTE_WINDOW_DAYS * DAY_MS) {
    throw refuse(`Transaction ${capture.id} is older than ${DISPUTE_WINDOW_DAYS} days.`);
  }
  const disputable = -capture.amount - capture.refundedAmount - capture.disputedAmount;
  if (disputable <= 0) throw refuse(`Transaction ${capture.id} has been refunded in full.`);
  const amount = input.amount ?? disputable;
  if (amount > disputable) {
    throw new ApiError("amount_invalid", {
      param: "amount",
      message: `At most ${disputable} can be disputed.`,
    });
  }
  await checkOriginalTransaction(ctx, capture, input.evidence?.original_transaction);
  const dispute: DisputeRow = {
    id: newId("issuingDispute"),
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    transactionId: capture.id,
    cardId: card.id,
    status: "unsubmitted",
    reason: input.reason,
    amount,
    currency: capture.currency,
    evidence: mergedEvidence({ explanation: null, original_transaction: null }, input.evidence),
    ledgerTransactionId: null,
    metadata: input.metadata ?? {},
    submittedAt: null,
    closedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  const object = toDispute(dispute);
  const setAside = db
    .update(issuingTransactions)
    .set({ disputedAmount: capture.disputedAmount + amount })
    .where(
      and(
        eq(issuingTransactions.id, capture.id),
        eq(issuingTransactions.refundedAmount, capture.refundedAmount),
        eq(issuingTransactions.disputedAmount, capture.disputedAmount),
      ),
    )
    .returning({ id: issuingTransactions.id });
  const statement = guardedUpdateStatement(ctx, setAside, {
    changes: [{ type: "issuing_dispute.created", object }],
    inserts: [{ table: issuingDisputes, row: dispute }],
  });
  const [, result] = await runBatch(ctx.services, [lockCardStatement(ctx, card.id), db.execute(statement)], {
    response: object,
  });
  if (!matched(result)) {
    throw new ApiError("resource_conflict", { message: "The transaction changed meanwhile; retry." });
  }
  return object;
}

/** Reason, evidence and metadata, while the dispute is `unsubmitted`. */
export async function updateDispute({
  ctx,
  id,
  input,
}: {
  ctx: ServiceContext;
  id: string;
  input: UpdateDisputeInput;
}): Promise<IssuingDispute> {
  const before = foundDispute(await disputeQuery(ctx, id), id);
  requireDisputeStatus(before, "unsubmitted", "updated");
  if (input.evidence?.original_transaction !== undefined) {
    const [capture] = await ctx.services.db
      .select()
      .from(issuingTransactions)
      .where(tenantRow(issuingTransactions, ctx, before.transactionId))
      .limit(1);
    if (capture) await checkOriginalTransaction(ctx, capture, input.evidence.original_transaction);
  }
  const after: DisputeRow = {
    ...before,
    reason: input.reason ?? before.reason,
    evidence: mergedEvidence(before.evidence, input.evidence),
    metadata: input.metadata ?? before.metadata,
    updatedAt: ctx.services.clock.now(),
  };
  return writeDisputeChange(ctx, before, after, "issuing_dispute.updated");
}

/** unsubmitted → submitted, with the evidence the reason needs. */
export async function submitDispute({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<IssuingDispute> {
  const before = foundDispute(await disputeQuery(ctx, id), id);
  requireDisputeStatus(before, "unsubmitted", "submitted");
  if (before.evidence.explanation === null) {
    throw new ApiError("issuing_dispute_evidence_missing", {
      param: "evidence.explanation",
      message: "Give evidence.explanation before submitting.",
    });
  }
  if (before.reason === "duplicate" && before.evidence.original_transaction === null) {
    throw new ApiError("issuing_dispute_evidence_missing", {
      param: "evidence.original_transaction",
      message: "A duplicate dispute names the original transaction.",
    });
  }
  const now = ctx.services.clock.now();
  const after: DisputeRow = { ...before, status: "submitted", submittedAt: now, updatedAt: now };
  return writeDisputeChange(ctx, before, after, "issuing_dispute.submitted");
}

/** One statement: the dispute's compare-and-set on its status and updated_at, and its event. */
async function writeDisputeChange(
  ctx: ServiceContext,
  before: DisputeRow,
  after: DisputeRow,
  type: string,
): Promise<IssuingDispute> {
  const { db } = ctx.services;
  const object = toDispute(after);
  const { updated_at: _ignored, ...changed } = previousAttributes(toDispute(before), object);
  const update = db
    .update(issuingDisputes)
    .set({
      reason: after.reason,
      evidence: after.evidence,
      metadata: after.metadata,
      status: after.status,
      submittedAt: after.submittedAt,
      updatedAt: after.updatedAt,
    })
    .where(disputeUnchanged(before))
    .returning({ id: issuingDisputes.id });
  const statement = guardedUpdateStatement(ctx, update, {
    changes: [{ type, object, previousAttributes: changed }],
  });
  const [result] = await runBatch(ctx.services, [db.execute(statement)], { response: object });
  if (!matched(result))
    throw new ApiError("resource_conflict", { message: "The dispute changed meanwhile; retry." });
  return object;
}

function disputeUnchanged(before: DisputeRow) {
  return and(
    eq(issuingDisputes.id, before.id),
    eq(issuingDisputes.status, before.status),
    eq(issuingDisputes.updatedAt, before.updatedAt),
  );
}

/**
 * Sandbox: the network's decision on a submitted dispute. Won: the amount goes back where a refund
 * would (the card, or the merchant's available once the card is canceled) and counts as refunded on
 * the capture; lost: the capture's disputed amount is freed. Either way, in the dispute's statement.
 */
export async function resolveDispute({
  ctx,
  id,
  outcome,
}: {
  ctx: ServiceContext;
  id: string;
  outcome: "won" | "lost";
}): Promise<IssuingDispute> {
  if (ctx.environment !== "sandbox") throw new ApiError("sandbox_only");
  const { db } = ctx.services;
  const [found] = await db
    .select({ dispute: issuingDisputes, card: issuingCards })
    .from(issuingDisputes)
    .innerJoin(issuingCards, eq(issuingCards.id, issuingDisputes.cardId))
    .where(tenantRow(issuingDisputes, ctx, id))
    .limit(1);
  if (!found) throw notFound("issuing dispute", id);
  const { dispute: before, card } = found;
  requireDisputeStatus(before, "submitted", "resolved");
  const now = ctx.services.clock.now();
  const posting =
    outcome === "won"
      ? preparePosting(
          cardPosting(ctx, `issuing_dispute:${id}:won`, id, `Dispute ${id} won`, [
            { account: clearing(card), amount: -before.amount },
            { account: refundAccount(card), amount: before.amount },
          ]),
        )
      : undefined;
  const after: DisputeRow = {
    ...before,
    status: outcome,
    closedAt: now,
    updatedAt: now,
    ledgerTransactionId: posting?.id ?? null,
  };
  const object = toDispute(after);
  const update = db
    .update(issuingDisputes)
    .set({ status: outcome, closedAt: now, updatedAt: now, ledgerTransactionId: after.ledgerTransactionId })
    .where(disputeUnchanged(before))
    .returning({ id: issuingDisputes.id });
  const refunded = outcome === "won" ? before.amount : 0;
  const release = db
    .update(issuingTransactions)
    .set({
      disputedAmount: sql`${issuingTransactions.disputedAmount} - ${before.amount}`,
      refundedAmount: sql`${issuingTransactions.refundedAmount} + ${refunded}`,
    })
    .where(and(eq(issuingTransactions.id, before.transactionId), whenMatched))
    .returning({ id: issuingTransactions.id });
  const previous = { status: "submitted", closed_at: null, ledger_transaction: null };
  const changes = [{ type: "issuing_dispute.closed", object, previousAttributes: previous }];
  if (posting)
    changes.push({ type: "issuing_dispute.funds_reinstated", object, previousAttributes: previous });
  const statement = guardedUpdateStatement(ctx, update, {
    changes,
    updates: [release],
    ...(posting ? { postings: [posting] } : {}),
  });
  const [, result] = await runBatch(ctx.services, [lockCardStatement(ctx, card.id), db.execute(statement)], {
    response: object,
  });
  if (!matched(result))
    throw new ApiError("resource_conflict", { message: "The dispute changed meanwhile; retry." });
  return object;
}

export async function retrieveDispute({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<IssuingDispute> {
  return toDispute(foundDispute(await disputeQuery(ctx, id), id));
}

export async function listDisputes({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListQuery & { transaction?: string | undefined; status?: DisputeStatus | undefined };
}): Promise<ListPage<IssuingDispute>> {
  const filters = tenantScope(issuingDisputes, ctx);
  if (query.transaction) filters.push(eq(issuingDisputes.transactionId, query.transaction));
  if (query.status) filters.push(eq(issuingDisputes.status, query.status));
  const page = await paginateTable({
    db: ctx.services.db,
    table: issuingDisputes,
    scope: filters,
    tenantScope: tenantScope(issuingDisputes, ctx),
    query,
  });
  return { data: page.data.map(toDispute), hasMore: page.hasMore };
}
