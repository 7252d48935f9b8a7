import { Redis } from "@upstash/redis";
import { DEV_XPUB, LOCAL_HOT_WALLET_KEY, LOCAL_TOKENS_CONFIG } from "../scripts/hardhat-node";
import { freePort, startWorkerStack, type WorkerStack } from "../scripts/worker-stack";
import { chains } from "../src/modules/crypto/networks";
import { installFaultInjection } from "./fault-injection";

export type TestStack = WorkerStack & {
  /** Where the crypto tests start hardhat's node (test/crypto-chain.ts); the Worker already points there. */
  localChainUrl: string;
};

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
  const localChainUrl = `http://127.0.0.1:${await freePort()}`;
  // Nothing listens there: every local-chain call first fails over to the next URL.
  const downRpcUrl = `http://127.0.0.1:${await freePort()}`;
  const stack = await startWorkerStack({
    databaseUrl: process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test",
    ...(process.env.REDIS_URL ? { redisUrl: process.env.REDIS_URL } : {}),
    freshDatabase: true,
    extraVars: {
      // Stretched windows (below) make these per-run budgets per key: above what any test file
      // sends with one key (the fuzz test spreads its cases over keys, 4,000 a key), and below the
      // 10,000 a key may ask for, so the ceiling on merchants' own key limits can be tested
      // (src/modules/auth/auth.test.ts).
      RATE_LIMIT_SANDBOX_PER_SECOND: "5000",
      RATE_LIMIT_PRODUCTION_PER_SECOND: "6000",
      // The limiter's windows start at multiples of their length since 1970, and a burst that
      // straddles an edge gets part of its budget back, by the luck of the scheduler. Stretched
      // past the time since 1970 (counts unchanged), every window is the first one and its edge
      // centuries ahead: a one-second window lasts 317 years. Its keys go at the end of the run.
      RATE_LIMIT_WINDOW_SCALE: "10000000000",
      // Runs sharing one Redis (other checkouts, earlier runs) never read each other's keys.
      REDIS_KEY_PREFIX: redisKeyPrefix,
      // The suite signs up hundreds of merchants from loopback; the per-IP limit is tested with
      // other addresses in CF-Connecting-IP (src/modules/auth/signup.test.ts).
      SIGNUP_LIMIT_PER_IP_PER_HOUR: "3",
      SIGNUP_LIMIT_EXEMPT_IPS: "127.0.0.1,::1,::ffff:127.0.0.1,unknown",
      // The round-trip pins assume a key cached in the isolate, as in steady state. At the 5 s default
      // a loaded machine lets the entry lapse between a test's warm-up and its pinned request, which
      // then counts one more Redis read; a minute covers any one test's requests (test/round-trips.test.ts).
      // Revocation and rolling forget the entry at once whatever these say (src/core/auth/cache.test.ts).
      AUTH_CACHE_SECONDS: "60",
      AUTH_REDIS_CACHE_SECONDS: "3600",
      // Shorter than production's 10 s, so the tests of hanging processors finish sooner, but long
      // enough that a test double answering late on a loaded machine is not taken for a hang.
      PROVIDER_TIMEOUT_MS: "5000",
      // Likewise for webhook attempts to a receiver that never answers; production defaults to 15 s.
      WEBHOOK_ATTEMPT_TIMEOUT_MS: "5000",
      CRYPTO_XPUB: DEV_XPUB,
      // The public chains point at the refused port too: tests make addresses on them, and a
      // deposit poll fired by any test then fails at once instead of waiting on the internet.
      CRYPTO_RPC_URLS: JSON.stringify({
        ...Object.fromEntries(chains.map((chain) => [chain.key, [downRpcUrl]])),
        local: [downRpcUrl, localChainUrl],
      }),
      CRYPTO_LOCAL_TOKENS: LOCAL_TOKENS_CONFIG,
      CRYPTO_HOT_WALLET_KEY: LOCAL_HOT_WALLET_KEY,
    },
  });
  await installFaultInjection(stack.workerEnv.DATABASE_URL ?? "");
  return {
    ...stack,
    localChainUrl,
    async close() {
      await deleteKeys(stack, redisKeyPrefix);
      await stack.close();
    },
  };
}
