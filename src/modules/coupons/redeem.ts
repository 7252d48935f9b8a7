import { and, eq, type SQL, sql } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { raisedRefusal } from "../../core/db-errors";
import { ApiError, type ErrorCode } from "../../core/errors";
import { changeStatement } from "../../core/events";
import { newId } from "../../core/ids";
import { tenantScope } from "../../core/tenancy";
import { countryOf, customerAddressQuery } from "../customers/service";
import { productOf, productQuery } from "../products/service";
import { discountAmount } from "./discount";
import type { Discount, RedeemInput } from "./schemas";
import { type CouponRow, couponCustomers, coupons, type DiscountRow, discounts } from "./tables";

/**
 * A counter another area claims in the same statement as the coupon's (a promotion code's
 * redemptions, a customer's uses of it): a data-modifying CTE member `name as (… returning …)`
 * that returns a row only when the claim is within its limit; no row refuses with `refusal`.
 */
export interface RedemptionClaim {
  name: string;
  member: SQL;
  refusal: ErrorCode;
  /** What the refusal says, when more than its catalog message. */
  message?: string;
  param?: string;
}

export interface RedeemCouponInput extends RedeemInput {
  coupon: string;
}

function toDiscount(row: DiscountRow, coupon: CouponRow): Discount {
  return {
    id: row.id,
    object: "discount",
    environment: row.environment,
    coupon: row.couponId,
    promotion_code: row.promotionCodeId,
    customer: row.customerId,
    product: row.productId,
    amount: row.amount,
    currency: row.currency,
    discount_amount: row.discountAmount,
    amount_after_discount: row.amount - row.discountAmount,
    duration: coupon.duration,
    duration_in_months: coupon.durationInMonths,
    created_at: row.createdAt.toISOString(),
  };
}

/**
 * The coupon's terms against this purchase, with no I/O: the discount, or the refusal. Exported
 * so a page can check a code before anything is redeemed (promotion codes' quote).
 */
export function checkCouponTerms(
  coupon: CouponRow,
  input: Pick<RedeemCouponInput, "amount" | "currency" | "product">,
  now: Date,
): number {
  if (coupon.redeemBy !== null && coupon.redeemBy <= now)
    throw new ApiError("coupon_expired", { param: "coupon" });
  if (coupon.maxRedemptions !== null && coupon.timesRedeemed >= coupon.maxRedemptions) {
    throw new ApiError("coupon_max_redemptions_reached", { param: "coupon" });
  }
  if (coupon.appliesToProducts && !(input.product && coupon.appliesToProducts.includes(input.product))) {
    throw new ApiError("coupon_not_applicable", {
      param: "product",
      message: `The coupon applies only to ${coupon.appliesToProducts.join(", ")}.`,
    });
  }
  const off = discountAmount(coupon, input.amount, input.currency);
  if (off === null) {
    throw new ApiError("coupon_not_applicable", {
      param: "currency",
      message: `The coupon has no amount_off in ${input.currency}.`,
    });
  }
  return off;
}

/**
 * One redemption of the coupon as an UPDATE for a data-modifying CTE: the counter goes up only
 * while the coupon is not deleted and below max_redemptions, and the update returns no row
 * otherwise. Invoices claim a coupon with it in their own batch.
 */
export function couponClaimUpdate(ctx: ServiceContext, couponId: string) {
  return ctx.services.db
    .update(coupons)
    .set({ timesRedeemed: sql`${coupons.timesRedeemed} + 1`, updatedAt: ctx.services.clock.now() })
    .where(
      and(
        eq(coupons.id, couponId),
        ...tenantScope(coupons, ctx),
        sql`${coupons.deletedAt} is null`,
        sql`(${coupons.maxRedemptions} is null or ${coupons.timesRedeemed} < ${coupons.maxRedemptions})`,
      ),
    )
    .returning({ id: coupons.id });
}

/**
 * The claims as one statement: the coupon's counter goes up only while below max_redemptions
 * (a conditional UPDATE, so 50 parallel redemptions of a coupon limited to 10 give exactly 10),
 * and so do the caller's counters; a claim that matched no row raises, rolling the batch back.
 */
