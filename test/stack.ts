import { startWorkerStack, type WorkerStack } from "../scripts/worker-stack";

export type TestStack = WorkerStack;

export async function startTestStack(): Promise<TestStack> {
  return startWorkerStack({
    databaseUrl: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
    ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
    freshDatabase: true,
    extraVars: {
      // Tests fire bursts from one key; the limiter itself is tested with a per-key limit.
      // Well above any burst the suite fires, and below the schema's 10,000 so the ceiling on
      // merchants' own key limits can be tested (src/modules/auth/auth.test.ts).
      RATE_LIMIT_SANDBOX_PER_SECOND: "1000",
      RATE_LIMIT_PRODUCTION_PER_SECOND: "2000",
      // The suite signs up hundreds of merchants from loopback; the per-IP limit is tested with
      // other addresses in CF-Connecting-IP (src/modules/auth/signup.test.ts).
      SIGNUP_LIMIT_PER_IP_PER_HOUR: "3",
      SIGNUP_LIMIT_EXEMPT_IPS: "127.0.0.1,::1,::ffff:127.0.0.1,unknown",
      // Short, so the tests of hanging processors finish quickly; production defaults to 10 s.
      PROVIDER_TIMEOUT_MS: "2000",
    },
  });
}
