import { and, eq, isNull, type SQL } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext, Services } from "../../core/context";
import { ApiError } from "../../core/errors";
import {
  checkCouponTerms,
  couponMissing,
  couponQuery,
  discountAmount,
  redeemCoupon,
} from "../coupons/service";
import { createCustomer } from "../customers/service";
import {
  eligibleLines,
  type QuoteLine,
  quotePromotionCode,
  redeemPromotionCode,
} from "../promotion-codes/service";
import { type CheckoutPageState, contextOf, state } from "./outcome";
import { lineAmount } from "./rows";
import {
  type AppliedPromotionCodeColumn,
  type CheckoutSessionRow,
  checkoutSessions,
  type LineItemColumn,
} from "./tables";

/**
 * Promotion codes on the hosted page. Applying a code checks it (the promotion-codes service's
 * quote: expiry, limits, restrictions, the coupon's terms) and keeps it on the session with what it
 * takes off; nothing is redeemed. The redemption happens once, for the session's payment, after the
 * session is claimed (redeemForPayment).
 */

function quoteLines(lines: readonly LineItemColumn[]): QuoteLine[] {
  return lines.map((line) => ({ product: line.product, amount: Number(lineAmount(line, line.quantity)) }));
}

/** What the applied code takes off these lines: 0 without a code, null when it no longer applies. */
export function discountOf(
  applied: AppliedPromotionCodeColumn | null,
  lines: readonly LineItemColumn[],
  currency: string,
): number | null {
  if (!applied) return 0;
  const eligible = eligibleLines(quoteLines(lines), applied.products);
  if (applied.products && eligible.product === undefined) return null;
  return discountAmount(applied.terms, eligible.amount, currency);
}

/**
 * The customer applies (or, with `code` null, removes) a code for the lines they chose. The session
 * keeps the code, the lines and the discounted total (compare-and-set on an open, unclaimed session),
 * so the page shows them; a refusal is the page's error, in the customer's language.
 */
export async function applyPromotionCode(
  services: Services,
  row: CheckoutSessionRow,
  code: string | null,
  lines: LineItemColumn[],
  subtotal: number,
): Promise<CheckoutPageState> {
  const ctx = contextOf(services, row);
  let applied: AppliedPromotionCodeColumn | null = null;
  let discount = 0;
  if (code) {
    try {
      const quote = await quotePromotionCode({
        ctx,
        code: { text: code },
        input: { customer: row.customerId, currency: row.currency, lines: quoteLines(lines) },
      });
      applied = {
        id: quote.id,
        code: quote.code,
        coupon: quote.coupon,
        terms: quote.terms,
        products: quote.products,
      };
      discount = quote.discountAmount;
    } catch (error) {
      if (error instanceof ApiError) return state(row, { error: error.code });
      throw error;
    }
  }
  const values = {
    promotionCode: applied,
    amountDiscount: discount,
    amountTotal: subtotal - discount,
    lineItems: lines,
    lastError: null,
    updatedAt: services.clock.now(),
  };
  const [result] = await runBatch(services, [
    services.db
      .update(checkoutSessions)
      .set(values)
      .where(
        and(
          eq(checkoutSessions.id, row.id),
          eq(checkoutSessions.status, "open"),
          isNull(checkoutSessions.paymentClaim),
        ),
      )
      .returning({ id: checkoutSessions.id }),
  ]);
  if ((result as unknown[]).length !== 1) return state(row);
  return state({ ...row, ...values });
}

/**
 * The one redemption of the session's code, for its payment: made after the session is claimed
 * (so one request per session gets here) and before the charge, so the code's limits hold for
 * what is charged. A customer is needed (the code's per-customer limits): the session's, else one
 * made from the email. The session keeps the discount (and the customer), so a retry after a
 * declined card pays with the same redemption instead of redeeming again.
 */
export async function redeemForPayment(
  ctx: ServiceContext,
  row: CheckoutSessionRow,
  guard: SQL,
): Promise<{ row: CheckoutSessionRow; refusal: string | null }> {
  const applied = row.promotionCode;
  if (!applied || row.discountId) return { row, refusal: null };
  const customerId =
    row.customerId ?? (await createCustomer({ ctx, input: { email: row.customerEmail ?? undefined } })).id;
  const eligible = eligibleLines(quoteLines(row.lineItems), applied.products);
  let discountId: string;
  const purchase = {
    customer: customerId,
    amount: eligible.amount,
    currency: row.currency,
    product: eligible.product,
  };
  try {
    const discount = applied.id
      ? await redeemPromotionCode({ ctx, id: applied.id, input: purchase })
      : await redeemCoupon({ ctx, input: { ...purchase, coupon: applied.coupon } });
    discountId = discount.id;
  } catch (error) {
    // The customer made here stays with the session (release keeps it), so a retry reuses it.
    if (error instanceof ApiError) return { row: { ...row, customerId }, refusal: error.code };
    throw error;
  }
  const values = { customerId, discountId, updatedAt: ctx.services.clock.now() };
  await runBatch(ctx.services, [
    ctx.services.db
      .update(checkoutSessions)
      .set(values)
      .where(and(eq(checkoutSessions.id, row.id), guard)),
  ]);
  return { row: { ...row, ...values }, refusal: null };
}

/**
 * The discount a merchant sets when creating a session (`discounts: [{coupon} | {promotion_code}]`),
 * checked against its lines as the page's Apply checks a code; nothing is redeemed until paying.
 */
export async function discountAtCreate(
  ctx: ServiceContext,
  wanted: { coupon?: string | undefined; promotion_code?: string | undefined },
  session: { lines: readonly LineItemColumn[]; currency: string; customerId: string | null },
): Promise<{ applied: AppliedPromotionCodeColumn; discount: number }> {
  const lines = quoteLines(session.lines);
  if (wanted.promotion_code) {
    const quote = await quotePromotionCode({
      ctx,
      code: { id: wanted.promotion_code },
      input: { customer: session.customerId, currency: session.currency, lines },
    });
    const { id, code, coupon, terms, products } = quote;
    return { applied: { id, code, coupon, terms, products }, discount: quote.discountAmount };
  }
  const couponId = wanted.coupon ?? "";
  const [coupon] = await couponQuery(ctx, couponId);
  if (!coupon) throw couponMissing(couponId, "discounts[0].coupon");
  const eligible = eligibleLines(lines, coupon.appliesToProducts);
  const discount = checkCouponTerms(
    coupon,
    { amount: eligible.amount, currency: session.currency, product: eligible.product },
    ctx.services.clock.now(),
  );
  const terms = {
    percentOffBasisPoints: coupon.percentOffBasisPoints,
    amountOff: coupon.amountOff,
    currency: coupon.currency,
    currencyOptions: coupon.currencyOptions,
  };
  return {
    applied: {
      id: null,
      code: null,
      coupon: coupon.id,
      name: coupon.name,
      terms,
      products: coupon.appliesToProducts,
    },
    discount,
  };
}
