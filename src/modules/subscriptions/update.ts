import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { previousAttributes } from "../../core/events";
import { pendingLinesInsert } from "../invoice-items/service";
import { planChange, previewChange } from "./change";
import { toSubscription, writeSubscription } from "./rows";
import type { InvoicePreview, Subscription, UpdateSubscriptionInput } from "./schemas";
import { settleInvoice } from "./settle";
import type { SubscriptionRow } from "./tables";

/** The invoice an update would produce (POST …/preview): the same body as the update, nothing written. */
export async function previewSubscription({
  ctx,
  id,
  input,
}: {
  ctx: ServiceContext;
  id: string;
  input: UpdateSubscriptionInput;
}): Promise<InvoicePreview> {
  return previewChange(await planChange(ctx, id, input));
}

/**
 * Changes items (price, quantity), cancel_at / cancel_at_period_end and metadata. The new items
 * and the proration lines are written in one batch with the subscription's compare-and-set; with
 * always_invoice the lines are then invoiced and charged at once (a failed charge makes it past_due).
 * With schedule: period_end the items wait in scheduled_items for the next renewal (cycle.ts).
 */
export async function updateSubscription({
  ctx,
  id,
  input,
}: {
  ctx: ServiceContext;
  id: string;
  input: UpdateSubscriptionInput;
}): Promise<Subscription> {
  const plan = await planChange(ctx, id, input);
  const { row, at } = plan;
  const cancelAt =
    input.cancel_at === undefined
      ? row.cancelAt
      : input.cancel_at === null
        ? null
        : new Date(input.cancel_at);
  if (cancelAt !== null && input.cancel_at !== undefined && cancelAt <= at) {
    throw new ApiError("parameter_invalid", {
      param: "cancel_at",
      message: "cancel_at must be in the future.",
    });
  }
  const after: SubscriptionRow = {
    ...row,
    ...(plan.scheduled
      ? { scheduledItems: plan.items }
      : input.items !== undefined
        ? { items: plan.items, scheduledItems: null }
        : {}),
    cancelAt,
    cancelAtPeriodEnd: input.cancel_at_period_end ?? row.cancelAtPeriodEnd,
    metadata: input.metadata ?? row.metadata,
    updatedAt: at,
  };
  const before = toSubscription(row);
  const object = toSubscription(after);
  const written = await writeSubscription(
    plan.ctx,
    row,
    after,
    { type: "customer.subscription.updated", object, previousAttributes: previousAttributes(before, object) },
    plan.prorations.length > 0 ? [pendingLinesInsert(plan.ctx, plan.prorations, at)] : [],
  );
  const net = plan.prorations.reduce((sum, line) => sum + line.amount, 0);
  // A net credit is not invoiced on its own (an invoice's total is never negative): it waits for the next invoice.
  if (plan.behavior === "always_invoice" && plan.prorations.length > 0 && net >= 0) {
    return toSubscription(await settleInvoice(plan.ctx, written, true));
  }
  return toSubscription(written);
}
