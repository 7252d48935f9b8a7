import { and, asc, eq, inArray, isNotNull, lte, or } from "drizzle-orm";
import type { ServiceContext, Services } from "../../core/context";
import { ApiError, notFound } from "../../core/errors";
import { recordChange } from "../../core/events";
import { systemContext } from "../../core/http";
import { newId } from "../../core/ids";
import { errorText, log } from "../../core/log";
import { type ListPage, paginateTable } from "../../core/pagination";
import type { StatusDocument } from "../../core/status";
import type { Environment } from "../../core/tables";
import { exactlyOne, onlyMerchant, tenantRow, tenantScope } from "../../core/tenancy";
import { findMethodType } from "../payment-methods/service";
import {
  lockPaymentForRefund,
  paymentProviderReference,
  recordRefundedAmount,
  retrievePayment,
  statusTimeline,
} from "../payments/service";
import { providerForPayment } from "../providers/service";
import { fundRefund } from "./funding";
import { sendRefund, toRefund } from "./outcome";
import type { CreateRefundInput, ListRefundsQuery, Refund } from "./schemas";
import { type RefundRow, refunds } from "./tables";

function assertRefundable(payment: { status: string; paymentMethodType: string | null }): void {
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
}

/**
 * A refund in three steps, no lock held across the provider call. One short transaction takes the
 * payment's row lock (so concurrent refunds of a payment queue there and their sum can never pass
 * what was captured), reserves the amount on the payment, funds it (refunds/funding.ts) or leaves
 * it waiting for money (`pending`, pending_reason insufficient_funds), and records the refund and
 * its provider key. Then the provider is called, then its answer is applied once.
 *
 * The provider key is the refund's own id, sent again only for this refund (reconcile). A key made
 * of the payment's refund state would repeat once a refund fails and gives its amount back: a later
 * refund would then get the provider's replay of an earlier success and be recorded as refunded.
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
  const shown = await retrievePayment({ ctx, id: paymentId });
  assertRefundable({ status: shown.status, paymentMethodType: shown.payment_method_type });
  const provider = await providerForPayment(ctx, shown.provider ?? "unknown", ctx.services.db);
  const created = await ctx.services.transaction(async (tx) => {
    const payment = await lockPaymentForRefund({ ctx, id: paymentId }, tx);
    assertRefundable(payment);
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
    const funding = await fundRefund(
      ctx,
      {
        payment,
        refundId: id,
        amount,
        full: amount === left,
        provider,
      },
      tx,
    );
    const row = exactlyOne(
      await tx
        .insert(refunds)
        .values({
          id,
          merchantId: ctx.merchantId,
          environment: ctx.environment,
          paymentId: payment.id,
          amount,
          currency: payment.currency,
          status: "pending",
          pendingReason: funding ? "processing" : "insufficient_funds",
          reason: input.reason ?? null,
          provider: provider.id,
          providerKey: `${payment.id}:refund:${id}`,
          funding,
          metadata: input.metadata ?? {},
          createdAt: now,
          updatedAt: now,
        })
        .returning(),
    );
    await recordChange(ctx, { type: "refund.created", object: toRefund(row) }, tx);
    await recordRefundedAmount({ ctx, payment, delta: amount, fromPending: funding?.pending ?? 0 }, tx);
    return { row, reference: payment.providerReference ?? "" };
  });
  if (!created.row.funding) {
    return toRefund(created.row);
  }
  try {
    return toRefund(await sendRefund(ctx, created.row, created.reference));
  } catch (error) {
    // The refund is recorded and funded: a 5xx would drop the Idempotency-Key's claim and a retry
    // would refund again. It stays pending; reconcileRefunds sends it again under its own key.
    log("error", "refund_send_failed", { refund: created.row.id, reason: errorText(error) });
    return toRefund(created.row);
  }
}

/**
 * Refunds waiting for money (pending_reason insufficient_funds), oldest first: each is funded if
 * the balance now covers it (refund.updated), then sent. Run by payment-reconcile and after
 * settlements.
 */
