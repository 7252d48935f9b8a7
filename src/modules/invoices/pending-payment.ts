import { and, asc, gt, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import type { ServiceContext, Services } from "../../core/context";
import { ApiError } from "../../core/errors";
import { systemContext } from "../../core/http";
import { errorText, log } from "../../core/log";
import type { Environment } from "../../core/tables";
import type { Payment } from "../payments/schemas";
import { cancelPayment, livePaymentsTagged, retrievePayment } from "../payments/service";
import { amountDue, applyGated, readInvoice, toInvoice } from "./rows";
import { type InvoiceRow, invoices, type PaymentAttemptColumn } from "./tables";

/** After this long, a pay whose request died, or whose payment waits on the customer, no longer blocks the next one. */
export const ATTEMPT_STALE_MS = 15 * 60 * 1000;
/** How long the invoice-payments function follows a pending charge (a bank debit settles within days). */
const FOLLOW_MS = 14 * 86_400_000;
const PAGE_SIZE = 100;

export type PendingOutcome = "paid" | "failed" | "pending";

export interface SettledInvoice {
  id: string;
  merchantId: string;
  environment: Environment;
  outcome: "paid" | "failed";
}

/** The invoice as it is once its charge `payment` succeeded. */
export function paidWith(row: InvoiceRow, payment: Payment | null, at: Date): InvoiceRow {
  return {
    ...row,
    status: "paid",
    amountPaid: amountDue(row),
    paidAt: at,
    paymentId: payment?.id ?? null,
    paymentAttempt: null,
    attemptCount: row.attemptCount + (payment ? 1 : 0),
    updatedAt: at,
  };
}

/** Whether the invoice's charge claim is older than ATTEMPT_STALE_MS (the request died, or the customer left). */
function claimIsStale(ctx: ServiceContext, attempt: PaymentAttemptColumn): boolean {
  return Date.parse(attempt.startedAt) < ctx.services.clock.now().getTime() - ATTEMPT_STALE_MS;
}

function ownAttempt(row: InvoiceRow) {
  return sql`${invoices.paymentAttempt}->>'key' = ${row.paymentAttempt?.key ?? ""}`;
}

/**
 * Applies the outcome of the charge an invoice left pending (3-D Secure, a bank debit), by
 * compare-and-set on the attempt's key, so it is applied once: succeeded pays the invoice
 * (invoice.paid); failed or canceled releases the claim and counts the attempt
 * (invoice.payment_failed), so the invoice can be charged again. Any other status is `pending`.
 */
export async function applyPendingOutcome(
  ctx: ServiceContext,
  row: InvoiceRow,
  payment: Payment,
): Promise<{ outcome: PendingOutcome; row: InvoiceRow }> {
  const publicUrl = ctx.services.config.PUBLIC_URL;
  const now = ctx.services.clock.now();
  if (payment.status === "succeeded") {
    const after = paidWith(row, payment, now);
    await applyGated(
      ctx,
      row.id,
      ownAttempt(row),
      {
        status: "paid",
        amountPaid: after.amountPaid,
        paidAt: now,
        paymentAttempt: null,
        attemptCount: after.attemptCount,
        updatedAt: now,
      },
      {
        type: "invoice.paid",
        object: toInvoice(after, publicUrl),
        previousAttributes: { status: row.status },
      },
      "invoice_payment_in_progress",
    );
    return { outcome: "paid", row: after };
  }
  if (payment.status === "failed" || payment.status === "canceled") {
    const after: InvoiceRow = {
      ...row,
      paymentAttempt: null,
      attemptCount: row.attemptCount + 1,
      updatedAt: now,
    };
    await applyGated(
      ctx,
      row.id,
      ownAttempt(row),
      { paymentAttempt: null, attemptCount: after.attemptCount, updatedAt: now },
      { type: "invoice.payment_failed", object: toInvoice(after, publicUrl) },
      "invoice_payment_in_progress",
    );
    return { outcome: "failed", row: after };
  }
  return { outcome: "pending", row };
}

/**
 * An invoice whose charge is pending (3-D Secure, processing), brought up to date from its payment
 * by the same compare-and-set as the invoice-payments function, so whichever applies it first wins;
 * when another got there first, the invoice and its payment as they now are.
 */
export async function refreshPendingCharge(
  ctx: ServiceContext,
  row: InvoiceRow,
  payment: Payment | null,
): Promise<{ row: InvoiceRow; payment: Payment | null }> {
  if (!payment || !hasPendingCharge(row)) return { row, payment };
  try {
    return { row: (await applyPendingOutcome(ctx, row, payment)).row, payment };
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== "invoice_payment_in_progress") throw error;
    const fresh = await readInvoice(ctx, row.id);
    const latest = fresh.paymentId ? await retrievePayment({ ctx, id: fresh.paymentId }) : null;
    return { row: fresh, payment: latest };
  }
}

/**
 * The invoice after its pending charge's outcome, if it has one yet (a 3-D Secure return). `payment`
 * is the caller's copy of that charge's payment when it has just read it: not read again.
 */
