import { and } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { changeStatement } from "../../core/events";
import { newId } from "../../core/ids";
import { tenantScope } from "../../core/tenancy";
import { DEFAULT_SETTLEMENT_CRON, nextRunAt, scheduleCron } from "./periods";
import type { SettlementSchedule, UpdateScheduleInput } from "./schemas";
import { type SettlementScheduleRow, settlementSchedules } from "./tables";

function toSchedule(ctx: ServiceContext, row: SettlementScheduleRow | undefined): SettlementSchedule {
  const cron = row?.cron ?? DEFAULT_SETTLEMENT_CRON;
  return {
    id: row?.id ?? null,
    object: "settlement_schedule",
    environment: ctx.environment,
    interval: row?.interval ?? "daily",
    weekly_anchor: row?.weeklyAnchor ?? null,
    cron,
    timezone: "UTC",
    next_run_at: nextRunAt(cron, ctx.services.clock.now()).toISOString(),
    updated_at: row?.updatedAt.toISOString() ?? null,
  };
}

export async function retrieveSettlementSchedule({
  ctx,
}: {
  ctx: ServiceContext;
}): Promise<SettlementSchedule> {
  const [row] = await ctx.services.db
    .select()
    .from(settlementSchedules)
    .where(and(...tenantScope(settlementSchedules, ctx)))
    .limit(1);
  return toSchedule(ctx, row);
}

/** The fields each interval takes: weekly needs its weekday, custom its cron; anything else is refused. */
function checkFields(input: UpdateScheduleInput): void {
  if (input.interval === "weekly" && !input.weekly_anchor) {
    throw new ApiError("parameter_missing", {
      param: "weekly_anchor",
      message: "A weekly schedule needs weekly_anchor.",
    });
  }
  if (input.interval !== "weekly" && input.weekly_anchor) {
    throw new ApiError("parameter_invalid", {
      param: "weekly_anchor",
      message: "weekly_anchor is for weekly schedules only.",
    });
  }
  if (input.interval === "custom" && !input.cron) {
    throw new ApiError("parameter_missing", { param: "cron", message: "A custom schedule needs cron." });
  }
  if (input.interval !== "custom" && input.cron) {
    throw new ApiError("parameter_invalid", { param: "cron", message: "cron is for custom schedules only." });
  }
}

/** Sets the schedule (an upsert): the next settlement follows it from its next period end. */
export async function updateSettlementSchedule({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: UpdateScheduleInput;
}): Promise<SettlementSchedule> {
  checkFields(input);
  const now = ctx.services.clock.now();
  const values = {
    interval: input.interval,
    weeklyAnchor: input.weekly_anchor ?? null,
    cron: scheduleCron({ interval: input.interval, weeklyAnchor: input.weekly_anchor, cron: input.cron }),
    updatedAt: now,
  };
  const id = newId("settlementSchedule");
  const [before] = await ctx.services.db
    .select()
    .from(settlementSchedules)
    .where(and(...tenantScope(settlementSchedules, ctx)))
    .limit(1);
  const row: SettlementScheduleRow = {
    id: before?.id ?? id,
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    createdAt: before?.createdAt ?? now,
    ...values,
  };
  const schedule = toSchedule(ctx, row);
  const db = ctx.services.db;
  await runBatch(
    ctx.services,
    [
      db
        .insert(settlementSchedules)
        .values({ id, merchantId: ctx.merchantId, environment: ctx.environment, createdAt: now, ...values })
        .onConflictDoUpdate({
          target: [settlementSchedules.merchantId, settlementSchedules.environment],
          set: values,
        }),
      db.execute(
        changeStatement(ctx, {
          type: "settlement_schedule.updated",
          object: { ...schedule, id: row.id },
          previousAttributes: before
            ? { interval: before.interval, weekly_anchor: before.weeklyAnchor, cron: before.cron }
            : { interval: "daily", weekly_anchor: null, cron: DEFAULT_SETTLEMENT_CRON },
        }),
      ),
    ],
    { response: schedule },
  );
  return schedule;
}
