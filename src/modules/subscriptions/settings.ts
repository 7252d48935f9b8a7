import { and, eq } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { changeStatement, previousAttributes } from "../../core/events";
import type { SubscriptionSettings, UpdateSubscriptionSettingsInput } from "./schemas";
import { type DunningEnding, subscriptionSettings } from "./tables";

export interface Dunning {
  retryDays: number[];
  afterFinalFailure: DunningEnding;
}

/** Stripe's default smart-retry count on a fixed schedule: 1, 3, 5 and 7 days, then canceled. */
export const DEFAULT_DUNNING: Dunning = { retryDays: [1, 3, 5, 7], afterFinalFailure: "canceled" };

function settingsQuery(ctx: ServiceContext) {
  return ctx.services.db
    .select()
    .from(subscriptionSettings)
    .where(
      and(
        eq(subscriptionSettings.merchantId, ctx.merchantId),
        eq(subscriptionSettings.environment, ctx.environment),
      ),
    )
    .limit(1);
}

/** The merchant's dunning schedule in the context's environment (the default when none is set). */
export async function dunningSchedule(ctx: ServiceContext): Promise<Dunning> {
  const [row] = await settingsQuery(ctx);
  return row ? { retryDays: row.retryDays, afterFinalFailure: row.afterFinalFailure } : DEFAULT_DUNNING;
}

function toSubscriptionSettings(ctx: ServiceContext, dunning: Dunning): SubscriptionSettings {
  return {
    object: "subscription_settings",
    environment: ctx.environment,
    retry_days: dunning.retryDays,
    after_final_failure: dunning.afterFinalFailure,
  };
}

export async function retrieveSubscriptionSettings({
  ctx,
}: {
  ctx: ServiceContext;
}): Promise<SubscriptionSettings> {
  return toSubscriptionSettings(ctx, await dunningSchedule(ctx));
}

/**
 * Sets the dunning schedule. It applies from the next failed charge on: a subscription already
 * past_due keeps the retry it has scheduled, and takes its later retries from the new schedule.
 */
export async function updateSubscriptionSettings({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: UpdateSubscriptionSettingsInput;
}): Promise<SubscriptionSettings> {
  const { db } = ctx.services;
  const now = ctx.services.clock.now();
  const before = await dunningSchedule(ctx);
  const after: Dunning = {
    retryDays: input.retry_days ?? before.retryDays,
    afterFinalFailure: input.after_final_failure ?? before.afterFinalFailure,
  };
  const settings = toSubscriptionSettings(ctx, after);
  await runBatch(ctx.services, [
    db
      .insert(subscriptionSettings)
      .values({ merchantId: ctx.merchantId, environment: ctx.environment, ...after, updatedAt: now })
      .onConflictDoUpdate({
        target: [subscriptionSettings.merchantId, subscriptionSettings.environment],
        set: { ...after, updatedAt: now },
      }),
    db.execute(
      changeStatement(ctx, {
        type: "subscription_settings.updated",
        object: { id: `subscription_settings_${ctx.environment}`, ...settings },
        previousAttributes: previousAttributes(toSubscriptionSettings(ctx, before), settings),
      }),
    ),
  ]);
  return settings;
}
