import { and, asc, eq, isNotNull, isNull, lte, type SQL, sql } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext, Services } from "../../core/context";
import { ApiError } from "../../core/errors";
import { randomBase62 } from "../../core/ids";
import { clipText } from "../../core/input-safety";
import type { PaymentMethodData } from "../payment-methods/schemas";
import type { Payment } from "../payments/schemas";
import { cancelPayment, createPayment, livePaymentsTagged, retrievePayment } from "../payments/service";
import { sessionTotal } from "./create";
import { discountOf, redeemForPayment } from "./discounts";
import { appliedCount, expireStatement } from "./expire";
import { type CheckoutPageState, complete, contextOf, findSessionById, release, state } from "./outcome";
import { customerEmailSchema } from "./schemas";
import { resumeSubscription, subscribeSession } from "./subscribe";
import { type CheckoutSessionRow, checkoutSessions, type LineItemColumn } from "./tables";

export type { CheckoutPageState } from "./outcome";

/** What the customer chose on the hosted page, whatever they pay with. */
export interface PayChoices {
  email: string | null;
  /** Line position → the quantity the customer chose (adjustable lines only). */
  quantities: Record<number, number>;
  /** The amount a donation line was given, in minor units. */
  customAmount: number | null;
}

/** What the customer submitted with the page's form. Card data lives only in this request's memory. */
export interface PayRequest extends PayChoices {
  method: PaymentMethodData;
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

/**
 * checkout-expire, before expiring: open sessions past their expires_at whose payment still waits
 * on the customer (a 3-D Secure or bank page left unfinished). Their claim would keep the session
 * open, unexpirable, and a payment link's place taken, for good. The payment is canceled as
 * abandoned, then the session follows it (the claim released), so the expiry that follows takes
 * it. A customer finishing meanwhile wins: the cancel is refused and the session completes.
 * Returns how many sessions were released or completed.
 */
export async function releaseAbandonedSessions(services: Services, limit = 100): Promise<number> {
  const due = await services.db
    .select()
    .from(checkoutSessions)
    .where(
      and(
        eq(checkoutSessions.status, "open"),
        eq(checkoutSessions.mode, "payment"),
        lte(checkoutSessions.expiresAt, services.clock.now()),
        isNotNull(checkoutSessions.paymentId),
      ),
    )
    .orderBy(asc(checkoutSessions.expiresAt))
    .limit(limit);
  let released = 0;
  for (const row of due) {
    const ctx = contextOf(services, row);
    const payment = await retrievePayment({ ctx, id: row.paymentId ?? "" });
    if (payment.status === "requires_action") {
      try {
        await cancelPayment({ ctx, id: payment.id, reason: "abandoned" });
      } catch (error) {
        // Refused: the payment moved on (the customer finished); the session follows it below.
        if (!(error instanceof ApiError)) throw error;
      }
    }
    const after = await resumeFrom(ctx, row);
    if (after.row.paymentClaim === null || after.row.status !== "open") released += 1;
  }
  return released;
}

/** A claim this old that never recorded its payment belongs to a request that is gone. */
const CLAIM_STALE_MS = 15 * 60 * 1000;

/**
 * checkout-expire, first: open sessions whose claim never recorded its payment, because the
 * request that claimed died after the claim (a database or runtime failure). The payment it made,
 * if any (tagged with the session in its first write, so it is found whenever it exists), is
 * adopted and the session follows it; a payment still being decided (requires_confirmation) is
 * left to payment-reconcile for a later run. With no such payment nothing was charged, and the
 * claim is released (processing_error), so the customer can pay and the session can expire.
 * Returns how many sessions were adopted or released.
 */
export async function recoverStalledClaims(services: Services, limit = 100): Promise<number> {
  const stale = new Date(services.clock.now().getTime() - CLAIM_STALE_MS);
  const due = await services.db
    .select()
    .from(checkoutSessions)
    .where(
      and(
        eq(checkoutSessions.status, "open"),
        eq(checkoutSessions.mode, "payment"),
        isNotNull(checkoutSessions.paymentClaim),
        isNull(checkoutSessions.paymentId),
        lte(checkoutSessions.updatedAt, stale),
      ),
    )
    .orderBy(asc(checkoutSessions.updatedAt))
    .limit(limit);
  let recovered = 0;
  for (const row of due) {
    const ctx = contextOf(services, row);
    const guard = and(
      eq(checkoutSessions.paymentClaim, row.paymentClaim ?? ""),
      isNull(checkoutSessions.paymentId),
    ) as SQL;
    const [payment] = await livePaymentsTagged({
      ctx,
      key: "checkout_session",
      value: row.id,
      createdSince: row.createdAt,
    });
    if (payment?.status === "requires_confirmation" || payment?.status === "requires_payment_method")
      continue;
    await (payment ? applyPayment(ctx, row, payment, guard) : release(ctx, row, guard, "processing_error"));
    recovered += 1;
  }
  return recovered;
}

async function resumeFrom(ctx: ServiceContext, row: CheckoutSessionRow): Promise<CheckoutPageState> {
  const paymentId = row.paymentId ?? "";
  const payment = await retrievePayment({ ctx, id: paymentId });
  const guard = eq(checkoutSessions.paymentId, paymentId);
  const { subscriptionAttempt } = row;
  if (subscriptionAttempt) return resumeSubscription(ctx, { ...row, subscriptionAttempt }, payment, guard);
  return applyPayment(ctx, row, payment, guard);
}

type Refusal = "amount_out_of_range" | "quantity_out_of_range" | "nothing_to_pay" | "coupon_not_applicable";

/** The lines with what the customer chose, within the merchant's bounds, or why not. */
function chosenLines(row: CheckoutSessionRow, choices: PayChoices): LineItemColumn[] | Refusal {
  const lines: LineItemColumn[] = [];
  for (const [index, line] of row.lineItems.entries()) {
    if (line.customAmount) {
      const amount = choices.customAmount ?? Number.NaN;
      const { minimum, maximum } = line.customAmount;
      if (!Number.isSafeInteger(amount) || amount < minimum || amount > maximum) return "amount_out_of_range";
      lines.push({ ...line, terms: { ...line.terms, unitAmount: amount } });
    } else if (line.adjustable) {
      const quantity = choices.quantities[index] ?? line.quantity;
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

/** What the customer's choices cost: the lines, their subtotal and the applied code's discount. */
export interface Priced {
  lines: LineItemColumn[];
  subtotal: number;
  discount: number;
}

export function priceChoices(row: CheckoutSessionRow, choices: PayChoices): Priced | Refusal {
  const lines = chosenLines(row, choices);
  if (typeof lines === "string") return lines;
  const subtotal = totalOrNull(lines);
  if (subtotal === null) return "quantity_out_of_range";
  // A subscription may cost nothing today (a trial); it needs an item, and a customer to bill.
  if (row.mode === "subscription" ? lines.every((line) => line.quantity < 1) : subtotal < 1) {
    return "nothing_to_pay";
  }
  const discount = discountOf(row.promotionCode, lines, row.currency);
  if (discount === null) return "coupon_not_applicable";
  return { lines, subtotal, discount };
}

/** A session claimed for one payment, and the compare-and-set condition that holds the claim. */
export interface ClaimedSession {
  claimed: CheckoutSessionRow;
  guard: SQL;
}

/**
 * Claims the session for one payment of what the customer chose: checkout_claim (in SQL) by
 * compare-and-set, so a double click or a second tab finds it claimed and only shows the outcome;
 * a payment link's completed-sessions limit is reserved in the same function. Answers the page
 * instead when the choices are refused or the session is not the customer's to pay.
 */
export async function claimSession(
  services: Services,
  row: CheckoutSessionRow,
  choices: PayChoices,
): Promise<ClaimedSession | CheckoutPageState | null> {
  if (row.status !== "open" || row.paymentClaim) return loadCheckoutPage(services, row.id);
  const priced = priceChoices(row, choices);
  if (typeof priced === "string") return state(row, { error: priced });
  const { lines, subtotal, discount } = priced;
  // The wallet script's email reaches here unchecked (the card form's is checked with its billing details).
  if (choices.email !== null && !customerEmailSchema.safeParse(choices.email).success) {
    return state(row, { error: "invalid" });
  }
  const email = row.customerEmail ?? choices.email;
  // A subscription bills a customer; a promotion code is redeemed by one: both need an email.
  if ((row.mode === "subscription" || row.promotionCode) && !row.customerId && !email) {
    return state(row, { error: row.promotionCode ? "email_required" : "invalid" });
  }
  const token = randomBase62(24);
  const now = services.clock.now();
  const { db } = services;
  const values = {
    lineItems: lines,
    amountTotal: subtotal - discount,
    amountDiscount: discount,
    customerEmail: email,
  };
  const [claim] = await runBatch(services, [
    db.execute(sql`select checkout_claim(${row.id}, ${token}, ${now.toISOString()}::timestamptz) as outcome`),
    db
      .update(checkoutSessions)
      .set({ ...values, updatedAt: now })
      .where(and(eq(checkoutSessions.id, row.id), eq(checkoutSessions.paymentClaim, token))),
  ]);
  const outcome = (claim as { rows?: Array<{ outcome?: string }> }).rows?.[0]?.outcome;
  if (outcome === "sold_out") return state(row, { error: "sold_out" });
  if (outcome !== "claimed") return loadCheckoutPage(services, row.id);
  return {
    claimed: { ...row, ...values, paymentClaim: token },
    guard: eq(checkoutSessions.paymentClaim, token),
  };
}

export function isClaimed(result: ClaimedSession | CheckoutPageState | null): result is ClaimedSession {
  return result !== null && "claimed" in result;
}

/**
 * The claimed session's charge: the code's one redemption first (refused: the claim is released
 * with the reason), then `charge` with no transaction open; its outcome completes the session
 * (with checkout.session.completed), sends the customer to 3-D Secure or the bank, or releases the
 * claim so the customer can try another card. A code that takes everything off needs no payment.
 */
export async function chargeClaimed(
  ctx: ServiceContext,
  { claimed, guard }: ClaimedSession,
  charge: (row: CheckoutSessionRow) => Promise<Payment>,
): Promise<CheckoutPageState> {
  const redeemed = await redeemForPayment(ctx, claimed, guard);
  if (redeemed.refusal) return release(ctx, redeemed.row, guard, redeemed.refusal);
  const row = redeemed.row;
  if (row.amountTotal === 0) {
    return complete(ctx, row, { paymentId: null, paymentStatus: "no_payment_required" }, guard);
  }
  let payment: Payment;
  try {
    payment = await charge(row);
  } catch (error) {
    // A refusal decided before or by the provider: nothing was charged, the customer may retry.
    if (error instanceof ApiError) return release(ctx, row, guard, error.code);
    throw error;
  }
  return applyPayment(ctx, row, payment, guard);
}

/** The hosted page's form: exactly one payment per session (claimSession, chargeClaimed). */
export async function paySession(
  services: Services,
  row: CheckoutSessionRow,
  request: PayRequest,
): Promise<CheckoutPageState | null> {
  const claim = await claimSession(services, row, request);
  if (!isClaimed(claim)) return claim;
  const ctx = contextOf(services, row);
  if (row.mode === "subscription") return subscribeSession(ctx, claim.claimed, request.method, claim.guard);
  return chargeClaimed(ctx, claim, (claimed) =>
    createPayment({
      ctx,
      input: {
        amount: claimed.amountTotal,
        currency: claimed.currency,
        customer: claimed.customerId ?? undefined,
        payment_method_data: request.method,
        capture_method: "automatic",
        confirm: true,
        description: clipText(claimed.lineItems.map((line) => line.description).join(", "), 1000),
        metadata: { checkout_session: claimed.id },
        return_url: new URL(`/checkout/${claimed.id}/return`, services.config.PUBLIC_URL).toString(),
      },
    }),
  );
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
