import { z } from "@hono/zod-openapi";
import { listQuerySchema } from "../../core/pagination";
import { currencyCode, environmentSchema, idParams, timestamp } from "../../core/schemas";
import { customCronProblem } from "./periods";
import { reportingCategories, settlementIntervals, weekdays } from "./tables";

export const updateScheduleBody = z
  .object({
    interval: z.enum(settlementIntervals).openapi({
      description: "daily: at 00:00 UTC. weekly: at 00:00 UTC on weekly_anchor. custom: on cron (UTC).",
    }),
    weekly_anchor: z
      .enum(weekdays)
      .optional()
      .openapi({ description: "Required with interval weekly, refused otherwise." }),
    cron: z
      .string()
      .max(100)
      .superRefine((value, issue) => {
        const problem = customCronProblem(value);
        if (problem)
          issue.addIssue({ code: "custom", message: problem, params: { code: "parameter_invalid" } });
      })
      .optional()
      .openapi({
        example: "0 6 * * 1-5",
        description:
          "Required with interval custom, refused otherwise: five fields in UTC, with a single minute (at most once an hour).",
      }),
  })
  .strict()
  .openapi("UpdateSettlementSchedule");

export type UpdateScheduleInput = z.infer<typeof updateScheduleBody>;

export const settlementScheduleSchema = z
  .object({
    id: z.string().nullable().openapi({
      example: "ssch_3kTq9yQy7yJ4pQz2Xb8w1LmN",
      description: "Null while the default (daily) applies.",
    }),
    object: z.literal("settlement_schedule"),
    environment: environmentSchema,
    interval: z.enum(settlementIntervals),
    weekly_anchor: z.enum(weekdays).nullable(),
    cron: z.string().openapi({ description: "The effective cron, in UTC, for every interval." }),
    timezone: z.literal("UTC"),
    next_run_at: timestamp.openapi({ description: "When the current period ends and settles." }),
    updated_at: timestamp.nullable().openapi({ description: "Null while the default (daily) applies." }),
  })
  .openapi("SettlementSchedule");

export type SettlementSchedule = z.infer<typeof settlementScheduleSchema>;

export const settlementSchema = z
  .object({
    id: z.string().openapi({ example: "stl_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("settlement"),
    environment: environmentSchema,
    currency: z.string(),
    period_start: timestamp,
    period_end: timestamp.openapi({ description: "Funds available by then are in this settlement." }),
    gross: z.number().int().openapi({ description: "Captured amounts of the settled charges." }),
    refunds: z.number().int().openapi({ description: "Refunds drawn from those charges' pending funds." }),
    fees: z.number().int(),
    adjustments: z.number().int().openapi({
      description:
        "Zero or negative: what was kept in pending to repay a pending balance that refunds took below zero.",
    }),
    net: z
      .number()
      .int()
      .openapi({ description: "gross − refunds − fees + adjustments: moved to available." }),
    charge_count: z.number().int(),
    refund_count: z.number().int(),
    balance_transaction: z
      .string()
      .nullable()
      .openapi({ description: "The ledger transaction (ltx_…) that moved net; null when net is 0." }),
    test_clock: z.string().nullable().openapi({
      description:
        "The test clock whose customers' payments this settles (made as the clock advanced); null on real time.",
    }),
    created_at: timestamp,
  })
  .openapi("Settlement");

export type Settlement = z.infer<typeof settlementSchema>;

export const settlementItemSchema = z
  .object({
    object: z.literal("settlement_item"),
    balance_transaction: z.string().openapi({ example: "ltx_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    reporting_category: z.enum(reportingCategories),
    source: z.string().openapi({ description: "The payment (pay_…) or refund (re_…)." }),
    currency: z.string(),
    gross: z.number().int(),
    fee: z.number().int(),
    net: z.number().int(),
    available_on: timestamp,
    created_at: timestamp,
  })
  .openapi("SettlementItem");

export type SettlementItem = z.infer<typeof settlementItemSchema>;

export const settlementIdParams = idParams("stl_3kTq9yQy7yJ4pQz2Xb8w1LmN");

export const listSettlementsQuery = listQuerySchema.extend({ currency: currencyCode.optional() });
export type ListSettlementsQuery = z.infer<typeof listSettlementsQuery>;

export const listSettlementItemsQuery = listQuerySchema;
export type ListSettlementItemsQuery = z.infer<typeof listSettlementItemsQuery>;
