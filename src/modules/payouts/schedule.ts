import { and } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { changeStatement } from "../../core/events";
import { newId } from "../../core/ids";
import { tenantScope } from "../../core/tenancy";
import { assertCanPayOut } from "../verifications/service";
import { loadPayoutDestination, payoutCurrencies, payoutRail, scheduledPayoutMethod } from "./create";
import { nextFireAt } from "./schedule-periods";
import type { PayoutSchedule, UpdatePayoutScheduleInput } from "./schemas";
import { type PayoutScheduleRow, payoutSchedules } from "./tables";

type ScheduleFields = Pick<
  PayoutScheduleRow,
  | "interval"
  | "weeklyAnchor"
  | "monthlyAnchor"
  | "minimumAmount"
  | "minimumAmounts"
  | "method"
  | "delayDays"
  | "bankAccountId"
>;

const MANUAL: ScheduleFields = {
  interval: "manual",
  weeklyAnchor: null,
  monthlyAnchor: null,
  minimumAmount: 0,
  minimumAmounts: {},
  method: "standard",
  delayDays: 0,
  bankAccountId: null,
};

function toPayoutSchedule(
  ctx: ServiceContext,
  row: (ScheduleFields & Pick<PayoutScheduleRow, "id" | "updatedAt">) | undefined,
): PayoutSchedule {
  const fields = row ?? MANUAL;
  const { interval } = fields;
  return {
    id: row?.id ?? null,
    object: "payout_schedule",
    environment: ctx.environment,
    interval,
    weekly_anchor: fields.weeklyAnchor,
    monthly_anchor: fields.monthlyAnchor,
    minimum_amount: fields.minimumAmount,
    minimum_amounts: fields.minimumAmounts,
    method: fields.method,
    delay_days: fields.delayDays,
    destination: fields.bankAccountId,
    timezone: "UTC",
    next_run_at:
      interval === "manual"
        ? null
        : nextFireAt({ ...fields, interval }, ctx.services.clock.now()).toISOString(),
    updated_at: row?.updatedAt.toISOString() ?? null,
  };
}

async function findPayoutSchedule(ctx: ServiceContext): Promise<PayoutScheduleRow | undefined> {
  const [row] = await ctx.services.db
    .select()
    .from(payoutSchedules)
    .where(and(...tenantScope(payoutSchedules, ctx)))
    .limit(1);
  return row;
}

export async function retrievePayoutSchedule({ ctx }: { ctx: ServiceContext }): Promise<PayoutSchedule> {
  return toPayoutSchedule(ctx, await findPayoutSchedule(ctx));
}

/** Each anchor belongs to its interval: missing where required, refused anywhere else. */
function checkAnchors(input: UpdatePayoutScheduleInput): void {
  const anchors = [
    ["weekly_anchor", "weekly", input.weekly_anchor],
    ["monthly_anchor", "monthly", input.monthly_anchor],
  ] as const;
  for (const [param, interval, value] of anchors) {
    if (input.interval === interval && value === undefined) {
      throw new ApiError("parameter_missing", { param, message: `A ${interval} schedule needs ${param}.` });
    }
    if (input.interval !== interval && value !== undefined) {
      throw new ApiError("parameter_invalid", {
        param,
        message: `${param} is for ${interval} schedules only.`,
      });
    }
  }
}

/**
 * Each per-currency minimum names a payout currency and fits the rail the schedule pays it by (instant,
 * or standard for a SWIFT currency): a minimum above the rail's per-payment limit could never be paid out.
 */
function checkMinimums(input: UpdatePayoutScheduleInput): void {
  for (const [currency, minimum] of Object.entries(input.minimum_amounts)) {
    if (!payoutCurrencies.includes(currency)) {
      throw new ApiError("payout_rail_unavailable", {
        param: "minimum_amounts",
        message: `Payouts go out in ${payoutCurrencies.join(", ")}; ${currency} has no payout rail.`,
      });
    }
    const rail = payoutRail(currency, scheduledPayoutMethod(currency, input.method));
    if (minimum > rail.maxAmount) {
      throw new ApiError("rail_limit_exceeded", {
        param: "minimum_amounts",
        message: `${rail.id} carries at most ${rail.maxAmount} (minor units of ${currency}) per payment; the ${currency} minimum is above it.`,
      });
    }
  }
}

/** The named destination, checked as a payout's; the KYB gate alone when none is named. */
async function scheduleDestination(
  ctx: ServiceContext,
  input: { destination: string | null; gated: boolean },
): Promise<{ id: string } | null> {
  if (input.destination !== null) {
    return loadPayoutDestination(ctx, { destination: input.destination, gated: input.gated });
  }
  if (input.gated) await assertCanPayOut(ctx);
  return null;
}

/**
 * Sets the payout schedule (an upsert of the whole schedule) with `payout_schedule.updated` in one
 * batch. An automatic schedule in production passes the payouts' KYB gate; a destination must be a
 * verified bank account of the merchant's own. The change applies from the schedule's next fire time.
 */
export async function updatePayoutSchedule({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: UpdatePayoutScheduleInput;
}): Promise<PayoutSchedule> {
  checkAnchors(input);
  checkMinimums(input);
  const gated = input.interval !== "manual";
  const [before, account] = await Promise.all([
    findPayoutSchedule(ctx),
    scheduleDestination(ctx, { destination: input.destination ?? null, gated }),
  ]);
  const now = ctx.services.clock.now();
  const values = {
    interval: input.interval,
    weeklyAnchor: input.weekly_anchor ?? null,
    monthlyAnchor: input.monthly_anchor ?? null,
    minimumAmount: input.minimum_amount,
    minimumAmounts: input.minimum_amounts,
    method: input.method,
    delayDays: input.delay_days,
    bankAccountId: account?.id ?? null,
    updatedAt: now,
  };
  const id = newId("payoutSchedule");
  const scheduleId = before?.id ?? id;
  const schedule = toPayoutSchedule(ctx, { id: scheduleId, ...values });
  const { db } = ctx.services;
  const previous = before ?? MANUAL;
  await runBatch(
    ctx.services,
    [
      db
        .insert(payoutSchedules)
        .values({ id, merchantId: ctx.merchantId, environment: ctx.environment, createdAt: now, ...values })
        .onConflictDoUpdate({
          target: [payoutSchedules.merchantId, payoutSchedules.environment],
          set: values,
        }),
      db.execute(
        changeStatement(ctx, {
          type: "payout_schedule.updated",
          object: { ...schedule, id: scheduleId },
          previousAttributes: {
            interval: previous.interval,
            weekly_anchor: previous.weeklyAnchor,
            monthly_anchor: previous.monthlyAnchor,
            minimum_amount: previous.minimumAmount,
            minimum_amounts: previous.minimumAmounts,
            method: previous.method,
            delay_days: previous.delayDays,
            destination: previous.bankAccountId,
          },
        }),
      ),
    ],
    { response: schedule },
  );
  return schedule;
}
