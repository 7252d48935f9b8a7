import type { MiddlewareHandler } from "hono";
import { requestClock, systemClock, TEST_CLOCK_HEADER } from "./clock";
import { loadConfig } from "./config";
import type { AppEnv, Services } from "./context";
import { createDatabase } from "./db";
import { dispatchRecordedEvents } from "./events";
import { newId } from "./ids";
import { createJobs } from "./jobs";
import { createMailer } from "./mailer";
import { createRedis } from "./redis";

export function createServices(env: Record<string, unknown>): Services {
  const config = loadConfig(env);
  const { db, pool } = createDatabase(config);
  const redis = createRedis(config);
  return {
    config,
    db,
    pool,
    redis,
    jobs: createJobs(config),
    mailer: createMailer(config, redis),
    clock: systemClock,
    recordedEventIds: [],
  };
}

/** Gives every response an X-Request-Id, before anything else can fail. */
export const requestId: MiddlewareHandler<AppEnv> = async (c, next) => {
  const id = newId("request");
  c.set("requestId", id);
  c.header("X-Request-Id", id);
  await next();
  c.res.headers.set("X-Request-Id", id);
};

/**
 * Builds the per-request services. After the response is sent, the events the request recorded
 * (its transactions have committed by then) are dispatched, and only then is the pool closed.
 */
export const services: MiddlewareHandler<AppEnv> = async (c, next) => {
  const built = createServices(c.env);
  built.clock = requestClock(built.config.APP_ENV, c.req.header(TEST_CLOCK_HEADER));
  c.set("services", built);
  try {
    await next();
  } finally {
    c.executionCtx.waitUntil(
      dispatchRecordedEvents(built).finally(() => built.pool.end().catch(() => undefined)),
    );
  }
};
