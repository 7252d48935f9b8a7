import { Redis } from "@upstash/redis";
import { startWorkerStack, type WorkerStack } from "../scripts/worker-stack";

export type TestStack = WorkerStack;

/** Deletes the run's Redis keys, so that a shared Redis does not keep the (long-lived) keys of old runs. */
async function deleteKeys(stack: WorkerStack, prefix: string): Promise<void> {
  const redis = new Redis({
    url: stack.workerEnv.UPSTASH_REDIS_REST_URL ?? "",
    token: stack.workerEnv.UPSTASH_REDIS_REST_TOKEN ?? "",
  });
  const keys = await redis.keys(`${prefix}*`);
  for (let start = 0; start < keys.length; start += 1000) await redis.del(...keys.slice(start, start + 1000));
}

export async function startTestStack(): Promise<TestStack> {
  const redisKeyPrefix = `test:${Date.now().toString(36)}:${process.pid}:`;
  const stack = await startWorkerStack({
    databaseUrl: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
    ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
    freshDatabase: true,
    extraVars: {
      // Tests fire bursts from one key; the limiter itself is tested with a per-key limit.
      RATE_LIMIT_SANDBOX_PER_SECOND: "1000000",
      RATE_LIMIT_PRODUCTION_PER_SECOND: "1000000",
      // The limiter's windows start at multiples of their length since 1970, and a burst that
      // straddles an edge gets part of its budget back, by the luck of the scheduler. Stretched
      // past the time since 1970 (counts unchanged), every window is the first one and its edge
      // centuries ahead: a one-second window lasts 317 years. Its keys go at the end of the run.
      RATE_LIMIT_WINDOW_SCALE: "10000000000",
      // Runs sharing one Redis (other checkouts, earlier runs) never read each other's keys.
      REDIS_KEY_PREFIX: redisKeyPrefix,
    },
  });
  return {
    ...stack,
    async close() {
      await deleteKeys(stack, redisKeyPrefix);
      await stack.close();
    },
  };
}
