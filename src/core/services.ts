import type { MiddlewareHandler } from "hono";
import { requestClock, systemClock, TEST_CLOCK_HEADER } from "./clock";
import { loadConfig } from "./config";
import type { AppEnv, DeferredWork, EventDispatcher, Services } from "./context";
import { createDatabase } from "./db";
import { dispatchRecordedEvents } from "./events";
import { newId } from "./ids";
import { createJobs } from "./jobs";
import { errorText, log } from "./log";
import { createMailer } from "./mailer";
import { objectStoreFrom } from "./object-store";
import { createRedis } from "./redis";
import { invalidateChangedStatuses } from "./status";

export interface ServicesOptions {
  /** Tags database round trips with the request (when TRACE_ROUND_TRIPS is set). */
  requestId?: string;
  /** Connections of the interactive Pool (default 5). */
  poolMax?: number;
  /** Where recorded events go once their transactions committed (the app passes the webhooks fan-out). */
  dispatchEvents?: EventDispatcher;
}

export function createServices(env: Record<string, unknown>, options: ServicesOptions = {}): Services {
  const config = loadConfig(env);
  const database = createDatabase(config, options);
  const redis = createRedis(config, options.requestId);
  return {
    config,
    db: database.db,
    transaction: database.transaction,
    connect: database.connect,
    close: database.close,
    redis,
    jobs: createJobs(config),
    mailer: createMailer(config, redis),
    objects: objectStoreFrom(env.DOCUMENTS),
    applePayMerchantIdentity: env.APPLE_PAY_MERCHANT_IDENTITY as Fetcher | undefined,
    clock: systemClock,
    recordedEvents: [],
    changedStatuses: [],
    dispatchEvents: options.dispatchEvents,
  };
}

/**
 * Runs `work` after the response where the request can defer (the services middleware), and
 * now otherwise (background functions, tests). A failure is logged, never raised: deferred work
 * is best effort by definition (provider health counters, cache refreshes).
 */
export async function afterResponse(services: Services, work: DeferredWork): Promise<void> {
  if (services.defer) {
    services.defer(work);
    return;
  }
  await runLogged(services, work);
}

async function runLogged(services: Services, work: DeferredWork): Promise<void> {
  try {
    await work(services);
  } catch (error) {
    log("error", "deferred_work_failed", { error: errorText(error) });
  }
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
 * Builds the per-request services. Before the response leaves, the cached status documents of the
 * money objects the request changed are dropped. After it is sent, the events the request recorded
 * (its transactions have committed by then) go to `dispatchEvents` with services of their own,
 * traced as `<request id>.after` so that work off the request path is counted apart from it,
 * together with the work the request deferred (afterResponse), and the Pool (if the request opened
 * one) is closed.
 */
export const services =
  (dispatchEvents: EventDispatcher): MiddlewareHandler<AppEnv> =>
  async (c, next) => {
    const id = c.get("requestId");
    const built = createServices(c.env, { requestId: id, dispatchEvents });
    built.clock = requestClock(built.config.APP_ENV, c.req.header(TEST_CLOCK_HEADER));
    const deferred: DeferredWork[] = [];
    built.defer = (work) => deferred.push(work);
    c.set("services", built);
    try {
      await next();
      await invalidateChangedStatuses(built);
    } finally {
      const recorded = built.recordedEvents.splice(0);
      const later = deferred.splice(0);
      const after =
        recorded.length > 0 || later.length > 0
          ? createServices(c.env, { requestId: `${id}.after`, dispatchEvents })
          : undefined;
      after?.recordedEvents.push(...recorded);
      c.executionCtx.waitUntil(
        Promise.all([
          built.close().catch(() => undefined),
          after &&
            Promise.all([
              dispatchRecordedEvents(after),
              ...later.map((work) => runLogged({ ...after, clock: built.clock }, work)),
            ]).finally(() => after.close().catch(() => undefined)),
        ]),
      );
    }
  };
