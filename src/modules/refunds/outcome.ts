import { and, eq } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import { recordChange } from "../../core/events";
import { recordRefundedAmount } from "../payments/service";
import { providerForPayment } from "../providers/service";
import type { RefundOutcome } from "../providers/types";
import { reverseRefundFunding } from "./funding";
import type { Refund } from "./schemas";
import { type RefundRow, refunds } from "./tables";

/**
 * A refund's provider side: the call (with the refund's own key) and its answer applied once, and
 * the refund as the API shows it.
 */

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
    pending_reason: row.status === "pending" ? (row.pendingReason ?? "processing") : null,
    metadata: row.metadata,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

function valuesFor(outcome: RefundOutcome): Partial<typeof refunds.$inferInsert> {
  switch (outcome.status) {
    case "unknown":
      return { pendingReason: "provider_outcome_unknown" };
    case "failed":
      return {
        status: "failed",
        pendingReason: null,
        failureCode: outcome.failure.code,
        providerReference: outcome.reference,
      };
    case "pending":
      return { pendingReason: "processing", providerReference: outcome.reference };
    case "succeeded":
      return { status: "succeeded", pendingReason: null, providerReference: outcome.reference };
  }
}

/**
 * Applies the provider's answer to a funded refund once (compare-and-set on its key and pending
 * status), in its own transaction: succeeded; failed, with the money given back where it came
 * from and amount_refunded taken back; or still pending when the answer is unknown.
 */
async function applyRefundOutcome(
  ctx: ServiceContext,
  refund: RefundRow,
  outcome: RefundOutcome,
): Promise<RefundRow> {
  const now = ctx.services.clock.now();
  const guard = and(
    eq(refunds.id, refund.id),
    eq(refunds.status, "pending"),
    eq(refunds.providerKey, refund.providerKey ?? ""),
  );
  const applied = await ctx.services.transaction(async (tx) => {
    const [row] = await tx
      .update(refunds)
      .set({ ...valuesFor(outcome), updatedAt: now })
      .where(guard)
      .returning();
    if (!row) return null;
    const object = toRefund(row);
    if (row.status === "succeeded") await recordChange(ctx, { type: "refund.succeeded", object }, tx);
    if (row.status === "pending" && row.pendingReason !== refund.pendingReason) {
      await recordChange(
        ctx,
        {
          type: "refund.updated",
          object,
          previousAttributes: { pending_reason: refund.pendingReason },
        },
        tx,
      );
    }
    if (row.status === "failed") {
      await recordChange(ctx, { type: "refund.failed", object }, tx);
      if (refund.funding) {
        await reverseRefundFunding(
          ctx,
          {
            refundId: row.id,
            paymentId: row.paymentId,
            provider: row.provider,
            currency: row.currency,
            amount: row.amount,
            funding: refund.funding,
          },
          tx,
        );
      }
      await recordRefundedAmount(
        {
          ctx,
          payment: { id: row.paymentId },
          delta: -row.amount,
          fromPending: -(refund.funding?.pending ?? 0),
        },
        tx,
      );
    }
    return row;
  });
  if (applied) return applied;
  const [current] = await ctx.services.db.select().from(refunds).where(eq(refunds.id, refund.id)).limit(1);
  return current ?? refund;
}

/** Sends a funded refund to its provider (again: the same key) with no transaction open, then applies the answer. */
export async function sendRefund(
  ctx: ServiceContext,
  refund: RefundRow,
  paymentReference: string,
): Promise<RefundRow> {
  const provider = await providerForPayment(ctx, refund.provider, ctx.services.db);
  const outcome = await provider.refund({
    idempotencyKey: refund.providerKey ?? "",
    reference: paymentReference,
    amount: refund.amount,
    currency: refund.currency,
  });
  const row = await applyRefundOutcome(ctx, refund, outcome);
  return row;
}
