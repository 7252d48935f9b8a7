import { and, eq, type SQL, sql } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError, notFound } from "../../core/errors";
import { changeStatement } from "../../core/events";
import { newId } from "../../core/ids";
import type { AccountRef } from "../../core/ledger";
import { type ListPage, type ListQuery, paginateTable } from "../../core/pagination";
import { tenantRow, tenantScope } from "../../core/tenancy";
import type { IssuingTransaction } from "./authorization-schemas";
import { cardQuery, foundCard } from "./cards";
import { categoryOf } from "./controls";
import { guardedUpdateStatement, lockCardStatement, matched, preparePosting } from "./guarded";
import { type CardRow, type IssuingTransactionType, issuingCards, issuingTransactions } from "./tables";
import {
  cardPosting,
  clearing,
  fundingAccount,
  newTransaction,
  toIssuingTransaction,
} from "./transaction-rows";

/** Where refunds land: the card, unless it is canceled (its balance went back to the merchant). */
export function refundAccount(card: CardRow): AccountRef {
  return card.status === "canceled"
    ? { kind: "merchant_available", currency: card.currency }
    : fundingAccount(card);
}

/** A card transaction with its card, as a query (for a read batch). */
export function captureWithCard(ctx: ServiceContext, id: string) {
  return ctx.services.db
    .select({ capture: issuingTransactions, card: issuingCards })
    .from(issuingTransactions)
    .innerJoin(issuingCards, eq(issuingCards.id, issuingTransactions.cardId))
    .where(tenantRow(issuingTransactions, ctx, id))
    .limit(1);
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
  const [found] = await captureWithCard(ctx, id);
  if (!found) throw notFound("issuing transaction", id);
  const { capture, card } = found;
  const refundable = -capture.amount - capture.refundedAmount - capture.disputedAmount;
  if (capture.type !== "capture" || refundable <= 0) {
    throw new ApiError("resource_conflict", {
      message: `Transaction ${id} has nothing left to refund (refunded or under dispute).`,
    });
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
    cardPosting(
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
      and(
        eq(issuingTransactions.id, id),
        eq(issuingTransactions.refundedAmount, capture.refundedAmount),
        eq(issuingTransactions.disputedAmount, capture.disputedAmount),
      ),
    )
    .returning({ id: issuingTransactions.id });
  const statement = guardedUpdateStatement(ctx, update, {
    changes: [{ type: "issuing_transaction.created", object: refund }],
    postings: [prepared],
    inserts: [{ table: issuingTransactions, row }],
  });
  const [, result] = await runBatch(
    ctx.services,
    [lockCardStatement(ctx, card.id), ctx.services.db.execute(statement)],
    { response: refund },
  );
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
    cardPosting(
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
      lockCardStatement(ctx, card.id),
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
    .where(tenantRow(issuingTransactions, ctx, id))
    .limit(1);
  if (!row) throw notFound("issuing transaction", id);
  return toIssuingTransaction(row);
}

export async function listIssuingTransactions({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListQuery & { card?: string | undefined; type?: IssuingTransactionType | undefined };
}): Promise<ListPage<IssuingTransaction>> {
  const filters = tenantScope(issuingTransactions, ctx);
  if (query.card) filters.push(eq(issuingTransactions.cardId, query.card));
  if (query.type) filters.push(eq(issuingTransactions.type, query.type));
  const page = await paginateTable({
    db: ctx.services.db,
    table: issuingTransactions,
    scope: filters,
    tenantScope: tenantScope(issuingTransactions, ctx),
    query,
  });
  return { data: page.data.map(toIssuingTransaction), hasMore: page.hasMore };
}
