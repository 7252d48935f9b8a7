import { and, eq, type SQL, sql } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { databaseErrorCode } from "../../core/db";
import { ApiError, type ErrorCode, errorCatalog } from "../../core/errors";
import { changeStatement } from "../../core/events";
import { newId } from "../../core/ids";
import { countryOf, customerAddressQuery } from "../customers/service";
import { productOf, productQuery } from "../products/service";
import { discountAmount } from "./discount";
import type { Discount, RedeemInput } from "./schemas";
import { type CouponRow, coupons, type DiscountRow, discounts } from "./tables";

/** SQLSTATE raised by billing_require (migrations/0014), with the error code as its DETAIL. */
const BILLING_REFUSAL = "MP020";

/**
 * A counter another area claims in the same statement as the coupon's (a promotion code's
 * redemptions, a customer's uses of it): a data-modifying CTE member `name as (… returning …)`
 * that returns a row only when the claim is within its limit; no row refuses with `refusal`.
 */
export interface RedemptionClaim {
  name: string;
  member: SQL;
  refusal: ErrorCode;
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

/** The coupon's terms against this purchase, with no I/O: the discount, or the refusal. */
function decide(coupon: CouponRow, input: RedeemCouponInput, now: Date): number {
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
 * The claims as one statement: the coupon's counter goes up only while below max_redemptions
 * (a conditional UPDATE, so 50 parallel redemptions of a coupon limited to 10 give exactly 10),
 * and so do the caller's counters; a claim that matched no row raises, rolling the batch back.
 */
function claimStatement(ctx: ServiceContext, coupon: CouponRow, extra: RedemptionClaim[]): SQL {
  const now = ctx.services.clock.now();
  const update = ctx.services.db
    .update(coupons)
    .set({ timesRedeemed: sql`${coupons.timesRedeemed} + 1`, updatedAt: now })
    .where(
      and(
        eq(coupons.id, coupon.id),
        eq(coupons.merchantId, ctx.merchantId),
        eq(coupons.environment, ctx.environment),
        sql`${coupons.deletedAt} is null`,
        sql`(${coupons.maxRedemptions} is null or ${coupons.timesRedeemed} < ${coupons.maxRedemptions})`,
      ),
    )
    .returning({ id: coupons.id });
  const claims: RedemptionClaim[] = [
    {
      name: "coupon_claim",
      member: sql`coupon_claim as ${update}`,
      refusal: "coupon_max_redemptions_reached",
    },
    ...extra,
  ];
  const checks = claims.map(
    (claim) =>
      sql`billing_require(exists(select 1 from ${sql.raw(claim.name)}), ${claim.refusal}) as ${sql.raw(`${claim.name}_ok`)}`,
  );
  return sql`with ${sql.join(
    claims.map((claim) => claim.member),
    sql`, `,
  )} select ${sql.join(checks, sql`, `)}`;
}

/** A billing_require refusal raised in a batch, as the API error it names. */
function billingRefusal(error: unknown): ApiError | undefined {
  if (databaseErrorCode(error) !== BILLING_REFUSAL) return undefined;
  for (let current = error; typeof current === "object" && current !== null; ) {
    if ("detail" in current && typeof current.detail === "string" && current.detail in errorCatalog) {
      return new ApiError(current.detail as ErrorCode);
    }
    current = "cause" in current ? current.cause : undefined;
  }
  return undefined;
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
  promotionCode?: { id: string; claims: RedemptionClaim[] };
}): Promise<Discount> {
  const { db } = ctx.services;
  const [couponRows, customerRows, productRows] = await db.batch([
    db
      .select()
      .from(coupons)
      .where(
        and(
          eq(coupons.id, input.coupon),
          eq(coupons.merchantId, ctx.merchantId),
          eq(coupons.environment, ctx.environment),
          sql`${coupons.deletedAt} is null`,
        ),
      )
      .limit(1),
    customerAddressQuery(ctx, input.customer),
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
  const off = decide(coupon, input, now);
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
  try {
    await runBatch(
      ctx.services,
      [
        db.execute(claimStatement(ctx, coupon, promotionCode?.claims ?? [])),
        db.insert(discounts).values(row),
        db.execute(changeStatement(ctx, { type: "discount.created", object: discount })),
      ],
      { response: discount },
    );
  } catch (error) {
    throw billingRefusal(error) ?? error;
  }
  return discount;
}

/** Whether the customer has redeemed any coupon of this merchant and environment before. */
export async function customerHasRedemptions(ctx: ServiceContext, customerId: string): Promise<boolean> {
  const rows = await ctx.services.db
    .select({ id: discounts.id })
    .from(discounts)
    .where(
      and(
        eq(discounts.merchantId, ctx.merchantId),
        eq(discounts.environment, ctx.environment),
        eq(discounts.customerId, customerId),
      ),
    )
    .limit(1);
  return rows.length > 0;
}
