import { and, eq, type SQL } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { createCustomer, retrieveCustomer } from "../customers/service";
import { refreshInvoiceCharge, retrieveInvoice, voidInvoice } from "../invoices/service";
import type { PaymentMethodData } from "../payment-methods/schemas";
import {
  detachPaymentMethod,
  paymentMethodInsert,
  preparePaymentMethod,
  updateCustomerWithDefault,
} from "../payment-methods/service";
import type { Payment } from "../payments/schemas";
import { retrievePayment } from "../payments/service";
import type { Subscription } from "../subscriptions/schemas";
import {
  activateOnPaidInvoices,
  cancelSubscription,
  createSubscription,
  retrieveSubscription,
} from "../subscriptions/service";
import { type CheckoutPageState, complete, release, state } from "./outcome";
import { type CheckoutSessionRow, checkoutSessions, type SubscriptionAttemptColumn } from "./tables";

/** The card saved for the subscription, and the default it replaced (given back if the checkout fails). */
interface SavedCard {
  id: string;
  customerId: string;
  previousDefault: string | null;
}

/**
 * Completes a claimed subscription-mode session, through the other modules' verbs: the session's
 * customer (or a new one from its email), the card saved to it and made its default payment method, then the subscription, created by the subscriptions module, which charges its
 * first invoice to that default at once (or nothing, with a trial).
 *
 * A first charge that fails leaves no live subscription: the incomplete subscription is canceled
 * (its open invoice voided first), the card detached and the customer's previous default given
 * back; the claim is released with the customer kept on the session, so another card reuses it.
 * A first charge that asks for 3-D Secure keeps the claim: the session records the payment and the
 * attempt, and the customer goes to the challenge, which returns to the page (resumeSubscription).
 */
export async function subscribeSession(
  ctx: ServiceContext,
  row: CheckoutSessionRow,
  method: PaymentMethodData,
  guard: SQL,
): Promise<CheckoutPageState> {
  let customerId = row.customerId;
  let card: SavedCard | null = null;
  let subscription: Subscription | null = null;
  let code = "card_declined";
  try {
    let previousDefault: string | null = null;
    if (customerId) {
      previousDefault = (await retrieveCustomer({ ctx, id: customerId })).default_payment_method;
    } else {
      customerId = (await createCustomer({ ctx, input: { email: row.customerEmail ?? undefined } })).id;
    }
    card = await saveCard(ctx, method, customerId, previousDefault);
    await updateCustomerWithDefault({ ctx, id: customerId, input: { default_payment_method: card.id } });
    const data = row.subscriptionData;
    subscription = await createSubscription({
      ctx,
      input: {
        customer: customerId,
        items: row.lineItems
          .filter((line) => line.quantity > 0)
          .map((line) => ({ price: line.price ?? "", quantity: line.quantity })),
        trial_period_days: data?.trialPeriodDays ?? undefined,
        trial_end: data?.trialEnd ?? undefined,
        metadata: data?.metadata ?? {},
      },
      firstCharge: { returnUrl: returnUrlOf(ctx, row) },
    });
    if (subscription.status === "trialing" || subscription.status === "active") {
      const trialing = subscription.status === "trialing";
      return complete(
        ctx,
        { ...row, customerId },
        {
          paymentStatus: trialing || row.amountTotal === 0 ? "no_payment_required" : "paid",
          paymentId: null,
          subscriptionId: subscription.id,
          customerId,
        },
        guard,
      );
    }
    const challenge = await firstChargeChallenge(ctx, subscription);
    if (challenge) {
      const attempt = { subscription: subscription.id, card: card.id, previousDefault: card.previousDefault };
      return awaitChallenge(ctx, { ...row, customerId }, guard, challenge, attempt);
    }
  } catch (error) {
    // A refusal (an unreadable card, a price archived since): nothing is charged, the customer may retry.
    if (!(error instanceof ApiError)) throw error;
    code = error.code;
  }
  if (subscription) await endIncomplete(ctx, subscription);
  if (card) await forgetCard(ctx, card);
  return release(ctx, { ...row, customerId }, guard, code);
}

/**
 * The card, checked and saved attached to the customer: the insert and payment_method.created in one
 * batch, as POST /payment-methods with a customer does. The caller then makes it the default through
 * the payment-methods verb that checks it (updateCustomerWithDefault, its own transaction).
 */
async function saveCard(
  ctx: ServiceContext,
  method: PaymentMethodData,
  customerId: string,
  previousDefault: string | null,
): Promise<SavedCard> {
  const prepared = await preparePaymentMethod(ctx, method, "");
  const { row, statements } = paymentMethodInsert(ctx, prepared, { customerId, metadata: {} });
  await runBatch(
    ctx.services,
    statements.map((statement) => ctx.services.db.execute(statement)),
  );
  return { id: row.id, customerId, previousDefault };
}

