import { and, asc, eq, inArray, isNull, sql } from "drizzle-orm";
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
 * The least recently looked at come first, and those still processing are marked looked at
 * (updated_at), so a backlog of slow debits can't keep a newer settled payment from being seen.
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
    .orderBy(asc(checkoutSessions.updatedAt))
    .limit(limit);
  let changed = 0;
  const stillWaiting: string[] = [];
  for (const row of waiting) {
    const ctx = systemContext(services, row, "checkout_async_payment");
    const payment = await retrievePayment({ ctx, id: row.paymentId ?? "" });
    const succeeded = payment.status === "succeeded";
    if (!succeeded && payment.status !== "failed" && payment.status !== "canceled") {
      stillWaiting.push(row.id);
      continue;
    }
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
  if (stillWaiting.length > 0) {
    await services.db
      .update(checkoutSessions)
      .set({ updatedAt: services.clock.now() })
      .where(
        and(
          inArray(checkoutSessions.id, stillWaiting),
          eq(checkoutSessions.paymentStatus, "unpaid"),
          isNull(checkoutSessions.lastError),
        ),
      );
  }
  return changed;
}
