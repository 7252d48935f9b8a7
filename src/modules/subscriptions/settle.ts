import type { ServiceContext } from "../../core/context";
import type { Invoice } from "../invoices/schemas";
import { retrieveInvoice } from "../invoices/service";
import {
  applyPauseBehavior,
  type ChargeOptions,
  type ChargeOutcome,
  collectInvoice,
  draftRenewalInvoice,
  issueInvoice,
  issuePausedInvoice,
} from "./invoicing";
import { endedStatuses, toSubscription, writeSubscription } from "./rows";
import { dunningSchedule } from "./settings";
import type { SubscriptionRow } from "./tables";

const DAY_MS = 86_400_000;

/**
 * The subscription after a charge of its invoice: paid (or sent, for send_invoice) is `active`
 * with dunning cleared; unpaid is `incomplete` for a first invoice, else `past_due` with the first
 * retry `firstRetryDay` days on (the merchant's schedule; null only where the charge cannot fail).
 */
export function afterCharge(
  row: SubscriptionRow,
  invoice: Invoice | null,
  outcome: ChargeOutcome,
  now: Date,
  firstRetryDay: number | null,
): SubscriptionRow {
  const base: SubscriptionRow = {
    ...row,
    latestInvoiceId: invoice?.id ?? row.latestInvoiceId,
    invoicesIssued: row.invoicesIssued + (invoice ? 1 : 0),
    updatedAt: now,
  };
  const settled = outcome === "paid" || (outcome === "open" && row.collectionMethod === "send_invoice");
  if (settled)
    return { ...base, status: "active", failedAttempts: 0, firstFailureAt: null, nextRetryAt: null };
  if (row.status === "incomplete") return base;
  if (firstRetryDay === null)
    throw new Error(`subscription ${row.id}: a failed charge needs the dunning schedule`);
  return {
    ...base,
    status: "past_due",
    failedAttempts: 1,
    firstFailureAt: now,
    nextRetryAt: new Date(now.getTime() + firstRetryDay * DAY_MS),
  };
}

/**
 * Invoices the pending lines (when there are any), charges, and records the outcome on the
 * subscription. A paused one's invoice is never charged (pause_collection's behavior) and its
 * status stays paused. A renewal (`timing` "draft") leaves its invoice a draft that the cycle
 * finalizes and charges an hour later (collectRenewal); a first invoice or an update's is charged now.
 */
export async function settleInvoice(
  ctx: ServiceContext,
  row: SubscriptionRow,
  hasLines: boolean,
  timing: "now" | "draft" = "now",
  charge: ChargeOptions = {},
): Promise<SubscriptionRow> {
  const now = ctx.services.clock.now();
  if (row.status === "paused" && row.pauseBehavior !== null) {
    const invoice = hasLines ? await issuePausedInvoice(ctx, row, row.pauseBehavior) : null;
    const after: SubscriptionRow = {
      ...row,
      latestInvoiceId: invoice?.id ?? row.latestInvoiceId,
      invoicesIssued: row.invoicesIssued + (invoice ? 1 : 0),
      updatedAt: now,
    };
    return writeSubscription(ctx, row, after, {
      type: "customer.subscription.updated",
      object: toSubscription(after),
      previousAttributes: { latest_invoice: row.latestInvoiceId },
    });
  }
  if (timing === "draft" && hasLines) {
    const draft = await draftRenewalInvoice(ctx, row);
    const after: SubscriptionRow = {
      ...row,
      latestInvoiceId: draft.id,
      invoicesIssued: row.invoicesIssued + 1,
      collectInvoiceId: draft.id,
      collectInvoiceAt: draft.automatically_finalizes_at ? new Date(draft.automatically_finalizes_at) : now,
      updatedAt: now,
    };
    return writeSubscription(ctx, row, after, {
      type: "customer.subscription.updated",
      object: toSubscription(after),
      previousAttributes: { latest_invoice: row.latestInvoiceId },
    });
  }
  const { invoice, outcome } = hasLines
    ? await issueInvoice(ctx, row, charge)
    : { invoice: null, outcome: "paid" as const };
  const failed = outcome === "failed" && row.status !== "incomplete";
  const firstRetryDay = failed ? ((await dunningSchedule(ctx)).retryDays[0] ?? null) : null;
  const after = afterCharge(row, invoice, outcome, now, firstRetryDay);
  return writeSubscription(ctx, row, after, {
    type: "customer.subscription.updated",
    object: toSubscription(after),
    previousAttributes: { status: row.status, latest_invoice: row.latestInvoiceId },
  });
}

/**
 * A renewal's invoice at its automatic finalization (collect_invoice_at): finalized and charged
 * once (collectInvoice), then the outcome as for any charge: paid is `active`, a failure
 * `past_due` with the dunning schedule counted from now. A paused subscription's draft gets the
 * pause's behavior instead; an ended one's is finalized and charged anyway (as Stripe), with no
 * dunning after it.
 */
export async function collectRenewal(ctx: ServiceContext, row: SubscriptionRow): Promise<SubscriptionRow> {
  const id = row.collectInvoiceId;
  if (id === null) throw new Error(`subscription ${row.id}: no invoice to collect`);
  const now = ctx.services.clock.now();
  const cleared: SubscriptionRow = { ...row, collectInvoiceId: null, collectInvoiceAt: null, updatedAt: now };
  if (endedStatuses.includes(row.status)) {
    await collectInvoice(ctx, id);
    return writeSubscription(ctx, row, cleared, null);
  }
  if (row.status === "paused" && row.pauseBehavior !== null) {
    const invoice = await retrieveInvoice({ ctx, id });
    if (invoice.status === "draft") await applyPauseBehavior(ctx, invoice, row.pauseBehavior);
    return writeSubscription(ctx, row, cleared, null);
  }
  const { invoice, outcome } = await collectInvoice(ctx, id);
  const firstRetryDay = outcome === "failed" ? ((await dunningSchedule(ctx)).retryDays[0] ?? null) : null;
  const after: SubscriptionRow = {
    ...afterCharge(cleared, null, outcome, now, firstRetryDay),
    latestInvoiceId: invoice.id,
  };
  return writeSubscription(ctx, row, after, {
    type: "customer.subscription.updated",
    object: toSubscription(after),
    previousAttributes: { status: row.status },
  });
}
