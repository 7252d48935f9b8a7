import type { SQL } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { createCustomer, retrieveCustomer } from "../customers/service";
import { voidInvoice } from "../invoices/service";
import type { PaymentMethodData } from "../payment-methods/schemas";
import {
  detachPaymentMethod,
  paymentMethodInsert,
  preparePaymentMethod,
  updateCustomerWithDefault,
} from "../payment-methods/service";
import type { Subscription } from "../subscriptions/schemas";
import { cancelSubscription, createSubscription } from "../subscriptions/service";
import { type CheckoutPageState, complete, release } from "./outcome";
import type { CheckoutSessionRow } from "./tables";

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
