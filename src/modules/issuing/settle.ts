import { and, eq, type SQL, sql } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { changeStatement, previousAttributes } from "../../core/events";
import { newId } from "../../core/ids";
import type { AccountRef, EntryInput, PostingInput } from "../../core/ledger";
import { type ListPage, type ListQuery, paginateTable } from "../../core/pagination";
import type { Authorization, IssuingTransaction } from "./authorization-schemas";
import { authorizationScope, fundingAccount, toAuthorization } from "./authorize";
import { cardQuery, foundCard } from "./cards";
import { categoryOf } from "./controls";
import { guardedUpdateStatement, matched, preparePosting } from "./guarded";
import {
  type AuthorizationRow,
  type CardRow,
  type IssuingTransactionRow,
  type IssuingTransactionType,
  issuingAuthorizations,
  issuingCards,
  issuingTransactions,
  type MerchantDataColumn,
} from "./tables";

export function toIssuingTransaction(row: IssuingTransactionRow): IssuingTransaction {
  return {
    id: row.id,
    object: "issuing_transaction",
    environment: row.environment,
    type: row.type,
    card: row.cardId,
    cardholder: row.cardholderId,
    authorization: row.authorizationId,
    amount: row.amount,
    currency: row.currency,
    merchant_data: row.merchantData,
    ledger_transaction: row.ledgerTransactionId,
    refund_of: row.refundOf,
    refunded_amount: row.refundedAmount,
    created_at: row.createdAt.toISOString(),
  };
}

const clearing = (card: CardRow): AccountRef => ({
  kind: `provider_clearing:${card.provider}`,
  currency: card.currency,
});
const held = (card: CardRow): AccountRef => ({ kind: "card_funding", currency: card.currency });

function posting(
  ctx: ServiceContext,
  source: string,
  sourceObjectId: string,
  description: string,
  entries: EntryInput[],
): PostingInput {
  return {
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    source,
    type: "card_transaction",
    sourceObjectId,
    description,
    entries: entries.filter((entry) => entry.amount !== 0),
    at: ctx.services.clock.now(),
  };
}

function newTransaction(
  ctx: ServiceContext,
  card: CardRow,
  fields: {
    type: IssuingTransactionType;
    amount: number;
    authorizationId: string | null;
    merchantData: MerchantDataColumn;
    ledgerTransactionId: string;
    refundOf?: string;
  },
): IssuingTransactionRow {
  return {
    id: newId("issuingTransaction"),
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    cardId: card.id,
    cardholderId: card.cardholderId,
    authorizationId: fields.authorizationId,
    type: fields.type,
    amount: fields.amount,
    currency: card.currency,
    merchantData: fields.merchantData,
    ledgerTransactionId: fields.ledgerTransactionId,
    refundOf: fields.refundOf ?? null,
    refundedAmount: 0,
    createdAt: ctx.services.clock.now(),
  };
}

async function readPendingAuthorization(
  ctx: ServiceContext,
  id: string,
): Promise<{ auth: AuthorizationRow; card: CardRow }> {
  const [found] = await ctx.services.db
    .select({ auth: issuingAuthorizations, card: issuingCards })
    .from(issuingAuthorizations)
    .innerJoin(issuingCards, eq(issuingCards.id, issuingAuthorizations.cardId))
    .where(and(eq(issuingAuthorizations.id, id), ...authorizationScope(ctx)))
    .limit(1);
  if (!found)
    throw new ApiError("resource_missing", { param: "id", message: `No such authorization: ${id}` });
  if (found.auth.status !== "pending") {
    throw new ApiError("issuing_authorization_status_invalid", {
      message: `Authorization ${id} is ${found.auth.status}.`,
    });
  }
  return found;
}

/** Compare-and-set on the pending amount the decision was made from. */
function authorizationUpdate(ctx: ServiceContext, before: AuthorizationRow, after: AuthorizationRow) {
  return ctx.services.db
    .update(issuingAuthorizations)
    .set({
      status: after.status,
      pendingAmount: after.pendingAmount,
      capturedAmount: after.capturedAmount,
      updatedAt: after.updatedAt,
    })
    .where(
      and(
        eq(issuingAuthorizations.id, before.id),
        eq(issuingAuthorizations.status, "pending"),
        eq(issuingAuthorizations.pendingAmount, before.pendingAmount),
      ),
    )
    .returning({ id: issuingAuthorizations.id });
}

function authorizationChange(before: AuthorizationRow, after: AuthorizationRow) {
  const { updated_at: _ignored, ...changed } = previousAttributes(
    toAuthorization(before),
    toAuthorization(after),
  );
  return {
    type: "issuing_authorization.updated",
    object: toAuthorization(after),
    previousAttributes: changed,
  };
}

