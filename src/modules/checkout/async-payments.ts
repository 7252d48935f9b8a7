import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { Services } from "../../core/context";
import { gatedChangeMembers } from "../../core/events";
import { systemContext } from "../../core/http";
import { retrievePayment } from "../payments/service";
import { appliedCount } from "./expire";
import { toCheckoutSession } from "./rows";
import { type CheckoutSessionRow, checkoutSessions } from "./tables";

/**
 * Sessions completed while their payment was still processing (a bank debit): when the payment
 * succeeds the session becomes paid (checkout.session.async_payment_succeeded); when it fails the
 * session records it (async_payment_failed). Each by compare-and-set, so an event is written once.
 */
export async function settleAsyncPayments(services: Services, limit = 100): Promise<number> {
  const waiting = await services.db
    .select()
    .from(checkoutSessions)
    .where(
      and(
        eq(checkoutSessions.status, "complete"),
        eq(checkoutSessions.paymentStatus, "unpaid"),
        isNull(checkoutSessions.lastError),
      ),
    )
    .orderBy(asc(checkoutSessions.completedAt))
    .limit(limit);
  let changed = 0;
  for (const row of waiting) {
    const ctx = systemContext(services, row, "checkout_async_payment");
    const payment = await retrievePayment({ ctx, id: row.paymentId ?? "" });
    const succeeded = payment.status === "succeeded";
    if (!succeeded && payment.status !== "failed" && payment.status !== "canceled") continue;
    const now = services.clock.now();
    const values = succeeded
      ? { paymentStatus: "paid" as const, updatedAt: now }
      : { lastError: "async_payment_failed", updatedAt: now };
    const after: CheckoutSessionRow = { ...row, ...values };
    const update = services.db
      .update(checkoutSessions)
      .set(values)
      .where(
        and(
          eq(checkoutSessions.id, row.id),
          eq(checkoutSessions.paymentStatus, "unpaid"),
          isNull(checkoutSessions.lastError),
        ),
      )
      .returning({ id: checkoutSessions.id });
    const event = gatedChangeMembers(
      ctx,
      {
        type: succeeded
          ? "checkout.session.async_payment_succeeded"
          : "checkout.session.async_payment_failed",
        object: toCheckoutSession(services.config.PUBLIC_URL, after),
        ...(succeeded ? { previousAttributes: { payment_status: "unpaid" } } : {}),
      },
      "settled",
      "change",
    );
    const [result] = await runBatch(services, [
      services.db.execute(
        sql`with settled as ${update}, ${event} select count(*)::int as applied from settled`,
      ),
    ]);
    changed += appliedCount(result);
  }
  return changed;
}
