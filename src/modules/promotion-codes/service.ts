import { eq, sql } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { databaseErrorFacts } from "../../core/db-errors";
import { ApiError } from "../../core/errors";
import { changeStatement, previousAttributes } from "../../core/events";
import { newId, randomBase62 } from "../../core/ids";
import { type ListPage, paginateTable } from "../../core/pagination";
import { tenantRow, tenantScope } from "../../core/tenancy";
import { couponMissing, couponQuery } from "../coupons/service";
import { countryOf, customerAddressQuery } from "../customers/service";
import { readPromotionCode } from "./rows";
import type {
  CreatePromotionCodeInput,
  ListPromotionCodesQuery,
  PromotionCode,
  UpdatePromotionCodeInput,
} from "./schemas";
import { type PromotionCodeRow, promotionCodes } from "./tables";

export {
  discountsProduct,
  eligibleLines,
  type PromotionCodeQuote,
  type QuoteLine,
  quotePromotionCode,
  redeemPromotionCode,
} from "./redeem";

export function toPromotionCode(row: PromotionCodeRow): PromotionCode {
  return {
    id: row.id,
    object: "promotion_code",
    environment: row.environment,
    code: row.code,
    coupon: row.couponId,
    active: row.active,
    customer: row.customerId,
    max_redemptions: row.maxRedemptions,
    times_redeemed: row.timesRedeemed,
    expires_at: row.expiresAt?.toISOString() ?? null,
    restrictions: {
      first_time_transaction: row.firstTimeTransaction,
      minimum_amount: row.minimumAmount,
      minimum_amount_currency: row.minimumAmountCurrency,
      max_redemptions_per_customer: row.maxRedemptionsPerCustomer,
    },
    metadata: row.metadata,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** A write that hit the one-active-code index (case-insensitive), as the API error it means. */
async function codeGuard<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (databaseErrorFacts(error)?.constraint === "promotion_codes_active_code_idx") {
      throw new ApiError("promotion_code_taken", { param: "code" });
    }
    throw error;
  }
}

function restrictionColumns(input: CreatePromotionCodeInput) {
  const restrictions = input.restrictions ?? {};
  const minimum = restrictions.minimum_amount;
  const currency = restrictions.minimum_amount_currency;
  if ((minimum === undefined) !== (currency === undefined)) {
    throw new ApiError("parameter_missing", {
      param: minimum === undefined ? "restrictions.minimum_amount" : "restrictions.minimum_amount_currency",
      message: "minimum_amount and minimum_amount_currency go together.",
    });
  }
  return {
    firstTimeTransaction: restrictions.first_time_transaction ?? false,
    minimumAmount: minimum ?? null,
    minimumAmountCurrency: currency ?? null,
    maxRedemptionsPerCustomer: restrictions.max_redemptions_per_customer ?? null,
  };
}

export async function createPromotionCode({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreatePromotionCodeInput;
}): Promise<PromotionCode> {
  const now = ctx.services.clock.now();
  const expiresAt = input.expires_at === undefined ? null : new Date(input.expires_at);
  if (expiresAt && expiresAt <= now) {
    throw new ApiError("parameter_invalid", {
      param: "expires_at",
      message: "expires_at must be in the future.",
    });
  }
  const restrictions = restrictionColumns(input);
  const { db } = ctx.services;
  const [couponRows, customerRows] = await db.batch([
    couponQuery(ctx, input.coupon),
    customerAddressQuery({ ctx, id: input.customer ?? null }),
  ]);
  if (couponRows.length === 0) throw couponMissing(input.coupon, "coupon");
  if (input.customer !== undefined) countryOf(customerRows, input.customer, "customer");
  const row: PromotionCodeRow = {
    id: newId("promotionCode"),
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    code: input.code ?? randomBase62(10).toUpperCase(),
    couponId: input.coupon,
    active: input.active ?? true,
    customerId: input.customer ?? null,
    maxRedemptions: input.max_redemptions ?? null,
    timesRedeemed: 0,
    expiresAt,
    ...restrictions,
    metadata: input.metadata ?? {},
    createdAt: now,
    updatedAt: now,
  };
  const promotionCode = toPromotionCode(row);
  await codeGuard(
    runBatch(
      ctx.services,
      [
        db.insert(promotionCodes).values(row),
        db.execute(changeStatement(ctx, { type: "promotion_code.created", object: promotionCode })),
      ],
      { response: promotionCode },
    ),
  );
  return promotionCode;
}

export async function retrievePromotionCode({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<PromotionCode> {
  return toPromotionCode(await readPromotionCode(ctx, id));
}

/** Only active and metadata change; reactivating a code another active code now uses is a 409. */
export async function updatePromotionCode({
  ctx,
  id,
  input,
}: {
  ctx: ServiceContext;
  id: string;
  input: UpdatePromotionCodeInput;
}): Promise<PromotionCode> {
  const before = await readPromotionCode(ctx, id);
  const values = { active: input.active, metadata: input.metadata, updatedAt: ctx.services.clock.now() };
  const after: PromotionCodeRow = { ...before };
  for (const [key, value] of Object.entries(values))
    if (value !== undefined) Object.assign(after, { [key]: value });
  const promotionCode = toPromotionCode(after);
  const { updated_at: _updated, ...changed } = previousAttributes(toPromotionCode(before), promotionCode);
  const { db } = ctx.services;
  await codeGuard(
    runBatch(ctx.services, [
      db
        .update(promotionCodes)
        .set(values)
        .where(tenantRow(promotionCodes, ctx, id)),
      db.execute(
        changeStatement(ctx, {
          type: "promotion_code.updated",
          object: promotionCode,
          previousAttributes: changed,
        }),
      ),
    ]),
  );
  return promotionCode;
}

export async function listPromotionCodes({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListPromotionCodesQuery;
}): Promise<ListPage<PromotionCode>> {
  const filters = tenantScope(promotionCodes, ctx);
  if (query.active !== undefined) filters.push(eq(promotionCodes.active, query.active));
  if (query.code !== undefined) filters.push(sql`lower(${promotionCodes.code}) = lower(${query.code})`);
  if (query.coupon !== undefined) filters.push(eq(promotionCodes.couponId, query.coupon));
  if (query.customer !== undefined) filters.push(eq(promotionCodes.customerId, query.customer));
  const page = await paginateTable({
    db: ctx.services.db,
    table: promotionCodes,
    scope: filters,
    tenantScope: tenantScope(promotionCodes, ctx),
    query,
  });
  return { data: page.data.map(toPromotionCode), hasMore: page.hasMore };
}