/**
 * The subscription whose first charge failed (`incomplete`): its open invoice voided, then the
 * subscription canceled. An invoice whose payment is still out (3-D Secure) can't be voided while
 * its charge is claimed; it stays open, and the subscription is canceled all the same.
 */
async function endIncomplete(ctx: ServiceContext, subscription: Subscription): Promise<void> {
  if (subscription.latest_invoice) {
    try {
      await voidInvoice({ ctx, id: subscription.latest_invoice });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
    }
  }
  await cancelSubscription({ ctx, id: subscription.id, input: {} });
}

/** Detaches the card this checkout saved (which clears it as default) and gives back the previous default. */
async function forgetCard(ctx: ServiceContext, card: SavedCard): Promise<void> {
  await detachPaymentMethod({ ctx, id: card.id });
  if (card.previousDefault) {
    await updateCustomerWithDefault({
      ctx,
      id: card.customerId,
      input: { default_payment_method: card.previousDefault },
    });
  }
}

function returnUrlOf(ctx: ServiceContext, row: CheckoutSessionRow): string {
  return new URL(`/checkout/${row.id}/return`, ctx.services.config.PUBLIC_URL).toString();
}

/** The first invoice's payment when it waits on the customer's 3-D Secure challenge, else null. */
async function firstChargeChallenge(
  ctx: ServiceContext,
  subscription: Subscription,
): Promise<Payment | null> {
  if (subscription.status !== "incomplete" || !subscription.latest_invoice) return null;
  const invoice = await retrieveInvoice({ ctx, id: subscription.latest_invoice });
  if (!invoice.payment) return null;
  const payment = await retrievePayment({ ctx, id: invoice.payment });
  return payment.status === "requires_action" ? payment : null;
}

/** Records the challenge on the claimed session (its payment and what to finish or undo), then sends the customer to it. */
async function awaitChallenge(
  ctx: ServiceContext,
  row: CheckoutSessionRow,
  guard: SQL,
  payment: Payment,
  attempt: SubscriptionAttemptColumn,
): Promise<CheckoutPageState> {
  const values = {
    paymentId: payment.id,
    subscriptionAttempt: attempt,
    customerId: row.customerId,
    updatedAt: ctx.services.clock.now(),
  };
  await runBatch(ctx.services, [
    ctx.services.db
      .update(checkoutSessions)
      .set(values)
      .where(and(eq(checkoutSessions.id, row.id), guard)),
  ]);
  return state({ ...row, ...values }, { redirect: payment.next_action?.url ?? null });
}

/**
 * Back from the first charge's 3-D Secure challenge (or the page opened again meanwhile): the
 * invoice is brought up to date from its payment (the invoice-payments function's compare-and-set,
 * so either applies it once). Paid: the subscription is active (as the function would make it)
 * and the session completes. Failed: undone as a declined first charge is. Still waiting: the
 * challenge again.
 */
export async function resumeSubscription(
  ctx: ServiceContext,
  row: CheckoutSessionRow & { subscriptionAttempt: SubscriptionAttemptColumn },
  payment: Payment,
  guard: SQL,
): Promise<CheckoutPageState> {
  const attempt = row.subscriptionAttempt;
  if (payment.status === "requires_action") return state(row, { redirect: payment.next_action?.url ?? null });
  const subscription = await retrieveSubscription({ ctx, id: attempt.subscription });
  const invoice = await refreshInvoiceCharge({ ctx, id: subscription.latest_invoice ?? "", payment });
  const customerId = row.customerId ?? subscription.customer;
  if (invoice.status === "paid") {
    await activateOnPaidInvoices(ctx.services, [
      { id: invoice.id, merchantId: ctx.merchantId, environment: ctx.environment },
    ]);
    return complete(
      ctx,
      row,
      { paymentStatus: "paid", paymentId: null, subscriptionId: subscription.id, customerId },
      guard,
    );
  }
  if (payment.status !== "failed" && payment.status !== "canceled") return state(row);
  try {
    await endIncomplete(ctx, subscription);
    await forgetCard(ctx, { id: attempt.card, customerId, previousDefault: attempt.previousDefault });
  } catch (error) {
    // A concurrent return (a reload) undid it first; the release below is then a no-op.
    if (!(error instanceof ApiError)) throw error;
  }
  return release(
    ctx,
    row,
    guard,
    payment.decline_code ? "card_declined" : (payment.failure_code ?? "payment_declined"),
  );
}
