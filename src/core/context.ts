import type { Redis } from "@upstash/redis/cloudflare";
import type { Clock } from "./clock";
import type { Config } from "./config";
import type { Database, DatabaseHandles } from "./db";
import type { IdempotencyClaim } from "./idempotency";
import type { Jobs } from "./jobs";
import type { Mailer } from "./mailer";
import type { ObjectStore } from "./object-store";
import type { Environment } from "./tables";

/** Everything a request may do I/O with, built per request by the services middleware. */
export interface Services {
  config: Config;
  /** SQL over HTTP: one round trip per query or batch. */
  db: Database;
  /** Interactive transactions over the WebSocket Pool, opened on first use (see docs/data-path.md). */
  transaction: DatabaseHandles["transaction"];
  /** A dedicated pooled connection, for server-side cursors. */
  connect: DatabaseHandles["connect"];
  /** Releases what the request opened (the Pool, if any). */
  close: DatabaseHandles["close"];
  redis: Redis;
  jobs: Jobs;
  mailer: Mailer;
  /** Files kept outside Postgres (verification documents): R2 in production. */
  objects: ObjectStore;
  /** Apple Pay's merchant identity certificate, as a Workers mTLS certificate binding (APPLE_PAY_MERCHANT_IDENTITY). */
  applePayMerchantIdentity?: Fetcher | undefined;
  clock: Clock;
  /** The request's Idempotency-Key claim, when its route batches the claim itself (core/batch.ts). */
  idempotency?: IdempotencyClaim;
  /** The events recorded so far; fanned out to webhooks once the request's transactions committed. */
  recordedEvents: RecordedEvent[];
  /** Money objects whose status document changed; their cached documents are dropped once the work is done. */
  changedStatuses: StatusChange[];
  /** Fans recorded events out (dispatchRecordedEvents); absent where nothing should be sent (scripts, some tests). */
  dispatchEvents?: EventDispatcher;
  /**
   * Work for after the response (set by the services middleware): it runs in waitUntil with
   * services of its own, off the request's round trips. Use afterResponse() (core/services.ts).
   */
  defer?: (work: DeferredWork) => void;
}

/**
 * Fans recorded events out (to webhook endpoints). The app hands it to the services it builds, so
 * core imports no module.
 */
export type EventDispatcher = (services: Services, recorded: RecordedEvent[]) => Promise<unknown>;

/** An event written by the request (or function), with the merchant and environment it belongs to. */
export interface RecordedEvent {
  id: string;
  merchantId: string;
  environment: Environment;
}

/** An object whose polling document (core/status.ts) is out of date. */
export interface StatusChange {
  merchantId: string;
  environment: Environment;
  id: string;
  /** Created by this request or run: no reader knows its id yet, so nothing of it can be cached. */
  created?: boolean;
}

/** Work a request leaves for after its response; it gets services of its own. */
export type DeferredWork = (services: Services) => Promise<unknown>;

export interface Actor {
  type: "user" | "api_key" | "system" | "operator";
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
