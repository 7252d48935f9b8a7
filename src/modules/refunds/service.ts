import { and, eq, type SQL } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { recordChange } from "../../core/events";
import { newId } from "../../core/ids";
import { post } from "../../core/ledger";
import { type ListPage, paginateTable } from "../../core/pagination";
import { invalidateStatus, type StatusDocument } from "../../core/status";
import { findMethodType } from "../payment-methods/catalog";
import { lockPaymentForRefund, recordRefundedAmount, statusTimeline } from "../payments/service";
import { providerForPayment } from "../providers/service";
import type { RefundOutcome } from "../providers/types";
import type { CreateRefundInput, ListRefundsQuery, Refund } from "./schemas";
import { type RefundRow, refunds } from "./tables";

export function toRefund(row: RefundRow): Refund {
  return {
    id: row.id,
    object: "refund",
    environment: row.environment,
    payment: row.paymentId,
    amount: row.amount,
    currency: row.currency,
    status: row.status,
    reason: row.reason,
    provider: row.provider,
    failure_code: row.failureCode,
    metadata: row.metadata,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

function scope(ctx: ServiceContext): SQL[] {
  return [eq(refunds.merchantId, ctx.merchantId), eq(refunds.environment, ctx.environment)];
}

/** Thrown inside the ledger savepoint so the posting rolls back when the provider refuses. */
class ProviderRefusedRefund extends Error {
  constructor(readonly outcome: Extract<RefundOutcome, { status: "failed" }>) {
    super(outcome.failure.message);
  }
}

/**
 * A refund takes the payment's row lock first, so concurrent refunds of one payment run one after
 * the other and their sum can never pass the captured amount. The money leaves the merchant's
 * available balance (refused with insufficient_funds when it would go below zero) back to the
 * provider's clearing account; the provider's fee is not returned. The posting sits in a savepoint
 * around the provider call: when the provider refuses, only the posting rolls back and the refund
 * is kept as failed (refund.failed), so the merchant sees what happened.
 */
export async function createRefund({
  ctx,
  paymentId,
  input,
}: {
  ctx: ServiceContext;
  paymentId: string;
  input: CreateRefundInput;
}): Promise<Refund> {
  const refund = await ctx.services.transaction(async (tx) => {
    const payment = await lockPaymentForRefund(tx, ctx, paymentId);
    const type = findMethodType(payment.paymentMethodType ?? "card");
    if (type && !type.refundable) {
      throw new ApiError("payment_not_refundable", { message: `${type.name} payments cannot be refunded.` });
    }
    if (payment.status !== "succeeded") {
      throw new ApiError("payment_state_invalid", {
        message: `Only succeeded payments can be refunded; this one is ${payment.status}.`,
        extra: { payment_status: payment.status },
      });
    }
    const left = payment.amountReceived - payment.amountRefunded;
    const amount = input.amount ?? left;
    if (amount <= 0 || amount > left) {
      throw new ApiError("refund_exceeds_captured", {
        param: "amount",
        message: `At most ${left} ${payment.currency} of this payment is left to refund.`,
      });
    }
    const id = newId("refund");
    const now = ctx.services.clock.now();
    const providerId = payment.provider ?? "unknown";
    const provider = await providerForPayment(ctx, providerId, tx);
    const outcome: RefundOutcome = await tx
      .transaction(async (savepoint) => {
        await post(savepoint, {
          merchantId: ctx.merchantId,
          environment: ctx.environment,
          source: `refund:${id}:created`,
          type: "refund",
          status: "posted",
          sourceObjectId: id,
          description: `Refund of ${payment.id}`,
          entries: [
            { account: { kind: "merchant_available", currency: payment.currency }, amount: -amount },
            { account: { kind: `provider_clearing:${providerId}`, currency: payment.currency }, amount },
          ],
          at: now,
        });
        const answer = await provider.refund({
          // Keyed on the payment's refund state, not the new refund's id: when a provider timed out after
          // refunding, the merchant's retry of the same refund repeats this key and the provider replays it.
          idempotencyKey: `${payment.id}:refund:${payment.amountRefunded}:${amount}`,
          reference: payment.providerReference ?? "",
          amount,
          currency: payment.currency,
        });
        if (answer.status === "failed") throw new ProviderRefusedRefund(answer);
        return answer;
      })
      .catch((error: unknown) => {
        if (!(error instanceof ProviderRefusedRefund)) throw error;
        return error.outcome;
      });
    const [row] = await tx
      .insert(refunds)
      .values({
        id,
        merchantId: ctx.merchantId,
        environment: ctx.environment,
        paymentId: payment.id,
        amount,
        currency: payment.currency,
        status: outcome.status,
        reason: input.reason ?? null,
        provider: providerId,
        providerReference: outcome.reference,
        failureCode: outcome.status === "failed" ? outcome.failure.code : null,
        metadata: input.metadata ?? {},
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!row) throw new Error("insert returned no row");
    const created = toRefund(row);
    await recordChange(tx, ctx, { type: "refund.created", object: created });
    if (row.status === "succeeded")
      await recordChange(tx, ctx, { type: "refund.succeeded", object: created });
    if (row.status === "failed") {
      await recordChange(tx, ctx, { type: "refund.failed", object: created });
      return created;
    }
    await recordRefundedAmount(tx, ctx, payment, amount);
    return created;
  });
  await invalidateStatus(ctx.services, ctx, paymentId);
  return refund;
}

/** The polling document for /status/{re_…} (status module's registry). */
export async function refundStatus({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<StatusDocument | undefined> {
  const [row] = await ctx.services.db
    .select()
    .from(refunds)
    .where(and(eq(refunds.id, id), ...scope(ctx)))
    .limit(1);
  if (!row) return undefined;
  return {
    id: row.id,
    object: "refund",
    status: row.status,
    amount: row.amount,
    currency: row.currency,
    updated_at: row.updatedAt.toISOString(),
    timeline: await statusTimeline(ctx, id, (status) => (status === "pending" ? 0 : 1)),
  };
}

export async function retrieveRefund({ ctx, id }: { ctx: ServiceContext; id: string }): Promise<Refund> {
  const [row] = await ctx.services.db
    .select()
    .from(refunds)
    .where(and(eq(refunds.id, id), ...scope(ctx)))
    .limit(1);
  if (!row) throw new ApiError("resource_missing", { param: "id", message: `No such refund: ${id}` });
  return toRefund(row);
}

export async function listRefunds({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListRefundsQuery;
}): Promise<ListPage<Refund>> {
  const { db } = ctx.services;
  const filters = scope(ctx);
  if (query.payment) filters.push(eq(refunds.paymentId, query.payment));
  if (query.status) filters.push(eq(refunds.status, query.status));
  const page = await paginateTable({ db, table: refunds, scope: filters, tenantScope: scope(ctx), query });
  return { data: page.data.map(toRefund), hasMore: page.hasMore };
}
