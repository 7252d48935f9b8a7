import type { ServiceContext } from "../../core/context";
import { notFound } from "../../core/errors";
import { tenantRow } from "../../core/tenancy";
import { type PromotionCodeRow, promotionCodes } from "./tables";

/** A promotion code of this merchant and environment, or a 404. */
export async function readPromotionCode(ctx: ServiceContext, id: string): Promise<PromotionCodeRow> {
  const [row] = await ctx.services.db
    .select()
    .from(promotionCodes)
    .where(tenantRow(promotionCodes, ctx, id))
    .limit(1);
  if (!row) throw notFound("promotion code", id);
  return row;
}