const lostRace = () =>
  new ApiError("issuing_authorization_status_invalid", {
    message: "The authorization changed meanwhile; read it again.",
  });

/**
 * Captures an authorization: the hold goes to the provider's clearing account; a smaller capture
 * releases the rest to the funding balance, a larger one takes the difference from it.
 */
export async function captureAuthorization({
  ctx,
  id,
  amount,
}: {
  ctx: ServiceContext;
  id: string;
  amount?: number | undefined;
}): Promise<IssuingTransaction> {
  const { auth, card } = await readPendingAuthorization(ctx, id);
  const captured = amount ?? auth.pendingAmount;
  const prepared = preparePosting(
    posting(ctx, `issuing_authorization:${id}:capture`, id, `Capture for ${auth.merchantData.name}`, [
      { account: held(card), amount: -auth.pendingAmount },
      { account: fundingAccount(card), amount: auth.pendingAmount - captured },
      { account: clearing(card), amount: captured },
    ]),
  );
  const now = ctx.services.clock.now();
  const after: AuthorizationRow = {
    ...auth,
    status: "closed",
    pendingAmount: 0,
    capturedAmount: captured,
    updatedAt: now,
  };
  const row = newTransaction(ctx, card, {
    type: "capture",
    amount: -captured,
    authorizationId: id,
    merchantData: auth.merchantData,
    ledgerTransactionId: prepared.id,
  });
  const transaction = toIssuingTransaction(row);
  const statement = guardedUpdateStatement(ctx, authorizationUpdate(ctx, auth, after), {
    changes: [authorizationChange(auth, after), { type: "issuing_transaction.created", object: transaction }],
    postings: [prepared],
    inserts: [{ table: issuingTransactions, row }],
  });
  const [result] = await runBatch(ctx.services, [ctx.services.db.execute(statement)], {
    response: transaction,
  });
  if (!matched(result)) throw lostRace();
  return transaction;
}

/** Reverses part or all of what is still pending: it goes back to the funding balance. */
export async function reverseAuthorization({
  ctx,
  id,
  amount,
}: {
  ctx: ServiceContext;
  id: string;
  amount?: number | undefined;
}): Promise<Authorization> {
  const { auth, card } = await readPendingAuthorization(ctx, id);
  const reversed = amount ?? auth.pendingAmount;
  if (reversed > auth.pendingAmount) {
    throw new ApiError("amount_invalid", {
      param: "amount",
      message: `At most ${auth.pendingAmount} is still pending.`,
    });
  }
  const left = auth.pendingAmount - reversed;
  const prepared = preparePosting(
    // The pending amount before makes each partial reversal its own posting.
    posting(
      ctx,
      `issuing_authorization:${id}:reverse:${auth.pendingAmount}`,
      id,
      `Reversal for ${auth.merchantData.name}`,
      [
        { account: held(card), amount: -reversed },
        { account: fundingAccount(card), amount: reversed },
      ],
    ),
  );
  const after: AuthorizationRow = {
    ...auth,
    status: left === 0 ? "reversed" : "pending",
    pendingAmount: left,
    updatedAt: ctx.services.clock.now(),
  };
  const object = toAuthorization(after);
  const statement = guardedUpdateStatement(ctx, authorizationUpdate(ctx, auth, after), {
    changes: [authorizationChange(auth, after)],
    postings: [prepared],
  });
  const [result] = await runBatch(ctx.services, [ctx.services.db.execute(statement)], { response: object });
  if (!matched(result)) throw lostRace();
  return object;
}

/** Where refunds land: the card, unless it is canceled (its balance went back to the merchant). */
function refundAccount(card: CardRow): AccountRef {
  return card.status === "canceled"
    ? { kind: "merchant_available", currency: card.currency }
    : fundingAccount(card);
}

