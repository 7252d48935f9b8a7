import { z } from "@hono/zod-openapi";
import { listQuerySchema } from "../../core/pagination";
import { environmentSchema, idParams, timestamp } from "../../core/schemas";
import { meterFormulas } from "./tables";

const propertyName = z.string().regex(/^[A-Za-z0-9_.-]{1,40}$/, "1 to 40 letters, digits, '_', '.' or '-'.");

const filterSchema = z
  .record(propertyName, z.string().max(200))
  .refine((value) => Object.keys(value).length <= 10, { message: "At most 10 properties." })
  .openapi({ description: "Only usage records whose properties hold all of these values count." });

export const createMeterBody = z
  .object({
    display_name: z.string().trim().min(1).max(250),
    aggregation: z
      .object({
        formula: z.enum(meterFormulas).openapi({
          description:
            "count, count_unique (distinct values of `property`), sum, max or latest of value, or weighted_sum: Σ value × seconds until the next record (or the period's end) ÷ the period's seconds.",
        }),
        property: propertyName.optional().openapi({ description: "For count_unique: the property counted." }),
      })
      .strict(),
    filter: filterSchema.optional(),
    group_by: propertyName.optional().openapi({ description: "A property: one total per value." }),
  })
  .strict()
  .openapi("CreateMeter");

export const updateMeterBody = z
  .object({ display_name: z.string().trim().min(1).max(250).optional(), active: z.boolean().optional() })
  .strict()
  .openapi("UpdateMeter");

export type CreateMeterInput = z.infer<typeof createMeterBody>;
export type UpdateMeterInput = z.infer<typeof updateMeterBody>;

export const meterSchema = z
  .object({
    id: z.string().openapi({ example: "mtr_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("meter"),
    environment: environmentSchema,
    display_name: z.string(),
    aggregation: z.object({ formula: z.enum(meterFormulas), property: z.string().nullable() }),
    filter: z.record(z.string(), z.string()),
    group_by: z.string().nullable(),
    active: z.boolean(),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("Meter");

export type Meter = z.infer<typeof meterSchema>;

export const meterIdParams = idParams("mtr_3kTq9yQy7yJ4pQz2Xb8w1LmN");

export const listMetersQuery = listQuerySchema.extend({
  active: z
    .enum(["true", "false"])
    .transform((value) => value === "true")
    .optional(),
});
