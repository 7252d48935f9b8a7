import { and, eq, type SQL, sql } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext, Services } from "../../core/context";
import { ApiError } from "../../core/errors";
import { randomBase62 } from "../../core/ids";
import type { PaymentMethodData } from "../payment-methods/schemas";
import type { Payment } from "../payments/schemas";
import { createPayment, retrievePayment } from "../payments/service";
import { sessionTotal } from "./create";
import { appliedCount, expireStatement } from "./expire";
import { type CheckoutPageState, complete, contextOf, findSessionById, release, state } from "./outcome";
import { resumeSubscription, subscribeSession } from "./subscribe";
import { type CheckoutSessionRow, checkoutSessions, type LineItemColumn } from "./tables";

export type { CheckoutPageState } from "./outcome";

/** What the customer submitted on the hosted page. Card data lives only in this request's memory. */
export interface PayRequest {
  method: PaymentMethodData;
  email: string | null;
  /** Line position → the quantity the customer chose (adjustable lines only). */
  quantities: Record<number, number>;
  /** The amount a donation line was given, in minor units. */
  customAmount: number | null;
}

/**
 * The page as the customer finds it. An open session past its expiry is expired on the spot (the
 * same compare-and-set as checkout-expire); one whose payment is out (3-D Secure in another tab,
 * a bank page) is brought up to date from its payment first.
 */
export async function loadCheckoutPage(services: Services, id: string): Promise<CheckoutPageState | null> {
  const row = await findSessionById(services, id);
  if (!row) return null;
  const ctx = contextOf(services, row);
  if (row.status === "open" && row.paymentId) return resumeFrom(ctx, row);
  if (row.status === "open" && row.expiresAt <= services.clock.now() && !row.paymentClaim) {
    const change = expireStatement(ctx, row);
    const [result] = await runBatch(services, [services.db.execute(change.statement)]);
    if (appliedCount(result) === 1) return state(change.row);
    return loadCheckoutPage(services, id);
  }
  return state(row);
}

async function resumeFrom(ctx: ServiceContext, row: CheckoutSessionRow): Promise<CheckoutPageState> {
  const paymentId = row.paymentId ?? "";
  const payment = await retrievePayment({ ctx, id: paymentId });
  const guard = eq(checkoutSessions.paymentId, paymentId);
  const { subscriptionAttempt } = row;
  if (subscriptionAttempt) return resumeSubscription(ctx, { ...row, subscriptionAttempt }, payment, guard);
  return applyPayment(ctx, row, payment, guard);
}

type Refusal = "amount_out_of_range" | "quantity_out_of_range" | "nothing_to_pay";

/** The lines with what the customer chose, within the merchant's bounds, or why not. */
function chosenLines(row: CheckoutSessionRow, request: PayRequest): LineItemColumn[] | Refusal {
  const lines: LineItemColumn[] = [];
  for (const [index, line] of row.lineItems.entries()) {
    if (line.customAmount) {
      const amount = request.customAmount ?? Number.NaN;
      const { minimum, maximum } = line.customAmount;
      if (!Number.isSafeInteger(amount) || amount < minimum || amount > maximum) return "amount_out_of_range";
      lines.push({ ...line, terms: { ...line.terms, unitAmount: amount } });
    } else if (line.adjustable) {
      const quantity = request.quantities[index] ?? line.quantity;
      const { minimum, maximum } = line.adjustable;
      if (!Number.isSafeInteger(quantity) || quantity < minimum || quantity > maximum)
        return "quantity_out_of_range";
      lines.push({ ...line, quantity });
    } else {
      lines.push(line);
    }
  }
  return lines;
}

/** The total, or null when the chosen quantities take it past the largest amount accepted. */
function totalOrNull(lines: readonly LineItemColumn[]): number | null {
  try {
    return sessionTotal(lines);
  } catch (error) {
    if (error instanceof ApiError) return null;
    throw error;
  }
}

/**
 * The customer pays. Exactly one payment per session: the submit claims the session by
 * compare-and-set (checkout_claim, in SQL) before any payment exists, so a double click or a second
 * tab finds it claimed and only shows the outcome; a payment link's completed-sessions limit is
 * reserved in the same function. The payment is created with no transaction open; its outcome
 * completes the session (with checkout.session.completed), sends the customer to 3-D Secure or the
 * bank, or releases the claim so the customer can try another card.
 */
