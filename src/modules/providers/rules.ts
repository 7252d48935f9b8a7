import { and, asc, eq } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import type { Executor } from "../../core/db";
import { ApiError, notFound } from "../../core/errors";
import { previousAttributes, recordChange } from "../../core/events";
import { newId } from "../../core/ids";
import { type ListPage, type ListQuery, paginateTable } from "../../core/pagination";
import { exactlyOne, tenantRow, tenantScope } from "../../core/tenancy";
import { knownProvider } from "./catalog";
import type { RoutingRuleInput, RoutingRuleObject, UpdateRoutingRuleInput } from "./schemas";
import { type RoutingRuleRow, routingRules } from "./tables";

/** Routing rules: the merchant's pins, exclusions and volume splits. */

/** The merchant's routing rules, oldest first, as a query (for the caller's read batch). */
export function rulesQuery(ctx: ServiceContext, db: Executor = ctx.services.db) {
  return db
    .select()
    .from(routingRules)
    .where(and(...tenantScope(routingRules, ctx)))
    .orderBy(asc(routingRules.createdAt), asc(routingRules.id));
}

function toRule(row: RoutingRuleRow): RoutingRuleObject {
  return {
    id: row.id,
    object: "routing_rule",
    environment: row.environment,
    action: row.action,
    provider: row.provider,
    currency: row.currency,
    country: row.country,
    percentage: row.percentage,
    created_at: row.createdAt.toISOString(),
  };
}

/** A rule's fields, whether sent whole (create, which the schema's union already checks) or merged (update). */
type RuleFields = UpdateRoutingRuleInput & Pick<RoutingRuleInput, "action" | "provider">;

function validateRule(ctx: ServiceContext, input: RuleFields): void {
  if (!knownProvider(ctx, input.provider)) throw new ApiError("provider_unknown", { param: "provider" });
  if (input.action === "split" && !input.percentage) {
    throw new ApiError("parameter_missing", {
      param: "percentage",
      message: "A split rule needs a percentage.",
    });
  }
  if (input.action !== "split" && input.percentage) {
    throw new ApiError("parameter_invalid", {
      param: "percentage",
      message: "Only split rules take a percentage.",
    });
  }
}

export async function createRoutingRule({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: RoutingRuleInput;
}): Promise<RoutingRuleObject> {
  validateRule(ctx, input);
  return ctx.services.transaction(async (tx) => {
    const row = exactlyOne(
      await tx
        .insert(routingRules)
        .values({
          id: newId("routingRule"),
          merchantId: ctx.merchantId,
          environment: ctx.environment,
          action: input.action,
          provider: input.provider,
          currency: input.currency ?? null,
          country: input.country ?? null,
          percentage: input.percentage ?? null,
          createdAt: ctx.services.clock.now(),
        })
        .returning(),
    );
    const rule = toRule(row);
    await recordChange(ctx, { type: "routing_rule.created", object: rule }, tx);
    return rule;
  });
}

export async function retrieveRoutingRule({ ctx, id }: { ctx: ServiceContext; id: string }) {
  const [row] = await ctx.services.db
    .select()
    .from(routingRules)
    .where(tenantRow(routingRules, ctx, id))
    .limit(1);
  if (!row) throw notFound("routing rule", id);
  return toRule(row);
}

export async function updateRoutingRule({
  ctx,
  id,
  input,
}: {
  ctx: ServiceContext;
  id: string;
  input: UpdateRoutingRuleInput;
}): Promise<RoutingRuleObject> {
  return ctx.services.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(routingRules)
      .where(tenantRow(routingRules, ctx, id))
      .for("update")
      .limit(1);
    if (!before) throw notFound("routing rule", id);
    const merged: RuleFields = {
      action: input.action ?? before.action,
      provider: input.provider ?? before.provider,
      currency: input.currency === undefined ? before.currency : input.currency,
      country: input.country === undefined ? before.country : input.country,
      percentage: input.percentage === undefined ? before.percentage : input.percentage,
    };
    validateRule(ctx, merged);
    const row = exactlyOne(
      await tx
        .update(routingRules)
        .set({
          action: merged.action,
          provider: merged.provider,
          currency: merged.currency ?? null,
          country: merged.country ?? null,
          percentage: merged.percentage ?? null,
        })
        .where(eq(routingRules.id, id))
        .returning(),
    );
    const rule = toRule(row);
    await recordChange(
      ctx,
      {
        type: "routing_rule.updated",
        object: rule,
        previousAttributes: previousAttributes(toRule(before), rule),
      },
      tx,
    );
    return rule;
  });
}

export async function deleteRoutingRule({ ctx, id }: { ctx: ServiceContext; id: string }) {
  return ctx.services.transaction(async (tx) => {
    const [row] = await tx
      .delete(routingRules)
      .where(tenantRow(routingRules, ctx, id))
      .returning();
    if (!row) throw notFound("routing rule", id);
    await recordChange(ctx, { type: "routing_rule.deleted", object: toRule(row) }, tx);
    return { id: row.id, object: "routing_rule" as const, deleted: true as const };
  });
}

export async function listRoutingRules({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListQuery;
}): Promise<ListPage<RoutingRuleObject>> {
  const { db } = ctx.services;
  const page = await paginateTable({
    db,
    table: routingRules,
    scope: tenantScope(routingRules, ctx),
    tenantScope: tenantScope(routingRules, ctx),
    query,
  });
  return { data: page.data.map(toRule), hasMore: page.hasMore };
}
