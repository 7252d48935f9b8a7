import type { Pool } from "@neondatabase/serverless";
import type { Redis } from "@upstash/redis/cloudflare";
import type { Clock } from "./clock";
import type { Config } from "./config";
import type { Database } from "./db";
import type { Jobs } from "./jobs";
import type { Mailer } from "./mailer";
import type { Environment } from "./tables";

/** Everything a request may do I/O with, built per request by the services middleware. */
export interface Services {
  config: Config;
  db: Database;
  pool: Pool;
  redis: Redis;
  jobs: Jobs;
  mailer: Mailer;
  clock: Clock;
  /** Ids of the events recorded so far; fanned out to webhooks once the request's transactions committed. */
  recordedEventIds: string[];
}

export interface Actor {
  type: "user" | "api_key" | "system";
  id: string;
}

export interface AuthContext {
  merchantId: string;
  environment: Environment;
  actor: Actor;
  method: "api_key" | "session";
  /** Set for API keys: the key's own limit, overriding the environment default. */
  rateLimitPerSecond: number | null;
  sessionId: string | null;
}

export type WorkerBindings = Record<string, unknown>;

export interface AppEnv {
  Bindings: WorkerBindings;
  Variables: {
    requestId: string;
    services: Services;
    auth: AuthContext;
  };
}

/** What a domain verb needs: who asks, for which merchant and environment, with which services. */
export interface ServiceContext {
  services: Services;
  merchantId: string;
  environment: Environment;
  actor: Actor;
  requestId: string | null;
}
