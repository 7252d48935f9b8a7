import { z } from "@hono/zod-openapi";
import { environmentSchema, timestamp } from "../../core/schemas";
import { meterFormulas } from "../meters/service";

const propertyName = z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/, "1 to 40 letters, digits, '_', '.' or '-'.");

export const MAX_BATCH = 1000;

export const createUsageRecordBody = z
  .object({
    meter: z.string().min(1).max(255).openapi({ example: "mtr_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    customer: z.string().min(1).max(255).openapi({ example: "cus_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    identifier: z
      .string()
      .min(1)
      .max(255)
      .openapi({ example: "req_8812-a", description: "Unique per account: a record sent again is ignored." }),
    timestamp: z.iso.datetime({ offset: true }).optional().openapi({
      description: "When the usage happened: at most 35 days ago, at most 5 minutes ahead. Default now.",
    }),
    value: z
      .number()
      .min(0)
      .max(1e15)
      .optional()
      .openapi({ description: "Default 1; decimals allowed (0.25 GB)." }),
    properties: z
      .record(propertyName, z.string().max(200))
      .refine((value) => Object.keys(value).length <= 20, { message: "At most 20 properties." })
      .optional(),
  })
  .strict()
  .openapi("CreateUsageRecord");

export type UsageRecordInput = z.infer<typeof createUsageRecordBody>;

export const createUsageRecordBatchBody = z
  .object({
    records: z
      .array(z.unknown().openapi({ description: "A CreateUsageRecord; each is checked on its own." }))
      .min(1)
      .max(MAX_BATCH),
  })
  .strict()
  .openapi("CreateUsageRecordBatch");

export const usageRecordSchema = z
  .object({
    id: z.string().openapi({ example: "ur_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("usage_record"),
    environment: environmentSchema,
    meter: z.string(),
    customer: z.string(),
    identifier: z.string(),
    value: z.string().openapi({ description: "Exact decimal.", example: "1" }),
    properties: z.record(z.string(), z.string()),
    timestamp,
    created_at: timestamp,
    duplicate: z
      .boolean()
      .openapi({ description: "True when a record with this identifier existed: it is unchanged." }),
  })
  .openapi("UsageRecord");

export type UsageRecord = z.infer<typeof usageRecordSchema>;

const itemErrorSchema = z.object({ code: z.string(), message: z.string(), param: z.string().nullable() });

export const usageRecordBatchSchema = z
  .object({
    object: z.literal("usage_record_batch"),
    accepted: z.number().int(),
    duplicates: z.number().int(),
    rejected: z.number().int(),
    results: z.array(
      z.object({
        index: z.number().int(),
        status: z.enum(["accepted", "duplicate", "rejected"]),
        id: z.string().nullable(),
        error: itemErrorSchema.nullable(),
      }),
    ),
  })
  .openapi("UsageRecordBatch");

export type UsageRecordBatch = z.infer<typeof usageRecordBatchSchema>;

export const usageSummaryQuery = z.object({
  meter: z.string().min(1).max(255),
  customer: z.string().min(1).max(255),
  start_time: z.iso.datetime({ offset: true }).openapi({ description: "ISO 8601, inclusive." }),
  end_time: z.iso.datetime({ offset: true }).openapi({ description: "ISO 8601, exclusive." }),
});

export type UsageSummaryQuery = z.infer<typeof usageSummaryQuery>;

export const usageSummarySchema = z
  .object({
    object: z.literal("usage_summary"),
    meter: z.string(),
    customer: z.string(),
    formula: z.enum(meterFormulas),
    start_time: timestamp,
    end_time: timestamp,
    data: z.array(
      z.object({
        group: z
          .string()
          .nullable()
          .openapi({ description: "The group_by property's value; null without group_by." }),
        value: z.string().openapi({ description: "Exact decimal.", example: "42.5" }),
      }),
    ),
  })
  .openapi("UsageSummary");

export type UsageSummary = z.infer<typeof usageSummarySchema>;
