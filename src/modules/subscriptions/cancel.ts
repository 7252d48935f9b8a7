import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { previousAttributes } from "../../core/events";
import { createCreditNote } from "../credit-notes/service";
import { type PendingLine, pendingItemsQuery, pendingLinesInsert } from "../invoice-items/service";
import { retrieveInvoice } from "../invoices/service";
import { prorationLines } from "./invoicing";
import {
  readSubscription,
  requireLive,
  subscriptionContext,
  toSubscription,
  writeSubscription,
} from "./rows";
import type { CancelSubscriptionInput, Subscription } from "./schemas";
import type { SubscriptionRow } from "./tables";
import { endWithFinalUsage, finalUsageLines } from "./usage";

/**
 * The credit for the unused rest of the current period on each licensed item (prorate: true), to
 * the second, as an update removing every item would prorate it: none during a trial, a pause, or
 * for metered items (billed in arrears).
 */
function unusedTimeCredits(row: SubscriptionRow, at: Date): PendingLine[] {
  if (row.status !== "active" && row.status !== "past_due") return [];
  return prorationLines(row, row.items, [], at);
}

/**
 * Where a prorated cancel's credit goes with invoice_now when the final invoice can't take it (its
 * total would be negative and we have no customer credit balance): a credit note on the latest
 * invoice, the one that billed the period, refunding it when paid or lowering what is owed when
 * open. Null when that invoice can't take the whole credit (then the credit stays pending).
 */
async function creditNoteTarget(ctx: ServiceContext, row: SubscriptionRow, credit: number) {
  if (row.latestInvoiceId === null) return null;
  const invoice = await retrieveInvoice({ ctx, id: row.latestInvoiceId });
  const room =
    invoice.status === "paid"
      ? invoice.total - invoice.pre_payment_credit_notes_amount - invoice.post_payment_credit_notes_amount
      : invoice.status === "open" || invoice.status === "uncollectible"
        ? invoice.amount_remaining
        : 0;
  return room >= credit ? invoice : null;
}

/**
 * Cancels now (customer.subscription.deleted), or at the end of the current period. A cancel now
 * with `prorate` writes the unused time's credit lines in its batch: pending for the customer's
 * next invoice, or with `invoice_now` on the final invoice beside the last usage; when that
 * invoice's total would be negative, the credit is a credit note on the period's invoice instead.
 */
export async function cancelSubscription({
  ctx,
  id,
  input,
}: {
  ctx: ServiceContext;
  id: string;
  input: CancelSubscriptionInput;
}): Promise<Subscription> {
  const row = await readSubscription(ctx, id);
  requireLive(row);
  const own = await subscriptionContext(ctx, row.testClockId);
  const at = own.services.clock.now();
  for (const param of ["invoice_now", "prorate"] as const) {
    if (input.at_period_end && input[param]) {
      throw new ApiError("parameter_invalid", {
        param,
        message: `${param} goes with a cancel now; a cancel at the period's end bills the last period itself.`,
      });
    }
  }
  const after: SubscriptionRow = input.at_period_end
    ? { ...row, cancelAtPeriodEnd: true, updatedAt: at }
    : { ...row, status: "canceled", canceledAt: at, endedAt: at, nextRetryAt: null, updatedAt: at };
  const change = {
    type: input.at_period_end
      ? ("customer.subscription.updated" as const)
      : ("customer.subscription.deleted" as const),
    object: toSubscription(after),
    previousAttributes: previousAttributes(toSubscription(row), toSubscription(after)),
  };
  const credits = input.prorate ? unusedTimeCredits(row, at) : [];
  if (!input.invoice_now) {
    const extra = credits.length > 0 ? [pendingLinesInsert(own, credits, at)] : [];
    return toSubscription(await writeSubscription(own, row, after, change, extra));
  }
  const credit = -credits.reduce((sum, line) => sum + line.amount, 0);
  if (credit > 0) {
    const pending = await pendingItemsQuery(own, row.customerId);
    const billed = [
      ...pending.filter((item) => item.currency === row.currency),
      ...(await finalUsageLines(own, row, at)),
    ];
    const owed = billed.reduce((sum, line) => sum + line.amount, 0);
    const target = owed < credit ? await creditNoteTarget(own, row, credit) : null;
    if (target) {
      const ended = await endWithFinalUsage(own, row, after, change, at);
      await createCreditNote({
        ctx: own,
        input: {
          invoice: target.id,
          lines: credits.map((line) => ({
            type: "custom_line_item" as const,
            description: line.description ?? "Unused time",
            amount: -line.amount,
          })),
          reason: "order_change",
          memo: `Unused time of subscription ${row.id}, canceled at ${at.toISOString()}.`,
        },
      });
      return toSubscription(ended);
    }
  }
  return toSubscription(await endWithFinalUsage(own, row, after, change, at, credits));
}
