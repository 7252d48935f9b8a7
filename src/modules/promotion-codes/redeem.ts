import { and, eq, sql } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { tenantScope } from "../../core/tenancy";
import { type Discount, type RedeemInput, type RedemptionClaim, redeemCoupon } from "../coupons/service";
import { readPromotionCode } from "./rows";
import { type PromotionCodeRow, promotionCodeCustomers, promotionCodes } from "./tables";

function restricted(message: string, param: string): ApiError {
  return new ApiError("promotion_code_restricted", { message, param });
}

/** The code's own terms against this redemption, with no I/O. */
function decide(code: PromotionCodeRow, input: RedeemInput, now: Date): void {
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