export async function paySession(
  services: Services,
  row: CheckoutSessionRow,
  request: PayRequest,
): Promise<CheckoutPageState | null> {
  const ctx = contextOf(services, row);
  const id = row.id;
  if (row.status !== "open" || row.paymentClaim) return loadCheckoutPage(services, id);
  const lines = chosenLines(row, request);
  if (typeof lines === "string") return state(row, { error: lines });
  const amount = totalOrNull(lines);
  if (amount === null) return state(row, { error: "quantity_out_of_range" });
  const subscription = row.mode === "subscription";
  // A subscription may cost nothing today (a trial); it needs an item, and a customer to bill.
  if (subscription ? lines.every((line) => line.quantity < 1) : amount < 1) {
    return state(row, { error: "nothing_to_pay" });
  }
  if (subscription && !row.customerId && !row.customerEmail && !request.email) {
    return state(row, { error: "invalid" });
  }
  const token = randomBase62(24);
  const now = services.clock.now();
  const { db } = services;
  const [claim] = await runBatch(services, [
    db.execute(sql`select checkout_claim(${row.id}, ${token}, ${now.toISOString()}::timestamptz) as outcome`),
    db
      .update(checkoutSessions)
      .set({
        lineItems: lines,
        amountTotal: amount,
        customerEmail: row.customerEmail ?? request.email,
        updatedAt: now,
      })
      .where(and(eq(checkoutSessions.id, row.id), eq(checkoutSessions.paymentClaim, token))),
  ]);
  const outcome = (claim as { rows?: Array<{ outcome?: string }> }).rows?.[0]?.outcome;
  if (outcome === "sold_out") return state(row, { error: "sold_out" });
  if (outcome !== "claimed") return loadCheckoutPage(services, id);
  const claimed: CheckoutSessionRow = {
    ...row,
    lineItems: lines,
    amountTotal: amount,
    customerEmail: row.customerEmail ?? request.email,
    paymentClaim: token,
  };
  const guard = eq(checkoutSessions.paymentClaim, token);
  if (subscription) return subscribeSession(ctx, claimed, request.method, guard);
  let payment: Payment;
  try {
    payment = await createPayment({
      ctx,
      input: {
        amount,
        currency: row.currency,
        customer: row.customerId ?? undefined,
        payment_method_data: request.method,
        capture_method: "automatic",
        confirm: true,
        description: lines
          .map((line) => line.description)
          .join(", ")
          .slice(0, 1000),
        metadata: { checkout_session: row.id },
        return_url: new URL(`/checkout/${row.id}/return`, services.config.PUBLIC_URL).toString(),
      },
    });
  } catch (error) {
    // A refusal decided before or by the provider: nothing was charged, the customer may retry.
    if (error instanceof ApiError) return release(ctx, claimed, guard, error.code);
    throw error;
  }
  return applyPayment(ctx, claimed, payment, guard);
}

/** The session after its payment's latest status; `guard` is the compare-and-set's condition. */
async function applyPayment(
  ctx: ServiceContext,
  row: CheckoutSessionRow,
  payment: Payment,
  guard: SQL,
): Promise<CheckoutPageState> {
  const { db } = ctx.services;
  if (payment.status === "requires_action") {
    if (row.paymentId !== payment.id) {
      await runBatch(ctx.services, [
        db
          .update(checkoutSessions)
          .set({ paymentId: payment.id, updatedAt: ctx.services.clock.now() })
          .where(and(eq(checkoutSessions.id, row.id), guard)),
      ]);
    }
    return state({ ...row, paymentId: payment.id }, { redirect: payment.next_action?.url ?? null });
  }
  if (payment.status === "failed" || payment.status === "canceled") {
    return release(
      ctx,
      row,
      guard,
      payment.decline_code ? "card_declined" : (payment.failure_code ?? "payment_declined"),
    );
  }
  if (payment.status === "requires_payment_method" || payment.status === "requires_confirmation") {
    return release(ctx, row, guard, "processing_error");
  }
  const paid = payment.status === "succeeded" || payment.status === "requires_capture";
  return complete(ctx, row, { paymentId: payment.id, paymentStatus: paid ? "paid" : "unpaid" }, guard);
}
