import { z } from "@hono/zod-openapi";

const dependencySchema = z.object({
  status: z.enum(["ok", "down"]),
  latency_ms: z.number().nullable(),
  error: z.string().optional(),
});

const scheduledFunctionSchema = z.object({
  name: z.string(),
  schedule: z.string().openapi({ example: "* * * * *" }),
  interval_seconds: z.number().int(),
  last_succeeded_at: z.string().nullable(),
  last_run: z
    .object({
      status: z.string().openapi({ example: "succeeded" }),
      trigger: z.string().openapi({ example: "qstash" }),
      started_at: z.string(),
      error: z.string().nullable(),
    })
    .nullable(),
  overdue: z.boolean().openapi({ description: "No successful run within twice the interval." }),
});

export const healthSchema = z
  .object({
    object: z.literal("health"),
    status: z.enum(["ok", "degraded"]),
    version: z.string(),
    time: z.string(),
    dependencies: z.object({ database: dependencySchema, redis: dependencySchema }),
    functions: z
      .object({
        status: z.enum(["ok", "overdue", "unknown"]),
        scheduled: z.array(scheduledFunctionSchema),
      })
      .openapi({
        description:
          "Scheduled background functions. An overdue one is reported here but does not make the API unhealthy.",
      }),
  })
  .openapi("Health");

export type Health = z.infer<typeof healthSchema>;
export type DependencyHealth = z.infer<typeof dependencySchema>;
export type FunctionsHealth = Health["functions"];
