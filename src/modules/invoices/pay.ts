import { and, eq, isNull, or, sql } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { randomBase62 } from "../../core/ids";
import { retrieveCustomer } from "../customers/service";
import type { PaymentMethodData } from "../payment-methods/schemas";
import type { Payment } from "../payments/schemas";
import { createPayment } from "../payments/service";
import {
  ATTEMPT_STALE_MS,
  adoptOrphanCharge,
  hasPendingCharge,
  paidWith,
  resolvePendingCharge,
} from "./pending-payment";
import { amountDue, applyGated, readInvoice, requireStatus, toInvoice } from "./rows";
import type { Invoice, PayInvoiceInput } from "./schemas";
import { type InvoiceRow, invoices, type PaymentAttemptColumn } from "./tables";

/**
 * What a pay charges: the API's body (a saved method, else the customer's default), or, from the
 * hosted invoice page, a card typed there (used for this charge only) and where 3-D Secure returns.
 */
export type InvoiceChargeInput = PayInvoiceInput & {
  payment_method_data?: PaymentMethodData;
  return_url?: string;
};

/**
 * Charges what the invoice still owes to the customer's default payment method (or the one sent)
 * through the payments module. Three steps, none holding a transaction across the provider call:
 *  1. claim: a compare-and-set puts this attempt's key on the invoice while it is open and no other
 *     attempt is under way, so two pays (retried or concurrent) can't both charge;
 *  2. createPayment (its own batches and provider call, idempotent on its own attempt);
 *  3. the outcome, by compare-and-set on the attempt key: paid with the payment, or the failure
 *     counted (invoice.payment_failed) and the decline answered.
 * A payment that neither succeeds nor fails at once (3-D Secure, processing) leaves the invoice
 * open with `payment` set and the claim held until that payment has an outcome (pending-payment.ts):
 * a later pay, or the invoice-payments function, applies it, so the invoice is never charged twice.
 */
export async function payInvoice({
  ctx,
  id,
  input,
}: {
  ctx: ServiceContext;
  id: string;
  input: InvoiceChargeInput;
}): Promise<Invoice> {
  let before = await adoptOrphanCharge(ctx, await readInvoice(ctx, id));
  requireStatus(before, ["open", "uncollectible"], "paid");
  if (hasPendingCharge(before)) {
    const resolved = await resolvePendingCharge(ctx, before);
    if (resolved.outcome === "paid") return toInvoice(resolved.row, ctx.services.config.PUBLIC_URL);
    // Failed: charged again below, from a fresh read (a credit note may have changed what is owed).
    before = await readInvoice(ctx, id);
    requireStatus(before, ["open", "uncollectible"], "paid");
  }
  const inline = input.payment_method_data;
  // A card typed on the hosted page is charged as it is; otherwise the saved or default method.
  const customer = inline ? null : await retrieveCustomer({ ctx, id: before.customerId });
  const paymentMethod = input.payment_method ?? customer?.default_payment_method ?? null;
  const amount = amountDue(before) - before.amountPaid;
  if (amount > 0 && !paymentMethod && !inline) {
    throw new ApiError("invoice_payment_method_missing", { param: "payment_method" });
  }
  const now = ctx.services.clock.now();
  const attempt: PaymentAttemptColumn = { key: randomBase62(24), startedAt: now.toISOString() };
  const stale = new Date(now.getTime() - ATTEMPT_STALE_MS).toISOString();
  const claimable = and(
    eq(invoices.status, before.status),
    // A credit note issued since the read changed what is owed: the charge would be for the old amount.
    eq(invoices.prePaymentCreditNotesAmount, before.prePaymentCreditNotesAmount),
    // A stale claim is taken over only when it never got to a payment (adoptOrphanCharge found
    // none): one with a payment is resolved by that payment's outcome, never charged beside.
    or(
      isNull(invoices.paymentAttempt),
      and(
        isNull(invoices.paymentId),
        sql`(${invoices.paymentAttempt}->>'startedAt')::timestamptz < ${stale}`,
      ),
    ),
  );
  const ours = sql`${invoices.paymentAttempt}->>'key' = ${attempt.key}`;
  if (amount === 0) {
    // Nothing owed (a fully discounted invoice): paid with no charge.
    const after = paidWith(before, null, now);
    await applyGated(
      ctx,
      id,
      claimable,
      { status: "paid", paidAt: now, updatedAt: now },
      {
        type: "invoice.paid",
        object: toInvoice(after, ctx.services.config.PUBLIC_URL),
        previousAttributes: { status: before.status },
      },
      "invoice_payment_in_progress",
    );
    return toInvoice(after, ctx.services.config.PUBLIC_URL);
  }
  await applyGated(
    ctx,
    id,
    claimable,
    { paymentAttempt: attempt, updatedAt: now },
    null,
    "invoice_payment_in_progress",
  );

  let payment: Payment;
  try {
    payment = await createPayment({
      ctx,
      input: {
        amount,
        currency: before.currency,
        customer: before.customerId,
        payment_method: paymentMethod ?? undefined,
        payment_method_data: inline,
        return_url: input.return_url,
        capture_method: "automatic",
        confirm: true,
        description: `Invoice ${before.number ?? before.id}`,
        metadata: { invoice: before.id },
      },
    });
  } catch (error) {
    const failedAt = ctx.services.clock.now();
    const failed: InvoiceRow = {
      ...before,
      paymentAttempt: null,
      attemptCount: before.attemptCount + 1,
      updatedAt: failedAt,
    };
    await applyGated(
      ctx,
      id,
      ours,
      // The claim is ours, so no other attempt moved the count since it was read.
      { paymentAttempt: null, attemptCount: failed.attemptCount, updatedAt: failedAt },
      { type: "invoice.payment_failed", object: toInvoice(failed, ctx.services.config.PUBLIC_URL) },
      "invoice_payment_in_progress",
    );
    throw error;
  }

  const doneAt = ctx.services.clock.now();
  if (payment.status !== "succeeded") {
    const pending: InvoiceRow = {
      ...before,
      paymentId: payment.id,
      paymentAttempt: attempt,
      updatedAt: doneAt,
    };
    await applyGated(
      ctx,
      id,
      ours,
      { paymentId: payment.id, updatedAt: doneAt },
      null,
      "invoice_payment_in_progress",
    );
    return toInvoice(pending, ctx.services.config.PUBLIC_URL);
  }
  const after = paidWith(before, payment, doneAt);
  await applyGated(
    ctx,
    id,
    ours,
    {
      status: "paid",
      amountPaid: amountDue(before),
      paidAt: doneAt,
      paymentId: payment.id,
      paymentAttempt: null,
      attemptCount: after.attemptCount,
      updatedAt: doneAt,
    },
    {
      type: "invoice.paid",
      object: toInvoice(after, ctx.services.config.PUBLIC_URL),
      previousAttributes: { status: before.status },
    },
    "invoice_payment_in_progress",
  );
  return toInvoice(after, ctx.services.config.PUBLIC_URL);
}
