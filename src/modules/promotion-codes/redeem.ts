import { and, eq, sql } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { tenantScope } from "../../core/tenancy";
import {
  checkCouponTerms,
  couponQuery,
  type Discount,
  type DiscountTerms,
  type RedeemInput,
  type RedemptionClaim,
  redeemCoupon,
} from "../coupons/service";
import { readPromotionCode } from "./rows";
import { type PromotionCodeRow, promotionCodeCustomers, promotionCodes } from "./tables";

function restricted(message: string, param: string): ApiError {
  return new ApiError("promotion_code_restricted", { message, param });
}

/** The code's own terms against this redemption, with no I/O. */
function decide(
  code: PromotionCodeRow,
  input: Omit<RedeemInput, "customer"> & { customer: string | null },
  now: Date,
): void {
  if (!code.active) throw new ApiError("promotion_code_inactive");
  if (code.expiresAt !== null && code.expiresAt <= now) throw new ApiError("promotion_code_expired");
  if (code.maxRedemptions !== null && code.timesRedeemed >= code.maxRedemptions) {
    throw new ApiError("promotion_code_max_redemptions_reached");
  }
  if (code.customerId !== null && code.customerId !== input.customer) {
    throw restricted("This promotion code belongs to another customer.", "customer");
  }
  if (code.minimumAmount !== null) {
    if (input.currency !== code.minimumAmountCurrency) {
      throw restricted(`This promotion code needs an amount in ${code.minimumAmountCurrency}.`, "currency");
    }
    if (input.amount < code.minimumAmount) {
      throw restricted(`This promotion code needs an amount of at least ${code.minimumAmount}.`, "amount");
    }
  }
}

/**
 * The code's counters, claimed in the coupon's statement: its redemptions below max_redemptions,
 * and this customer's below max_redemptions_per_customer (an upsert whose update only happens under
 * the limit, so parallel redemptions by one customer serialize on that row and stop exactly at it).
 */
function codeClaims(ctx: ServiceContext, code: PromotionCodeRow, customerId: string): RedemptionClaim[] {
  const { db } = ctx.services;
  const now = ctx.services.clock.now();
  const update = db
    .update(promotionCodes)
    .set({ timesRedeemed: sql`${promotionCodes.timesRedeemed} + 1`, updatedAt: now })
    .where(
      and(
        eq(promotionCodes.id, code.id),
        ...tenantScope(promotionCodes, ctx),
        eq(promotionCodes.active, true),
        sql`(${promotionCodes.maxRedemptions} is null or ${promotionCodes.timesRedeemed} < ${promotionCodes.maxRedemptions})`,
      ),
    )
    .returning({ id: promotionCodes.id });
  const limit = code.maxRedemptionsPerCustomer;
  const perCustomer = db
    .insert(promotionCodeCustomers)
    .values({ promotionCodeId: code.id, customerId, timesRedeemed: 1 })
    .onConflictDoUpdate({
      target: [promotionCodeCustomers.promotionCodeId, promotionCodeCustomers.customerId],
      set: { timesRedeemed: sql`${promotionCodeCustomers.timesRedeemed} + 1` },
      setWhere: limit === null ? undefined : sql`${promotionCodeCustomers.timesRedeemed} < ${limit}`,
    })
    .returning({ id: promotionCodeCustomers.promotionCodeId });
  return [
    {
      name: "code_claim",
      member: sql`code_claim as ${update}`,
      refusal: "promotion_code_max_redemptions_reached",
    },
    {
      name: "customer_claim",
      member: sql`customer_claim as ${perCustomer}`,
      refusal: "promotion_code_customer_limit_reached",
    },
  ];
}

/** Redeems a promotion code: its own restrictions, then its coupon's, in one write batch. */
export async function redeemPromotionCode({
  ctx,
  id,
  input,
}: {
  ctx: ServiceContext;
  id: string;
  input: RedeemInput;
}): Promise<Discount> {
  const code = await readPromotionCode(ctx, id);
  decide(code, input, ctx.services.clock.now());
  return redeemCoupon({
    ctx,
    input: { ...input, coupon: code.couponId },
    promotionCode: {
      id: code.id,
      claims: codeClaims(ctx, code, input.customer),
      firstTimeOnly: code.firstTimeTransaction,
    },
  });
}

/** What a code would take off a purchase, before anything is redeemed. */
export interface PromotionCodeQuote {
  id: string;
  code: string;
  coupon: string;
  terms: DiscountTerms;
  /** The coupon's products, when it is restricted to some. */
  products: string[] | null;
  /** What the discount applies to (the lines of the coupon's products), and the first such product. */
  eligibleAmount: number;
  product: string | undefined;
  discountAmount: number;
}

/** One line of a purchase, for a quote: its product (if any) and its amount. */
export interface QuoteLine {
  product: string | null;
  amount: number;
}

/** Whether a coupon restricted to `products` (null: no restriction) discounts a line of `product`. */
export function discountsProduct(products: readonly string[] | null, product: string | null): boolean {
  return !products || (product !== null && products.includes(product));
}

/** The lines a coupon restricted to `products` discounts (all without a restriction): their sum and first product. */
export function eligibleLines(lines: readonly QuoteLine[], products: readonly string[] | null) {
  const eligible = lines.filter((line) => discountsProduct(products, line.product));
  return {
    amount: eligible.reduce((sum, line) => sum + line.amount, 0),
    product: eligible.find((line) => line.product !== null)?.product ?? undefined,
  };
}

/**
 * Checks a code a customer typed (any case; active codes only) against a purchase, as redeeming
 * would, without redeeming: its expiry, redemption limit, customer and minimum amount, then its
 * coupon's terms, on the lines the coupon applies to. The first-time and per-customer limits are
 * checked when it is redeemed.
 */
export async function quotePromotionCode({
  ctx,
  code,
  input,
}: {
  ctx: ServiceContext;
  /** What the customer typed, or the code's id (a merchant's choice). */
  code: { text: string } | { id: string };
  input: { customer: string | null; currency: string; lines: readonly QuoteLine[] };
}): Promise<PromotionCodeQuote> {
  const match =
    "id" in code ? eq(promotionCodes.id, code.id) : sql`lower(${promotionCodes.code}) = lower(${code.text})`;
  const [row] = await ctx.services.db
    .select()
    .from(promotionCodes)
    .where(and(...tenantScope(promotionCodes, ctx), match, eq(promotionCodes.active, true)))
    .limit(1);
  if (!row) throw new ApiError("promotion_code_inactive", { param: "code", message: "No such active code." });
  const [coupon] = await couponQuery(ctx, row.couponId);
  if (!coupon) {
    throw new ApiError("promotion_code_inactive", { message: "The promotion code's coupon was deleted." });
  }
  const eligible = eligibleLines(input.lines, coupon.appliesToProducts);
  const purchase = { amount: eligible.amount, currency: input.currency, product: eligible.product };
  const now = ctx.services.clock.now();
  decide(row, { ...purchase, customer: input.customer }, now);
  const discountAmount = checkCouponTerms(coupon, purchase, now);
  return {
    id: row.id,
    code: row.code,
    coupon: coupon.id,
    terms: {
      percentOffBasisPoints: coupon.percentOffBasisPoints,
      amountOff: coupon.amountOff,
      currency: coupon.currency,
      currencyOptions: coupon.currencyOptions,
    },
    products: coupon.appliesToProducts,
    eligibleAmount: eligible.amount,
    product: eligible.product,
    discountAmount,
  };
}
