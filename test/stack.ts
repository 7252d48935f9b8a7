import { startWorkerStack, type WorkerStack } from "../scripts/worker-stack";

export type TestStack = WorkerStack;

export async function startTestStack(): Promise<TestStack> {
  return startWorkerStack({
    databaseUrl: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
    ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
    freshDatabase: true,
    extraVars: {
      // Tests fire bursts from one key; the limiter itself is tested with a per-key limit.
      RATE_LIMIT_SANDBOX_PER_SECOND: "10000",
      RATE_LIMIT_PRODUCTION_PER_SECOND: "10000",
      // Short, so the tests of hanging processors finish quickly; production defaults to 10 s.
      PROVIDER_TIMEOUT_MS: "2000",
    },
  });
}
