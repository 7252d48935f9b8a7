import { eq } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import type { Executor } from "../../core/db";
import { ApiError } from "../../core/errors";
import { type AccountRef, lockAccounts, post } from "../../core/ledger";
import { markStatusChanged } from "../../core/status";
import { lockPayment, netAmount, toPayment } from "./rows";
import type { Payment } from "./schemas";
import { type PaymentRow, payments } from "./tables";
import { stateError } from "./transitions";

/**
 * Moves a captured payment's net from pending to available, once (idempotent on its source):
 * less what refunds already drew from this payment's pending funds, and never more than pending
 * holds, so a balance that went negative for refunds is paid back from the next settlements.
 */
async function settleRow(row: PaymentRow, now: Date, tx: Executor): Promise<boolean> {
  if (row.settledAt || row.amountReceived === 0) return false;
  const owner = { merchantId: row.merchantId, environment: row.environment };
  const pending: AccountRef = { kind: "merchant_pending", currency: row.currency };
  const available: AccountRef = { kind: "merchant_available", currency: row.currency };
  const due = netAmount(row) - row.refundedFromPending;
  if (due > 0) {
    const accounts = await lockAccounts(owner, [pending, available], now, tx);
    const held = accounts.get(`${row.currency}|merchant_pending`)?.balance ?? 0;
    const amount = Math.min(due, Math.max(0, held));
    if (amount > 0) {
      await post(
        {
          ...owner,
          source: `payment:${row.id}:settled`,
          type: "payment",
          status: "posted",
          sourceObjectId: row.id,
          description: `Settlement of ${row.id}`,
          entries: [
            { account: pending, amount: -amount },
            { account: available, amount },
          ],
          at: now,
        },
        tx,
      );
    }
  }
  await tx.update(payments).set({ settledAt: now, updatedAt: now }).where(eq(payments.id, row.id));
  return true;
}

/** Sandbox helper: settle one payment now instead of after the provider's delay. */
export async function settlePaymentNow({ ctx, id }: { ctx: ServiceContext; id: string }): Promise<Payment> {
  if (ctx.environment !== "sandbox") throw new ApiError("sandbox_only");
  const payment = await ctx.services.transaction(async (tx) => {
    const row = await lockPayment(ctx, id, tx);
    if (row.status !== "succeeded") throw stateError(row.status, "settled");
    const now = ctx.services.clock.now();
    await settleRow(row, now, tx);
    return toPayment({ ...row, settledAt: row.settledAt ?? now, updatedAt: now });
  });
  // Settling writes no event: the status document's change is noted by hand.
  markStatusChanged(ctx.services, { merchantId: ctx.merchantId, environment: ctx.environment, id });
  return payment;
}
