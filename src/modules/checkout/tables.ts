import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, jsonb, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import type { Environment } from "../../core/tables";
import type { DiscountTerms } from "../coupons/service";
import type { PriceTerms } from "../prices/service";

export const checkoutStatuses = ["open", "complete", "expired"] as const;
export type CheckoutStatus = (typeof checkoutStatuses)[number];
export const checkoutPaymentStatuses = ["paid", "unpaid", "no_payment_required"] as const;
export type CheckoutPaymentStatus = (typeof checkoutPaymentStatuses)[number];

export const checkoutModes = ["payment", "subscription"] as const;
export type CheckoutMode = (typeof checkoutModes)[number];

export const checkoutLocales = ["auto", "en", "fr", "de", "es", "pt", "hi", "ja"] as const;
export type CheckoutLocale = (typeof checkoutLocales)[number];

/**
 * One line of a session, priced when the session was created; `terms` reprices an adjusted
 * quantity. A line's id is derived from the session's id and its position (rows.ts).
 */
export interface LineItemColumn {
  price: string | null;
  product: string | null;
  description: string;
  currency: string;
  quantity: number;
  terms: PriceTerms;
  adjustable: { minimum: number; maximum: number } | null;
  /** A donation: the customer picks the amount (one unit) within these bounds. */
  customAmount: { minimum: number; maximum: number; preset: number | null } | null;
  /** Subscription mode: the price's period (absent on sessions written before subscriptions). */
  recurring?: { interval: string; intervalCount: number } | null;
}

/**
 * A promotion code the customer applied on the page (or a discount the merchant set at creation):
 * what it takes off, kept so the page and the payment compute the same discount for any quantity.
 * Applying redeems nothing.
 */
export interface AppliedPromotionCodeColumn {
  /** The promotion code; null for a coupon the merchant set at creation (`discounts`). */
  id: string | null;
  code: string | null;
  coupon: string;
  /** The coupon's name, the page's label when there is no code. */
  name?: string | null;
  terms: DiscountTerms;
  /** The coupon's products: only their lines are discounted; null for the whole order. */
  products: string[] | null;
}

/** Subscription mode: what the subscription is created with on completion. */
export interface SubscriptionAttemptColumn {
  subscription: string;
  card: string;
  previousDefault: string | null;
}

export interface SubscriptionDataColumn {
  trialPeriodDays: number | null;
  trialEnd: string | null;
  metadata: Record<string, string>;
}

export const checkoutSessions = pgTable(
  "checkout_sessions",
  {
    id: text("id").primaryKey(),
    merchantId: text("merchant_id").notNull(),
    environment: text("environment").$type<Environment>().notNull(),
    status: text("status").$type<CheckoutStatus>().notNull(),
    paymentStatus: text("payment_status").$type<CheckoutPaymentStatus>().notNull(),
    mode: text("mode").$type<CheckoutMode>().notNull(),
    currency: text("currency").notNull(),
    /** The total at creation; an adjusted quantity changes it when the customer pays. */
    amountTotal: bigint("amount_total", { mode: "number" }).notNull(),
    lineItems: jsonb("line_items").$type<LineItemColumn[]>().notNull(),
    customerId: text("customer_id"),
    customerEmail: text("customer_email"),
    /** Null for a payment link that shows a message after completion instead of redirecting. */
    successUrl: text("success_url"),
    cancelUrl: text("cancel_url"),
    paymentMethodTypes: jsonb("payment_method_types").$type<string[]>().notNull(),
    locale: text("locale").$type<CheckoutLocale>().notNull(),
    allowPromotionCodes: boolean("allow_promotion_codes").notNull(),
    promotionCode: jsonb("promotion_code").$type<AppliedPromotionCodeColumn>(),
    /** What the applied code took off the total charged (0 without one). */
    amountDiscount: bigint("amount_discount", { mode: "number" }).notNull().default(0),
    /** The redemption of the applied code, made once for this session's payment. */
    discountId: text("discount_id"),
    paymentLinkId: text("payment_link_id"),
    /** After completion: the message a payment link shows instead of redirecting. */
    completionMessage: text("completion_message"),
    /**
     * The hosted page's claim on the one payment of this session: set by compare-and-set when the
     * customer submits, so a double click or a second tab can't start a second payment.
     */
    paymentClaim: text("payment_claim"),
    paymentId: text("payment_id"),
    /** Subscription mode: the trial and metadata asked for, and the subscription made on completion. */
    subscriptionData: jsonb("subscription_data").$type<SubscriptionDataColumn>(),
    subscriptionId: text("subscription_id"),
    /**
     * Subscription mode, while the first charge waits on 3-D Secure: the incomplete subscription and
     * the card this checkout saved (with the default it replaced), to finish or undo on the return.
     */
    subscriptionAttempt: jsonb("subscription_attempt").$type<SubscriptionAttemptColumn>(),
    /** Failed attempts so far (declines the customer retried after). */
    failedAttempts: integer("failed_attempts").notNull().default(0),
    lastError: text("last_error"),
    metadata: jsonb("metadata").$type<Record<string, string>>().notNull().default({}),
    expiresAt: timestamp("expires_at", { withTimezone: true, mode: "date" }).notNull(),
    completedAt: timestamp("completed_at", { withTimezone: true, mode: "date" }),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull(),
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull(),
  },
  (table) => [
    index("checkout_sessions_merchant_created_idx").on(
      table.merchantId,
      table.environment,
      table.createdAt,
      table.id,
    ),
    index("checkout_sessions_open_expiry_idx").on(table.expiresAt).where(sql`${table.status} = 'open'`),
    index("checkout_sessions_payment_link_idx").on(table.paymentLinkId),
  ],
);

export type CheckoutSessionRow = typeof checkoutSessions.$inferSelect;