export async function retryWaitingRefunds(
  services: Services,
  options: {
    merchants?: ReadonlyArray<{ merchantId: string; environment: Environment }>;
    merchantId?: string;
    limit?: number;
  },
): Promise<number> {
  const owners = options.merchants?.map((owner) => and(...tenantScope(refunds, owner)));
  const waiting = await services.db
    .select()
    .from(refunds)
    .where(
      and(
        eq(refunds.status, "pending"),
        eq(refunds.pendingReason, "insufficient_funds"),
        owners ? or(...owners) : undefined,
        onlyMerchant(refunds, options.merchantId),
      ),
    )
    .orderBy(asc(refunds.updatedAt))
    .limit(options.limit ?? 50);
  let funded = 0;
  for (const refund of waiting) {
    if (await fundWaitingRefund(services, refund)) funded += 1;
  }
  return funded;
}

/**
 * One waiting refund: funded (refund.updated) and sent when the balance now covers it; true then.
 * False when it still doesn't fit, or when another run (settlement-run and payment-reconcile both
 * call this) funded it since it was read: that shows under the payment's lock, which every funding
 * of the payment's refunds takes.
 */
export async function fundWaitingRefund(services: Services, refund: RefundRow): Promise<boolean> {
  const ctx = systemContext(services, refund, "refund_funding");
  const provider = await providerForPayment(ctx, refund.provider, services.db);
  const ready = await services.transaction(async (tx) => {
    const payment = await lockPaymentForRefund({ ctx, id: refund.paymentId }, tx);
    const [current] = await tx
      .select({ pendingReason: refunds.pendingReason })
      .from(refunds)
      .where(eq(refunds.id, refund.id));
    if (current?.pendingReason !== "insufficient_funds") return null;
    const funding = await fundRefund(
      ctx,
      {
        payment,
        refundId: refund.id,
        amount: refund.amount,
        full: payment.amountRefunded === payment.amountReceived,
        provider,
      },
      tx,
    );
    if (!funding) {
      // Still short: to the back of the queue, so refunds that can be funded are not kept waiting.
      await tx
        .update(refunds)
        .set({ updatedAt: ctx.services.clock.now() })
        .where(and(eq(refunds.id, refund.id), eq(refunds.pendingReason, "insufficient_funds")));
      return null;
    }
    const [row] = await tx
      .update(refunds)
      .set({ funding, pendingReason: "processing", updatedAt: ctx.services.clock.now() })
      .where(and(eq(refunds.id, refund.id), eq(refunds.pendingReason, "insufficient_funds")))
      .returning();
    if (!row) throw new Error("refund changed while funding it");
    await recordChange(
      ctx,
      {
        type: "refund.updated",
        object: toRefund(row),
        previousAttributes: { pending_reason: "insufficient_funds" },
      },
      tx,
    );
    await recordRefundedAmount({ ctx, payment, delta: 0, fromPending: funding.pending }, tx);
    return { row, reference: payment.providerReference ?? "" };
  });
  if (!ready) return false;
  await sendRefund(ctx, ready.row, ready.reference);
  return true;
}

/** Funded refunds whose provider answer is unknown (or never applied), sent again with their key. */
export async function reconcileRefunds(
  services: Services,
  options: { olderThanMs: number; limit?: number; merchantId?: string },
): Promise<number> {
  const cutoff = new Date(services.clock.now().getTime() - options.olderThanMs);
  const open = await services.db
    .select()
    .from(refunds)
    .where(
      and(
        eq(refunds.status, "pending"),
        inArray(refunds.pendingReason, ["provider_outcome_unknown", "processing"]),
        isNotNull(refunds.funding),
        lte(refunds.updatedAt, cutoff),
        onlyMerchant(refunds, options.merchantId),
      ),
    )
    .orderBy(asc(refunds.updatedAt))
    .limit(options.limit ?? 50);
  let resolved = 0;
  for (const refund of open) {
    const ctx = systemContext(services, refund, "refund_reconcile");
    const reference = await paymentProviderReference({ ctx, id: refund.paymentId });
    const row = await sendRefund(ctx, refund, reference);
    if (row.status !== "pending") resolved += 1;
  }
  return resolved;
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
    .where(tenantRow(refunds, ctx, id))
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
    .where(tenantRow(refunds, ctx, id))
    .limit(1);
  if (!row) throw notFound("refund", id);
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
  const filters = tenantScope(refunds, ctx);
  if (query.payment) filters.push(eq(refunds.paymentId, query.payment));
  if (query.status) filters.push(eq(refunds.status, query.status));
  const page = await paginateTable({
    db,
    table: refunds,
    scope: filters,
    tenantScope: tenantScope(refunds, ctx),
    query,
  });
  return { data: page.data.map(toRefund), hasMore: page.hasMore };
}
