import { z } from "@hono/zod-openapi";
import { metadataSchema } from "../../core/metadata";
import { listQuerySchema } from "../../core/pagination";
import { environmentSchema, idParams, timestamp } from "../../core/schemas";
import { testClockStatuses } from "./tables";

const frozenTime = z.iso.datetime({ offset: true }).openapi({
  example: "2027-01-31T12:00:00Z",
  description: "The clock's time, ISO 8601.",
});

export const createTestClockBody = z
  .object({
    frozen_time: frozenTime,
    name: z.string().min(1).max(256).optional(),
    metadata: metadataSchema.optional(),
  })
  .strict()
  .openapi("CreateTestClock");

export type CreateTestClockInput = z.infer<typeof createTestClockBody>;

export const advanceTestClockBody = z
  .object({ frozen_time: frozenTime })
  .strict()
  .openapi("AdvanceTestClock");

export type AdvanceTestClockInput = z.infer<typeof advanceTestClockBody>;

export const testClockSchema = z
  .object({
    id: z.string().openapi({ example: "clock_3kTq9yQy7yJ4pQz2Xb8w1LmN" }),
    object: z.literal("test_clock"),
    environment: environmentSchema,
    name: z.string().nullable(),
    frozen_time: timestamp,
    status: z.enum(testClockStatuses),
    deletes_after: timestamp.openapi({ description: "The clock and its objects are deleted after this." }),
    metadata: z.record(z.string(), z.string()),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("TestClock");

export type TestClock = z.infer<typeof testClockSchema>;

export const deletedTestClockSchema = z
  .object({ id: z.string(), object: z.literal("test_clock"), deleted: z.literal(true) })
  .openapi("DeletedTestClock");

export const testClockIdParams = idParams("clock_3kTq9yQy7yJ4pQz2Xb8w1LmN");
export const listTestClocksQuery = listQuerySchema;
export type ListTestClocksQuery = z.infer<typeof listTestClocksQuery>;