function claimStatement(
  ctx: ServiceContext,
  coupon: CouponRow,
  customerId: string,
  extra: RedemptionClaim[],
  firstTimeOnly: boolean,
): { statement: SQL; checked: RedemptionClaim[] } {
  const now = ctx.services.clock.now();
  const update = couponClaimUpdate(ctx, coupon.id);
  const firstRedemption = ctx.services.db
    .insert(couponCustomers)
    .values({ merchantId: ctx.merchantId, environment: ctx.environment, customerId, firstRedeemedAt: now })
    .onConflictDoNothing()
    .returning({ customerId: couponCustomers.customerId });
  const claims: RedemptionClaim[] = [
    {
      name: "coupon_claim",
      member: sql`coupon_claim as ${update}`,
      refusal: "coupon_max_redemptions_reached",
    },
    ...extra,
  ];
  // Every redemption records its customer (last, so locks are always taken in the same order);
  // only a first-time-only redemption requires that it was the one that did.
  const firstTime: RedemptionClaim = {
    name: "first_redemption",
    member: sql`first_redemption as ${firstRedemption}`,
    refusal: "promotion_code_restricted",
    message: "This promotion code is for first-time customers only.",
    param: "customer",
  };
  const members = [...claims, firstTime].map((claim) => claim.member);
  const checked = firstTimeOnly ? [...claims, firstTime] : claims;
  const checks = checked.map(
    (claim) =>
      sql`billing_require(exists(select 1 from ${sql.raw(claim.name)}), ${claim.refusal}) as ${sql.raw(`${claim.name}_ok`)}`,
  );
  return { statement: sql`with ${sql.join(members, sql`, `)} select ${sql.join(checks, sql`, `)}`, checked };
}

/** A billing_require refusal raised in a batch, as the API error of the claim it names. */
function billingRefusal(error: unknown, claims: RedemptionClaim[]): ApiError | undefined {
  const code = raisedRefusal(error);
  if (!code) return undefined;
  const claim = claims.find((candidate) => candidate.refusal === code);
  return new ApiError(code, {
    ...(claim?.message ? { message: claim.message } : {}),
    ...(claim?.param ? { param: claim.param } : {}),
  });
}

/**
 * Redeems a coupon for a customer's purchase: checks its terms, claims a redemption within its
 * limits and records the discount, all written in one batch (one round trip after one read).
 * Subscriptions, invoices and checkout call this; `promotionCode` adds a code's own counters.
 */
export async function redeemCoupon({
  ctx,
  input,
  promotionCode,
}: {
  ctx: ServiceContext;
  input: RedeemCouponInput;
  promotionCode?: { id: string; claims: RedemptionClaim[]; firstTimeOnly: boolean };
}): Promise<Discount> {
  const { db } = ctx.services;
  const [couponRows, customerRows, productRows] = await db.batch([
    db
      .select()
      .from(coupons)
      .where(
        and(eq(coupons.id, input.coupon), ...tenantScope(coupons, ctx), sql`${coupons.deletedAt} is null`),
      )
      .limit(1),
    customerAddressQuery({ ctx, id: input.customer }),
    // Without a product the purchase names none: the query for "" finds no row and is not checked.
    productQuery(ctx, input.product ?? ""),
  ]);
  const [coupon] = couponRows;
  if (!coupon) {
    if (promotionCode)
      throw new ApiError("promotion_code_inactive", { message: "The promotion code's coupon was deleted." });
    throw new ApiError("resource_missing", { param: "id", message: `No such coupon: ${input.coupon}` });
  }
  countryOf(customerRows, input.customer, "customer");
  if (input.product !== undefined) productOf(productRows, input.product, "product");
  const now = ctx.services.clock.now();
  const off = checkCouponTerms(coupon, input, now);
  const row: DiscountRow = {
    id: newId("discount"),
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    couponId: coupon.id,
    promotionCodeId: promotionCode?.id ?? null,
    customerId: input.customer,
    productId: input.product ?? null,
    amount: input.amount,
    currency: input.currency,
    discountAmount: off,
    createdAt: now,
  };
  const discount = toDiscount(row, coupon);
  const claim = claimStatement(
    ctx,
    coupon,
    input.customer,
    promotionCode?.claims ?? [],
    promotionCode?.firstTimeOnly ?? false,
  );
  try {
    await runBatch(
      ctx.services,
      [
        db.execute(claim.statement),
        db.insert(discounts).values(row),
        db.execute(changeStatement(ctx, { type: "discount.created", object: discount })),
      ],
      { response: discount },
    );
  } catch (error) {
    throw billingRefusal(error, claim.checked) ?? error;
  }
  return discount;
}
