import { priceAmount } from "../prices/service";
import type { CheckoutLineItem, CheckoutSession } from "./schemas";
import type { CheckoutSessionRow, LineItemColumn } from "./tables";

/** The hosted page of a session, on the Worker's own origin. */
export function sessionUrl(publicUrl: string, id: string): string {
  return new URL(`/checkout/${id}`, publicUrl).toString();
}

/** A line's amount for `quantity` units, exact (bigint). */
export function lineAmount(line: LineItemColumn, quantity: number): bigint {
  return priceAmount(line.terms, quantity);
}

/** A line's id: its session's random part and its position, so it needs no storage of its own. */
export function lineItemId(sessionId: string, index: number): string {
  return `li_${sessionId.slice(sessionId.indexOf("_") + 1)}${String(index).padStart(2, "0")}`;
}

export function toLineItem(sessionId: string, line: LineItemColumn, index: number): CheckoutLineItem {
  return {
    id: lineItemId(sessionId, index),
    object: "item",
    price: line.price,
    product: line.product,
    description: line.description,
    currency: line.currency,
    quantity: line.quantity,
    amount_total: Number(lineAmount(line, line.quantity)),
    adjustable_quantity: line.adjustable ? { enabled: true, ...line.adjustable } : null,
  };
}

export function toCheckoutSession(publicUrl: string, row: CheckoutSessionRow): CheckoutSession {
  return {
    id: row.id,
    object: "checkout.session",
    environment: row.environment,
    mode: row.mode,
    status: row.status,
    payment_status: row.paymentStatus,
    url: row.status === "open" ? sessionUrl(publicUrl, row.id) : null,
    currency: row.currency,
    amount_subtotal: row.amountTotal + row.amountDiscount,
    amount_total: row.amountTotal,
    total_details: { amount_discount: row.amountDiscount },
    discounts: row.promotionCode
      ? [{ coupon: row.promotionCode.coupon, promotion_code: row.promotionCode.id }]
      : [],
    customer: row.customerId,
    customer_email: row.customerEmail,
    success_url: row.successUrl,
    cancel_url: row.cancelUrl,
    payment_method_types: row.paymentMethodTypes,
    locale: row.locale,
    allow_promotion_codes: row.allowPromotionCodes,
    payment: row.paymentId,
    subscription: row.subscriptionId,
    payment_link: row.paymentLinkId,
    metadata: row.metadata,
    expires_at: row.expiresAt.toISOString(),
    completed_at: row.completedAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
  };
}
