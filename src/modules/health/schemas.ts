import { z } from "@hono/zod-openapi";

const dependencySchema = z.object({
  status: z.enum(["ok", "down"]),
  latency_ms: z.number().nullable(),
  error: z.string().optional(),
});

export const healthSchema = z
  .object({
    object: z.literal("health"),
    status: z.enum(["ok", "degraded"]),
    version: z.string(),
    time: z.string(),
    dependencies: z.object({ database: dependencySchema, redis: dependencySchema }),
  })
  .openapi("Health");

export type Health = z.infer<typeof healthSchema>;
export type DependencyHealth = z.infer<typeof dependencySchema>;
