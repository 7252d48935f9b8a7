import { and, eq } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError, notFound } from "../../core/errors";
import { previousAttributes } from "../../core/events";
import type { Authorization, IssuingTransaction } from "./authorization-schemas";
import { authorizationScope, toAuthorization } from "./authorize";
import { guardedUpdateStatement, lockCardStatement, matched, preparePosting } from "./guarded";
import {
  type AuthorizationRow,
  type CardRow,
  issuingAuthorizations,
  issuingCards,
  issuingTransactions,
} from "./tables";
import {
  cardPosting,
  clearing,
  fundingAccount,
  held,
  newTransaction,
  toIssuingTransaction,
} from "./transaction-rows";

export async function readPendingAuthorization(
  ctx: ServiceContext,
  id: string,
): Promise<{ auth: AuthorizationRow; card: CardRow }> {
  const [found] = await ctx.services.db
    .select({ auth: issuingAuthorizations, card: issuingCards })
    .from(issuingAuthorizations)
    .innerJoin(issuingCards, eq(issuingCards.id, issuingAuthorizations.cardId))
    .where(and(eq(issuingAuthorizations.id, id), ...authorizationScope(ctx)))
    .limit(1);
  if (!found) throw notFound("authorization", id);
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
    cardPosting(ctx, `issuing_authorization:${id}:capture`, id, `Capture for ${auth.merchantData.name}`, [
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
  const [, result] = await runBatch(
    ctx.services,
    [lockCardStatement(ctx, card.id), ctx.services.db.execute(statement)],
    { response: transaction },
  );
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
    // The amount and pending amount before make each partial reversal its own posting: an
    // increment raises both, so the pending amount alone can recur and would replay an earlier one.
    cardPosting(
      ctx,
      `issuing_authorization:${id}:reverse:${auth.amount}:${auth.pendingAmount}`,
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
  const [, result] = await runBatch(
    ctx.services,
    [lockCardStatement(ctx, card.id), ctx.services.db.execute(statement)],
    { response: object },
  );
  if (!matched(result)) throw lostRace();
  return object;
}
