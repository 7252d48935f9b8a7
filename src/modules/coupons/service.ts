import { and, eq, isNull, type SQL } from "drizzle-orm";
import { changeApplied, runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError, notFound } from "../../core/errors";
import { changeStatement, gatedChangeStatement, previousAttributes } from "../../core/events";
import { newId } from "../../core/ids";
import { type ListPage, type ListQuery, paginateTable } from "../../core/pagination";
import { idIs, tenantScope } from "../../core/tenancy";
import { productIdsQuery } from "../products/service";
import type { Coupon, CreateCouponInput, UpdateCouponInput } from "./schemas";
import { type CouponRow, coupons } from "./tables";

export { type DiscountTerms, discountAmount } from "./discount";
export { checkCouponTerms, couponClaimUpdate, type RedemptionClaim, redeemCoupon } from "./redeem";

/** Whether the coupon can be redeemed at `now`: not deleted, not past redeem_by, not used up. */
export function couponValid(row: CouponRow, now: Date): boolean {
  return (
    row.deletedAt === null &&
    (row.redeemBy === null || row.redeemBy > now) &&
    (row.maxRedemptions === null || row.timesRedeemed < row.maxRedemptions)
  );
}

export function toCoupon(row: CouponRow, now: Date): Coupon {
  return {
    id: row.id,
    object: "coupon",
    environment: row.environment,
    name: row.name,
    percent_off: row.percentOffBasisPoints === null ? null : row.percentOffBasisPoints / 100,
    amount_off: row.amountOff,
    currency: row.currency,
    currency_options: Object.fromEntries(
      Object.entries(row.currencyOptions).map(([currency, amountOff]) => [
        currency,
        { amount_off: amountOff },
      ]),
    ),
    duration: row.duration,
    duration_in_months: row.durationInMonths,
    max_redemptions: row.maxRedemptions,
    times_redeemed: row.timesRedeemed,
    redeem_by: row.redeemBy?.toISOString() ?? null,
    applies_to: row.appliesToProducts ? { products: row.appliesToProducts } : null,
    valid: couponValid(row, now),
    metadata: row.metadata,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** Every coupon query: merchant, environment, not deleted. */
export function couponScope(ctx: ServiceContext): SQL[] {
  return [...tenantScope(coupons, ctx), isNull(coupons.deletedAt)];
}

export function couponMissing(id: string, param = "id"): ApiError {
  return notFound("coupon", id, param);
}

/** The coupon, as a query for a caller's read batch. */
export function couponQuery(ctx: ServiceContext, id: string | null) {
  return ctx.services.db
    .select()
    .from(coupons)
    .where(and(idIs(coupons.id, id), ...couponScope(ctx)))
    .limit(1);
}

/** The discount columns: exactly one of percent_off and amount_off, each with what it needs. */
function discountColumns(input: CreateCouponInput) {
  const options = input.currency_options ?? {};
  if (input.percent_off !== undefined) {
    for (const field of ["amount_off", "currency", "currency_options"] as const) {
      if (input[field] !== undefined) {
        throw new ApiError("parameter_invalid", {
          param: field,
          message: `${field} does not go with percent_off: a coupon is one or the other.`,
        });
      }
    }
    return {
      percentOffBasisPoints: Math.round(input.percent_off * 100),
      amountOff: null,
      currency: null,
      currencyOptions: {},
    };
  }
  if (input.amount_off === undefined) {
    throw new ApiError("parameter_missing", {
      param: "percent_off",
      message: "A coupon needs percent_off or amount_off.",
    });
  }
  if (input.currency === undefined) {
    throw new ApiError("parameter_missing", { param: "currency", message: "amount_off needs its currency." });
  }
  if (input.currency in options) {
    throw new ApiError("parameter_invalid", {
      param: `currency_options.${input.currency}`,
      message: "currency_options repeats the coupon's currency.",
    });
  }
  return {
    percentOffBasisPoints: null,
    amountOff: input.amount_off,
    currency: input.currency,
    currencyOptions: Object.fromEntries(
      Object.entries(options).map(([currency, option]) => [currency, option.amount_off]),
    ),
  };
}

function durationColumns(input: CreateCouponInput) {
  const duration = input.duration ?? "once";
  if (duration === "repeating" && input.duration_in_months === undefined) {
    throw new ApiError("parameter_missing", {
      param: "duration_in_months",
      message: "duration repeating needs duration_in_months.",
    });
  }
  if (duration !== "repeating" && input.duration_in_months !== undefined) {
    throw new ApiError("parameter_invalid", {
      param: "duration_in_months",
      message: "duration_in_months goes with duration repeating only.",
    });
  }
  return { duration, durationInMonths: input.duration_in_months ?? null };
}

export async function createCoupon({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateCouponInput;
}): Promise<Coupon> {
  const now = ctx.services.clock.now();
  const redeemBy = input.redeem_by === undefined ? null : new Date(input.redeem_by);
  if (redeemBy && redeemBy <= now) {
    throw new ApiError("parameter_invalid", {
      param: "redeem_by",
      message: "redeem_by must be in the future.",
    });
  }
  const discount = discountColumns(input);
  const duration = durationColumns(input);
  const restricted = input.applies_to ? [...new Set(input.applies_to.products)] : null;
  if (restricted) {
    const found = new Set((await productIdsQuery(ctx, restricted)).map((row) => row.id));
    const unknown = restricted.find((id) => !found.has(id));
    if (unknown) throw notFound("product", unknown, "applies_to.products");
  }
  const row: CouponRow = {
    id: newId("coupon"),
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    name: input.name ?? null,
    ...discount,
    ...duration,
    maxRedemptions: input.max_redemptions ?? null,
    timesRedeemed: 0,
    redeemBy,
    appliesToProducts: restricted,
    metadata: input.metadata ?? {},
    deletedAt: null,
    createdAt: now,
    updatedAt: now,
  };
  const coupon = toCoupon(row, now);
  const { db } = ctx.services;
  await runBatch(
    ctx.services,
    [
      db.insert(coupons).values(row),
      db.execute(changeStatement(ctx, { type: "coupon.created", object: coupon })),
    ],
    { response: coupon },
  );
  return coupon;
}

async function readCoupon(ctx: ServiceContext, id: string): Promise<CouponRow> {
  const [row] = await couponQuery(ctx, id);
  if (!row) throw couponMissing(id);
  return row;
}

export async function retrieveCoupon({ ctx, id }: { ctx: ServiceContext; id: string }): Promise<Coupon> {
  return toCoupon(await readCoupon(ctx, id), ctx.services.clock.now());
}

/** Only name and metadata change: the terms of a coupon are fixed once customers may hold it. */
export async function updateCoupon({
  ctx,
  id,
  input,
}: {
  ctx: ServiceContext;
  id: string;
  input: UpdateCouponInput;
}): Promise<Coupon> {
  const before = await readCoupon(ctx, id);
  const now = ctx.services.clock.now();
  const values = { name: input.name, metadata: input.metadata, updatedAt: now };
  const after: CouponRow = { ...before };
  for (const [key, value] of Object.entries(values))
    if (value !== undefined) Object.assign(after, { [key]: value });
  const coupon = toCoupon(after, now);
  const { updated_at: _updated, ...changed } = previousAttributes(toCoupon(before, now), coupon);
  const { db } = ctx.services;
  await runBatch(ctx.services, [
    db
      .update(coupons)
      .set(values)
      .where(and(eq(coupons.id, id), ...couponScope(ctx))),
    db.execute(changeStatement(ctx, { type: "coupon.updated", object: coupon, previousAttributes: changed })),
  ]);
  return coupon;
}

/**
 * Soft delete: no new redemptions (directly or through its promotion codes); discounts already
 * given keep pointing at it.
 */
export async function deleteCoupon({ ctx, id }: { ctx: ServiceContext; id: string }) {
  const before = await readCoupon(ctx, id);
  const now = ctx.services.clock.now();
  const { db } = ctx.services;
  const deleted = { ...before, deletedAt: now, updatedAt: now };
  const update = db
    .update(coupons)
    .set({ deletedAt: now, updatedAt: now })
    .where(and(eq(coupons.id, id), ...couponScope(ctx)))
    .returning({ id: coupons.id });
  // The event only if this request deleted it: of two concurrent deletes, the second finds no row.
  const change = { type: "coupon.deleted", object: toCoupon(deleted, now) };
  const [result] = await runBatch(ctx.services, [db.execute(gatedChangeStatement(ctx, update, change))]);
  if (!changeApplied(result)) throw couponMissing(id);
  return { id, object: "coupon" as const, deleted: true as const };
}

export async function listCoupons({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListQuery;
}): Promise<ListPage<Coupon>> {
  const page = await paginateTable({
    db: ctx.services.db,
    table: coupons,
    scope: couponScope(ctx),
    tenantScope: couponScope(ctx),
    query,
  });
  const now = ctx.services.clock.now();
  return { data: page.data.map((row) => toCoupon(row, now)), hasMore: page.hasMore };
}

/** The redemption contract, for areas that offer their own redeem endpoint (promotion codes). */
export { type Discount, discountSchema, type RedeemInput, redeemBody } from "./schemas";