export async function refreshInvoiceCharge({
  ctx,
  id,
  payment,
}: {
  ctx: ServiceContext;
  id: string;
  payment?: Payment;
}) {
  const row = await readInvoice(ctx, id);
  let charged: Payment | null = null;
  if (row.paymentId !== null) {
    charged = payment?.id === row.paymentId ? payment : await retrievePayment({ ctx, id: row.paymentId });
  }
  return toInvoice((await refreshPendingCharge(ctx, row, charged)).row, ctx.services.config.PUBLIC_URL);
}

type PendingChargeRow = InvoiceRow & { paymentAttempt: PaymentAttemptColumn; paymentId: string };

/** Whether the invoice's last charge reached a payment whose outcome it is still waiting for. */
export function hasPendingCharge(row: InvoiceRow): row is PendingChargeRow {
  return row.paymentAttempt !== null && row.paymentId !== null;
}

/**
 * Before a new charge of an invoice whose last charge is pending: its outcome if it has one; a
 * payment still waiting on the customer's authentication after the claim went stale is canceled
 * first (it charged nothing, and a new charge beside it could charge twice). A charge still
 * processing, or within its claim, is in progress: 409.
 */
export async function resolvePendingCharge(
  ctx: ServiceContext,
  row: PendingChargeRow,
): Promise<{ outcome: "paid" | "failed"; row: InvoiceRow }> {
  let payment = await retrievePayment({ ctx, id: row.paymentId });
  if (payment.status === "requires_action" && claimIsStale(ctx, row.paymentAttempt)) {
    try {
      payment = await cancelPayment({ ctx, id: payment.id, reason: "abandoned" });
    } catch (error) {
      // The customer completed the authentication meanwhile: the payment's status decides.
      if (!(error instanceof ApiError) || error.code !== "payment_state_invalid") throw error;
      payment = await retrievePayment({ ctx, id: payment.id });
    }
  }
  const applied = await applyPendingOutcome(ctx, row, payment);
  if (applied.outcome === "pending") throw new ApiError("invoice_payment_in_progress");
  return { outcome: applied.outcome, row: applied.row };
}

/**
 * A stale claim that never recorded its payment: the request that made it may have died after
 * creating the payment (which may yet charge, or have charged). Before anything new is charged,
 * such a payment of this invoice is recorded on it under that claim, so it is resolved like any
 * pending charge. Answers the invoice as it now is (unchanged when there is none).
 */
export async function adoptOrphanCharge(ctx: ServiceContext, row: InvoiceRow): Promise<InvoiceRow> {
  if (row.paymentAttempt === null || row.paymentId !== null || !claimIsStale(ctx, row.paymentAttempt))
    return row;
  const [orphan] = await livePaymentsTagged({
    ctx,
    customerId: row.customerId,
    key: "invoice",
    value: row.id,
  });
  if (!orphan) return row;
  await applyGated(
    ctx,
    row.id,
    and(ownAttempt(row), isNull(invoices.paymentId)),
    { paymentId: orphan.id },
    null,
    "invoice_payment_in_progress",
  );
  return { ...row, paymentId: orphan.id };
}

/**
 * The invoice-payments function: follows the charges invoices left pending (for two weeks after
 * the attempt) and applies each one's outcome when its payment has one. Answers the invoices it
 * settled, for the subscriptions whose latest invoice they are.
 */
export async function settlePendingInvoicePayments(services: Services): Promise<SettledInvoice[]> {
  const settled: SettledInvoice[] = [];
  const since = new Date(services.clock.now().getTime() - FOLLOW_MS).toISOString();
  let after = "";
  for (;;) {
    const page = await services.db
      .select()
      .from(invoices)
      .where(
        and(
          inArray(invoices.status, ["open", "uncollectible"]),
          isNotNull(invoices.paymentId),
          isNotNull(invoices.paymentAttempt),
          sql`(${invoices.paymentAttempt}->>'startedAt')::timestamptz >= ${since}`,
          gt(invoices.id, after),
        ),
      )
      .orderBy(asc(invoices.id))
      .limit(PAGE_SIZE);
    for (const row of page) {
      const ctx = systemContext(services, row, "invoice_payments");
      try {
        const payment = await retrievePayment({ ctx, id: row.paymentId ?? "" });
        const { outcome } = await applyPendingOutcome(ctx, row, payment);
        if (outcome !== "pending")
          settled.push({ id: row.id, merchantId: row.merchantId, environment: row.environment, outcome });
      } catch (error) {
        // A concurrent run or pay applied it first (the compare-and-set refused this one).
        if (error instanceof ApiError && error.code === "invoice_payment_in_progress") continue;
        log("error", "invoice_payment_follow_failed", { invoice: row.id, error: errorText(error) });
      }
    }
    if (page.length < PAGE_SIZE) return settled;
    after = page[page.length - 1]?.id ?? after;
  }
}
