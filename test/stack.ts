import { startWorkerStack, type WorkerStack } from "../scripts/worker-stack";

export type TestStack = WorkerStack;

export async function startTestStack(): Promise<TestStack> {
  return startWorkerStack({
    databaseUrl: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
    ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
    freshDatabase: true,
    extraVars: {
      // Tests fire bursts from one key; the limiter itself is tested with a per-key limit.
      RATE_LIMIT_SANDBOX_PER_SECOND: "1000000",
      RATE_LIMIT_PRODUCTION_PER_SECOND: "1000000",
      // A rate-limit second lasts an hour here (the counts unchanged), so no burst straddles a
      // window edge by the luck of the scheduler: see test/rate-limit.ts.
      RATE_LIMIT_WINDOW_SCALE: "3600",
      // Runs sharing one Redis (other checkouts, earlier runs) never read each other's keys.
      REDIS_KEY_PREFIX: `test:${Date.now().toString(36)}:${process.pid}:`,
    },
  });
}