export async function refundIssuingTransaction({
  ctx,
  id,
  amount,
}: {
  ctx: ServiceContext;
  id: string;
  amount?: number | undefined;
}): Promise<IssuingTransaction> {
  const [found] = await ctx.services.db
    .select({ capture: issuingTransactions, card: issuingCards })
    .from(issuingTransactions)
    .innerJoin(issuingCards, eq(issuingCards.id, issuingTransactions.cardId))
    .where(and(eq(issuingTransactions.id, id), ...transactionScope(ctx)))
    .limit(1);
  if (!found)
    throw new ApiError("resource_missing", { param: "id", message: `No such issuing transaction: ${id}` });
  const { capture, card } = found;
  const refundable = -capture.amount - capture.refundedAmount;
  if (capture.type !== "capture" || refundable <= 0) {
    throw new ApiError("resource_conflict", { message: `Transaction ${id} has nothing left to refund.` });
  }
  const refunded = amount ?? refundable;
  if (refunded > refundable) {
    throw new ApiError("amount_invalid", {
      param: "amount",
      message: `At most ${refundable} is left to refund.`,
    });
  }
  const refundId = newId("issuingTransaction");
  const prepared = preparePosting(
    posting(
      ctx,
      `issuing_transaction:${refundId}:refund`,
      refundId,
      `Refund from ${capture.merchantData.name}`,
      [
        { account: clearing(card), amount: -refunded },
        { account: refundAccount(card), amount: refunded },
      ],
    ),
  );
  const row = {
    ...newTransaction(ctx, card, {
      type: "refund",
      amount: refunded,
      authorizationId: capture.authorizationId,
      merchantData: capture.merchantData,
      ledgerTransactionId: prepared.id,
      refundOf: capture.id,
    }),
    id: refundId,
  };
  const refund = toIssuingTransaction(row);
  const update = ctx.services.db
    .update(issuingTransactions)
    .set({ refundedAmount: capture.refundedAmount + refunded })
    .where(
      and(eq(issuingTransactions.id, id), eq(issuingTransactions.refundedAmount, capture.refundedAmount)),
    )
    .returning({ id: issuingTransactions.id });
  const statement = guardedUpdateStatement(ctx, update, {
    changes: [{ type: "issuing_transaction.created", object: refund }],
    postings: [prepared],
    inserts: [{ table: issuingTransactions, row }],
  });
  const [result] = await runBatch(ctx.services, [ctx.services.db.execute(statement)], { response: refund });
  if (!matched(result))
    throw new ApiError("resource_conflict", { message: "The transaction changed meanwhile; retry." });
  return refund;
}

/** A capture the network sends without an authorization: taken from the funding balance (402 when short). */
export async function forceCapture({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: {
    card: string;
    amount: number;
    currency: string;
    merchant_data: { name: string; category_code: string; country: string };
  };
}): Promise<IssuingTransaction> {
  const card = foundCard(await cardQuery(ctx, input.card), input.card, "card");
  if (card.currency !== input.currency) {
    throw new ApiError("currency_invalid", {
      param: "currency",
      message: `Card ${card.id} is in ${card.currency}.`,
    });
  }
  const id = newId("issuingTransaction");
  const prepared = preparePosting(
    posting(
      ctx,
      `issuing_transaction:${id}:force_capture`,
      id,
      `Force capture for ${input.merchant_data.name}`,
      [
        { account: fundingAccount(card), amount: -input.amount },
        { account: clearing(card), amount: input.amount },
      ],
    ),
  );
  const row = {
    ...newTransaction(ctx, card, {
      type: "capture",
      amount: -input.amount,
      authorizationId: null,
      merchantData: { ...input.merchant_data, category: categoryOf(input.merchant_data.category_code) },
      ledgerTransactionId: prepared.id,
    }),
    id,
  };
  const transaction = toIssuingTransaction(row);
  const { db } = ctx.services;
  await runBatch(
    ctx.services,
    [
      db.execute(preparedStatement(prepared)),
      db.insert(issuingTransactions).values(row),
      db.execute(changeStatement(ctx, { type: "issuing_transaction.created", object: transaction })),
    ],
    { response: transaction },
  );
  return transaction;
}

function preparedStatement(prepared: { call: SQL }): SQL {
  return sql`select ${prepared.call} as posting`;
}

export function transactionScope(ctx: ServiceContext): SQL[] {
  return [
    eq(issuingTransactions.merchantId, ctx.merchantId),
    eq(issuingTransactions.environment, ctx.environment),
  ];
}

export async function retrieveIssuingTransaction({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<IssuingTransaction> {
  const [row] = await ctx.services.db
    .select()
    .from(issuingTransactions)
    .where(and(eq(issuingTransactions.id, id), ...transactionScope(ctx)))
    .limit(1);
  if (!row)
    throw new ApiError("resource_missing", { param: "id", message: `No such issuing transaction: ${id}` });
  return toIssuingTransaction(row);
}

export async function listIssuingTransactions({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListQuery & { card?: string | undefined; type?: IssuingTransactionType | undefined };
}): Promise<ListPage<IssuingTransaction>> {
  const filters = transactionScope(ctx);
  if (query.card) filters.push(eq(issuingTransactions.cardId, query.card));
  if (query.type) filters.push(eq(issuingTransactions.type, query.type));
  const page = await paginateTable({
    db: ctx.services.db,
    table: issuingTransactions,
    scope: filters,
    tenantScope: transactionScope(ctx),
    query,
  });
  return { data: page.data.map(toIssuingTransaction), hasMore: page.hasMore };
}
