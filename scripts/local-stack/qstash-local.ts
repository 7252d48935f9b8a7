// Local stand-in for QStash: the subset of the v2 REST API that @upstash/qstash's
// Client uses (publish, batch, schedules, messages, DLQ), delivering to HTTP
// destinations with real QStash-format signatures, retries and cron schedules.
// A virtual clock (fastForward) makes delays, retries and crons testable.
// Dev tooling only (Node); never bundled into the Worker.
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { CronExpressionParser } from "cron-parser";
import { SignJWT } from "jose";
import { listen, readBody, tokenEquals } from "./http";

export interface LocalQStashOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Bearer token clients must send (`QSTASH_TOKEN`). */
  token: string;
  /** Deliveries are signed with this key, like QStash does. */
  currentSigningKey: string;
  nextSigningKey: string;
  /** Base clock in ms (default Date.now); the virtual clock is this plus fastForward offsets. */
  now?: () => number;
  /** Poll for due messages every this many ms (default 250). 0: deliver only on runDue()/fastForward(). */
  pollIntervalMs?: number;
  /** Per-delivery timeout when the message has no Upstash-Timeout (default 15 s). */
  deliveryTimeoutMs?: number;
  /** Retries when the publisher sets none (default 3). */
  defaultRetries?: number;
  /** How long a deduplication id is remembered (default 10 min). */
  deduplicationWindowMs?: number;
  log?: (message: string) => void;
}

export type LocalQStashMessageStatus = "pending" | "delivering" | "delivered" | "failed" | "cancelled";

/** Snapshot of a message, for tests and diagnostics. Times are virtual-clock ms. */
export interface LocalQStashMessage {
  id: string;
  destination: string;
  method: string;
  status: LocalQStashMessageStatus;
  /** Delivery attempts made so far (the first delivery counts). */
  attempts: number;
  /** Retries made so far (what `Upstash-Retried` said on the last attempt). */
  retried: number;
  maxRetries: number;
  createdAt: number;
  nextDeliveryAt: number;
  deliveredAt?: number;
  lastError?: string;
  lastResponseStatus?: number;
  scheduleId?: string;
  deduplicationId?: string;
  dlqId?: string;
  headers: Readonly<Record<string, string>>;
  body: string;
}

export interface LocalQStashSchedule {
  scheduleId: string;
  cron: string;
  destination: string;
  method: string;
  isPaused: boolean;
  createdAt: number;
  nextScheduleTime: number;
  lastScheduleTime?: number;
}

export interface FastForwardOptions {
  /** A string the messages' bodies contain, e.g. a merchant id: only they are fast-forwarded. */
  match?: string;
}

export interface LocalQStash {
  /** `QSTASH_URL`, e.g. http://127.0.0.1:54323 */
  url: string;
  token: string;
  /** The virtual clock, in ms. */
  now(): number;
  /**
   * Moves the virtual clock forward, delivering (and awaiting) everything that falls due on the way.
   * With `match`, only the messages whose body contains it live through `ms` (see fastForwardMatching).
   */
  fastForward(ms: number, options?: FastForwardOptions): Promise<void>;
  /** Delivers everything due now and waits for all deliveries in flight. */
  runDue(): Promise<void>;
  messages(): readonly LocalQStashMessage[];
  /** Messages whose retries are exhausted (the dead letter queue). */
  dlq(): readonly LocalQStashMessage[];
  schedules(): readonly LocalQStashSchedule[];
  close(): Promise<void>;
}

interface MessageRecord {
  id: string;
  destination: string;
  method: string;
  /** Headers sent to the destination: forwarded ones and Content-Type. */
  headers: Record<string, string>;
  body: Buffer;
  maxRetries: number;
  retryDelayExpression?: string;
  timeoutMs: number;
  createdAt: number;
  notBefore: number;
  nextDeliveryAt: number;
  status: LocalQStashMessageStatus;
  attempts: number;
  retried: number;
  cancelRequested: boolean;
  deliveredAt?: number;
  lastError?: string;
  lastResponseStatus?: number;
  lastResponseBody?: string;
  scheduleId?: string;
  deduplicationId?: string;
  dlqId?: string;
}

interface ScheduleRecord {
  scheduleId: string;
  cron: string;
  destination: string;
  method: string;
  headers: Record<string, string>;
  body: Buffer;
  retries: number;
  retryDelayExpression?: string;
  delayMs: number;
  timeoutMs: number;
  createdAt: number;
  isPaused: boolean;
  nextScheduleTime: number;
  lastScheduleTime?: number;
  lastScheduleStates: Record<string, "IN_PROGRESS" | "SUCCESS" | "FAIL">;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BODY_BYTES = 10 * 1024 * 1024;
const MAX_FINISHED_MESSAGES = 10_000;
const MAX_FAST_FORWARD_STEPS = 100_000;
const JWT_LIFETIME_S = 5 * 60;

// ------------------------------------------------------------------ helpers

function randomId(prefix: string, bytes = 18): string {
  // Alphanumeric like QStash ids (no "-" / "_", so they are safe in URL paths).
  return `${prefix}${randomBytes(bytes).toString("base64").replace(/[+/=]/g, "").slice(0, 32)}`;
}

/** "10s", "5m", "1h30m", "2d", "500ms", or bare seconds -> ms. */
export function parseDuration(value: string): number | undefined {
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const unitMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(v); m !== null; m = re.exec(v)) {
    const amount = Number(m[1]);
    const unit = unitMs[m[2] ?? ""];
    if (unit === undefined) return undefined;
    total += amount * unit;
    consumed = re.lastIndex;
  }
  return consumed === v.length && consumed > 0 ? Math.round(total) : undefined;
}

/** QStash's default backoff: min(1 day, e^(2.5 * retried)) seconds, retried = 1 for the first retry. */
export function defaultRetryDelayMs(retried: number): number {
  return Math.min(86_400, Math.exp(2.5 * retried)) * 1000;
}

/**
 * Evaluates an `Upstash-Retry-Delay` expression such as "pow(2, retried) * 1000"
 * (result in ms). Supports + - * / %, parentheses, `retried` and QStash's math functions.
 */
export function evalRetryDelay(expression: string, retried: number): number {
  const tokens = expression.match(/\d+(?:\.\d+)?|[A-Za-z_]+|[-+*/%(),]|\S/g) ?? [];
  let pos = 0;
  const peek = () => tokens[pos];
  const next = () => {
    const t = tokens[pos++];
    if (t === undefined) throw new Error("unexpected end of expression");
    return t;
  };
  const fns: Record<string, (...a: number[]) => number> = {
    pow: (a = 0, b = 0) => a ** b,
    sqrt: (a = 0) => Math.sqrt(a),
    abs: (a = 0) => Math.abs(a),
    exp: (a = 0) => Math.exp(a),
    floor: (a = 0) => Math.floor(a),
    ceil: (a = 0) => Math.ceil(a),
    round: (a = 0) => Math.round(a),
    min: (...a) => Math.min(...a),
    max: (...a) => Math.max(...a),
  };
  const factor = (): number => {
    const t = next();
    if (t === "-") return -factor();
    if (t === "+") return factor();
    if (t === "(") {
      const v = sum();
      if (next() !== ")") throw new Error("expected )");
      return v;
    }
    if (/^\d/.test(t)) return Number(t);
    if (t === "retried") return retried;
    const fn = fns[t];
    if (!fn) throw new Error(`unknown identifier ${t}`);
    if (next() !== "(") throw new Error(`expected ( after ${t}`);
    const args: number[] = [];
    if (peek() !== ")") {
      args.push(sum());
      while (peek() === ",") {
        pos++;
        args.push(sum());
      }
    }
    if (next() !== ")") throw new Error("expected )");
    return fn(...args);
  };
  const product = (): number => {
    let v = factor();
    for (let op = peek(); op === "*" || op === "/" || op === "%"; op = peek()) {
      pos++;
      const r = factor();
      v = op === "*" ? v * r : op === "/" ? v / r : v % r;
    }
    return v;
  };
  const sum = (): number => {
    let v = product();
    for (let op = peek(); op === "+" || op === "-"; op = peek()) {
      pos++;
      const r = product();
      v = op === "+" ? v + r : v - r;
    }
    return v;
  };
  const result = sum();
  if (pos !== tokens.length) throw new Error(`unexpected ${tokens[pos] ?? ""}`);
  if (!Number.isFinite(result) || result < 0) throw new Error("retry delay must be a non-negative number");
  return result;
}

/** QStash accepts 5-field crons, optionally prefixed with CRON_TZ=Zone/Name. */
function parseCron(cron: string): { expression: string; tz: string } {
  const m = /^\s*CRON_TZ=(\S+)\s+(.+)$/.exec(cron);
  const expression = (m?.[2] ?? cron).trim();
  const tz = m?.[1] ?? "UTC";
  if (expression.split(/\s+/).length !== 5) throw new HttpError(400, `invalid cron expression: ${cron}`);
  try {
    CronExpressionParser.parse(expression, { tz });
  } catch (err) {
    throw new HttpError(
      400,
      `invalid cron expression: ${cron}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  return { expression, tz };
}

function nextCronTime(cron: string, afterMs: number): number {
  const { expression, tz } = parseCron(cron);
  return CronExpressionParser.parse(expression, { currentDate: new Date(afterMs), tz })
    .next()
    .getTime();
}

/** base64url(SHA-256(body)) with "=" padding, exactly as QStash puts it in the `body` claim. */
export function qstashBodyHash(body: Uint8Array | string): string {
  return createHash("sha256").update(body).digest("base64").replace(/\+/g, "-").replace(/\//g, "_");
}

/** Builds an `Upstash-Signature` JWT the way QStash does (HS256 with the current signing key). */
export async function signQStashJwt(opts: {
  signingKey: string;
  url: string;
  body: Uint8Array | string;
  nowSeconds?: number;
}): Promise<string> {
  const iat = opts.nowSeconds ?? Math.floor(Date.now() / 1000);
  return new SignJWT({
    iss: "Upstash",
    sub: opts.url,
    exp: iat + JWT_LIFETIME_S,
    nbf: iat,
    iat,
    jti: randomId("jwt_"),
    body: qstashBodyHash(opts.body),
  })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .sign(new TextEncoder().encode(opts.signingKey));
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, text ? { "Content-Type": "application/json" } : {});
  res.end(text);
}

function tokenMatches(header: string | undefined, expected: string): boolean {
  const m = /^Bearer\s+(.+)$/i.exec((header ?? "").trim());
  return m?.[1] !== undefined && tokenEquals(m[1], expected);
}

/** Lower-cased single-valued view of request headers (or of a batch entry's headers object). */
type HeaderMap = Map<string, string>;

function headerMap(source: IncomingMessage["headers"] | Record<string, unknown>): HeaderMap {
  const map: HeaderMap = new Map();
  for (const [k, v] of Object.entries(source)) {
    if (v === undefined || v === null) continue;
    map.set(k.toLowerCase(), Array.isArray(v) ? v.join(", ") : String(v));
  }
  return map;
}

function parseDestination(raw: string): string {
  let dest = raw;
  if (/^https?%3A/i.test(dest)) dest = decodeURIComponent(dest);
  let url: URL;
  try {
    url = new URL(dest);
  } catch {
    throw new HttpError(
      400,
      `invalid destination url: ${raw} (URL groups and APIs are not supported locally)`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new HttpError(400, `invalid destination url: ${raw}`);
  }
  return dest;
}

function toHeaderArrays(headers: Record<string, string>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]]));
}

// ---------------------------------------------------------------- the server

class LocalQStashServer {
  private readonly messagesById = new Map<string, MessageRecord>();
  private readonly schedulesById = new Map<string, ScheduleRecord>();
  private readonly dedup = new Map<string, { messageId: string; expiresAt: number }>();
  private readonly inflight = new Set<Promise<void>>();
  // Aborts deliveries still running when the server closes, so close() does not wait for slow destinations.
  private readonly shutdown = new AbortController();
  private readonly baseNow: () => number;
  private offset = 0;
  private dlqCounter = 0;
  private closed = false;

  constructor(private readonly opts: LocalQStashOptions) {
    this.baseNow = opts.now ?? Date.now;
  }

  now(): number {
    return this.baseNow() + this.offset;
  }

  private log(message: string): void {
    this.opts.log?.(`[qstash-local] ${message}`);
  }

  private advanceTo(t: number): void {
    const delta = t - this.now();
    if (delta > 0) this.offset += delta;
  }

  // ---- publishing

  private messageFromHeaders(
    destination: string,
    h: HeaderMap,
    body: Buffer,
    extra: { scheduleId?: string; notBefore?: number },
  ): MessageRecord {
    const now = this.now();
    const headers: Record<string, string> = {};
    for (const [k, v] of h) {
      if (k.startsWith("upstash-forward-")) headers[k.slice("upstash-forward-".length)] = v;
    }
    const contentType = h.get("content-type");
    if (contentType) headers["content-type"] = contentType;

    let notBefore = extra.notBefore ?? now;
    const delay = h.get("upstash-delay");
    if (delay !== undefined && extra.notBefore === undefined) {
      const ms = parseDuration(delay);
      if (ms === undefined) throw new HttpError(400, `invalid Upstash-Delay: ${delay}`);
      notBefore = now + ms;
    }
    const nb = h.get("upstash-not-before");
    if (nb !== undefined) {
      if (!/^\d+$/.test(nb)) throw new HttpError(400, `invalid Upstash-Not-Before: ${nb}`);
      notBefore = Number(nb) * 1000;
    }
    const retriesHeader = h.get("upstash-retries");
    const maxRetries = retriesHeader === undefined ? (this.opts.defaultRetries ?? 3) : Number(retriesHeader);
    if (!Number.isInteger(maxRetries) || maxRetries < 0) {
      throw new HttpError(400, `invalid Upstash-Retries: ${retriesHeader ?? ""}`);
    }
    const retryDelayExpression = h.get("upstash-retry-delay");
    if (retryDelayExpression !== undefined) {
      try {
        evalRetryDelay(retryDelayExpression, 1);
      } catch (err) {
        throw new HttpError(
          400,
          `invalid Upstash-Retry-Delay: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    }
    const timeout = h.get("upstash-timeout");
    const timeoutMs =
      timeout === undefined ? (this.opts.deliveryTimeoutMs ?? 15_000) : parseDuration(timeout);
    if (timeoutMs === undefined) throw new HttpError(400, `invalid Upstash-Timeout: ${timeout ?? ""}`);
    const method = (h.get("upstash-method") ?? "POST").toUpperCase();

    return {
      id: randomId("msg_"),
      destination,
      method,
      headers,
      body,
      maxRetries,
      ...(retryDelayExpression !== undefined ? { retryDelayExpression } : {}),
      timeoutMs,
      createdAt: now,
      notBefore,
      nextDeliveryAt: notBefore,
      status: "pending",
      attempts: 0,
      retried: 0,
      cancelRequested: false,
      ...(extra.scheduleId !== undefined ? { scheduleId: extra.scheduleId } : {}),
    };
  }

  private deduplicationKey(destination: string, h: HeaderMap, body: Buffer): string | undefined {
    const id = h.get("upstash-deduplication-id");
    if (id !== undefined) return `id:${destination}:${id}`;
    if (h.get("upstash-content-based-deduplication") !== "true") return undefined;
    const hash = createHash("sha256").update(destination).update("\0").update(body);
    for (const [k, v] of [...h].sort(([a], [b]) => a.localeCompare(b))) {
      if (k.startsWith("upstash-forward-") || k === "content-type") hash.update(`\0${k}:${v}`);
    }
    return `content:${hash.digest("hex")}`;
  }

  publish(
    destinationRaw: string,
    h: HeaderMap,
    body: Buffer,
  ): { status: number; body: { messageId: string; deduplicated?: boolean } } {
    const destination = parseDestination(destinationRaw);
    const dedupKey = this.deduplicationKey(destination, h, body);
    const now = this.now();
    if (dedupKey !== undefined) {
      const hit = this.dedup.get(dedupKey);
      if (hit && hit.expiresAt > now) {
        return { status: 202, body: { messageId: hit.messageId, deduplicated: true } };
      }
    }
    const msg = this.messageFromHeaders(destination, h, body, {});
    const dedupId = h.get("upstash-deduplication-id");
    if (dedupId !== undefined) msg.deduplicationId = dedupId;
    this.messagesById.set(msg.id, msg);
    if (dedupKey !== undefined) {
      this.dedup.set(dedupKey, {
        messageId: msg.id,
        expiresAt: now + (this.opts.deduplicationWindowMs ?? 600_000),
      });
    }
    this.log(`published ${msg.id} -> ${msg.method} ${destination} (due in ${msg.nextDeliveryAt - now} ms)`);
    // With the poller on, deliver right away instead of waiting for the next tick.
    if ((this.opts.pollIntervalMs ?? 250) > 0) setImmediate(() => this.kick());
    return { status: 201, body: { messageId: msg.id } };
  }

  upsertSchedule(destinationRaw: string, h: HeaderMap, body: Buffer): { scheduleId: string } {
    const destination = parseDestination(destinationRaw);
    const cron = h.get("upstash-cron");
    if (!cron) throw new HttpError(400, "Upstash-Cron header is required");
    parseCron(cron);
    // Reuse the message parser for method/headers/retries/timeout validation.
    const template = this.messageFromHeaders(destination, h, body, {});
    const delay = h.get("upstash-delay");
    const delayMs = delay === undefined ? 0 : (parseDuration(delay) ?? 0);
    const requestedId = h.get("upstash-schedule-id");
    const existing = requestedId === undefined ? undefined : this.schedulesById.get(requestedId);
    const now = this.now();
    const schedule: ScheduleRecord = {
      scheduleId: requestedId ?? randomId("scd_"),
      cron,
      destination,
      method: template.method,
      headers: template.headers,
      body,
      retries: template.maxRetries,
      ...(template.retryDelayExpression !== undefined
        ? { retryDelayExpression: template.retryDelayExpression }
        : {}),
      delayMs,
      timeoutMs: template.timeoutMs,
      createdAt: existing?.createdAt ?? now,
      isPaused: existing?.isPaused ?? false,
      nextScheduleTime: nextCronTime(cron, now),
      ...(existing?.lastScheduleTime !== undefined ? { lastScheduleTime: existing.lastScheduleTime } : {}),
      lastScheduleStates: existing?.lastScheduleStates ?? {},
    };
    this.schedulesById.set(schedule.scheduleId, schedule);
    this.log(`schedule ${schedule.scheduleId} "${cron}" -> ${destination}`);
    return { scheduleId: schedule.scheduleId };
  }

  // ---- delivery

  private fireDueSchedules(): void {
    const now = this.now();
    for (const s of this.schedulesById.values()) {
      if (s.isPaused || s.nextScheduleTime > now) continue;
      const tick = s.nextScheduleTime;
      const h: HeaderMap = new Map();
      for (const [k, v] of Object.entries(s.headers))
        h.set(k === "content-type" ? k : `upstash-forward-${k}`, v);
      h.set("upstash-method", s.method);
      h.set("upstash-retries", String(s.retries));
      h.set("upstash-timeout", `${s.timeoutMs}ms`);
      if (s.retryDelayExpression !== undefined) h.set("upstash-retry-delay", s.retryDelayExpression);
      const msg = this.messageFromHeaders(s.destination, h, s.body, {
        scheduleId: s.scheduleId,
        notBefore: now + s.delayMs,
      });
      this.messagesById.set(msg.id, msg);
      s.lastScheduleTime = tick;
      s.lastScheduleStates = { [msg.id]: "IN_PROGRESS" };
      // Missed ticks (e.g. the machine slept) fire once, like a real scheduler catching up.
      s.nextScheduleTime = nextCronTime(s.cron, Math.max(tick, now));
      this.log(`schedule ${s.scheduleId} fired ${msg.id}`);
    }
  }

  /** Starts every due delivery; returns immediately. */
  kick(): void {
    if (this.closed) return;
    this.fireDueSchedules();
    const now = this.now();
    for (const msg of this.messagesById.values()) {
      if (msg.status !== "pending" || msg.nextDeliveryAt > now) continue;
      msg.status = "delivering";
      const p = this.deliver(msg).finally(() => this.inflight.delete(p));
      this.inflight.add(p);
    }
  }

  async runDue(): Promise<void> {
    for (let round = 0; round < 10_000; round++) {
      this.kick();
      if (this.inflight.size === 0) return;
      await Promise.allSettled([...this.inflight]);
    }
    throw new Error("qstash-local: runDue did not settle (a destination keeps publishing due messages?)");
  }

  private nextEventTime(): number | undefined {
    let next: number | undefined;
    for (const m of this.messagesById.values()) {
      if (m.status === "pending" && (next === undefined || m.nextDeliveryAt < next)) next = m.nextDeliveryAt;
    }
    for (const s of this.schedulesById.values()) {
      if (!s.isPaused && (next === undefined || s.nextScheduleTime < next)) next = s.nextScheduleTime;
    }
    return next;
  }

  async fastForward(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`fastForward: ms must be >= 0, got ${ms}`);
    const target = this.now() + ms;
    // Step from event to event so every retry and cron tick inside the window happens, in order.
    for (let step = 0; step < MAX_FAST_FORWARD_STEPS; step++) {
      await this.runDue();
      const next = this.nextEventTime();
      if (next === undefined || next > target) {
        this.advanceTo(target);
        await this.runDue();
        return;
      }
      this.advanceTo(next);
    }
    throw new Error(`fastForward: more than ${MAX_FAST_FORWARD_STEPS} events in ${ms} ms`);
  }

  /**
   * Fast-forwards only the messages whose body contains `match`: whenever the earliest pending one
   * is not due yet, every matching message (delivered ones too) moves back in time by the gap, so
   * it is due now, until `ms` of their time has passed. Their spacing is kept, as a snapshot shows;
   * every other message and the schedules go on in real time, so one test's 80 hours never run
   * another test's messages or the crons.
   */
  async fastForwardMatching(ms: number, match: string): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new Error(`fastForward: ms must be >= 0, got ${ms}`);
    const needle = Buffer.from(match, "utf8");
    const matching = () => [...this.messagesById.values()].filter((m) => m.body.includes(needle));
    let remaining = ms;
    for (let step = 0; step < MAX_FAST_FORWARD_STEPS; step++) {
      await this.runDue();
      const pending = matching().filter((m) => m.status === "pending");
      if (pending.length === 0) return;
      const gap = Math.max(0, Math.min(...pending.map((m) => m.nextDeliveryAt)) - this.now());
      if (gap > remaining) return;
      remaining -= gap;
      for (const m of matching()) {
        m.createdAt -= gap;
        m.notBefore -= gap;
        m.nextDeliveryAt -= gap;
        if (m.deliveredAt !== undefined) m.deliveredAt -= gap;
      }
    }
    throw new Error(`fastForward: more than ${MAX_FAST_FORWARD_STEPS} events in ${ms} ms`);
  }

  private async deliver(msg: MessageRecord): Promise<void> {
    msg.attempts += 1;
    let failure: string | undefined;
    let nonRetryable = false;
    try {
      const headers: Record<string, string> = {
        ...msg.headers,
        "user-agent": "Upstash-QStash",
        "upstash-message-id": msg.id,
        "upstash-retried": String(msg.retried),
        "upstash-caller-ip": "127.0.0.1",
        // JWT times use the real clock: receivers check exp/nbf against theirs, not our virtual one.
        "upstash-signature": await signQStashJwt({
          signingKey: this.opts.currentSigningKey,
          url: msg.destination,
          body: msg.body,
        }),
      };
      if (msg.scheduleId !== undefined) headers["upstash-schedule-id"] = msg.scheduleId;
      const hasBody = msg.method !== "GET" && msg.method !== "HEAD";
      const res = await fetch(msg.destination, {
        method: msg.method,
        headers,
        ...(hasBody ? { body: new Uint8Array(msg.body) } : {}),
        redirect: "manual",
        signal: AbortSignal.any([AbortSignal.timeout(msg.timeoutMs), this.shutdown.signal]),
      });
      const text = await res.text().catch(() => "");
      msg.lastResponseStatus = res.status;
      msg.lastResponseBody = text.slice(0, 4096);
      if (res.status >= 200 && res.status < 300) {
        msg.status = "delivered";
        msg.deliveredAt = this.now();
        delete msg.lastError;
        this.setScheduleState(msg, "SUCCESS");
        this.log(`delivered ${msg.id} (${res.status}) after ${msg.attempts} attempt(s)`);
        this.trimFinished();
        return;
      }
      failure = `HTTP ${res.status}${text ? `: ${text.slice(0, 200)}` : ""}`;
      nonRetryable = res.status === 489 && res.headers.get("upstash-nonretryable-error") === "true";
    } catch (err) {
      failure = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }

    msg.lastError = failure;
    if (msg.cancelRequested) {
      msg.status = "cancelled";
    } else if (!nonRetryable && msg.retried < msg.maxRetries) {
      msg.retried += 1;
      let delayMs = defaultRetryDelayMs(msg.retried);
      if (msg.retryDelayExpression !== undefined) {
        try {
          delayMs = evalRetryDelay(msg.retryDelayExpression, msg.retried);
        } catch {
          // Validated at publish time; fall back to the default if it still fails.
        }
      }
      msg.nextDeliveryAt = this.now() + delayMs;
      msg.status = "pending";
      this.log(
        `delivery of ${msg.id} failed (${failure}); retry ${msg.retried}/${msg.maxRetries} in ${delayMs} ms`,
      );
    } else {
      msg.status = "failed";
      this.dlqCounter += 1;
      msg.dlqId = `${this.now()}-${this.dlqCounter}`;
      this.setScheduleState(msg, "FAIL");
      this.log(
        `delivery of ${msg.id} failed (${failure}); moved to the DLQ after ${msg.attempts} attempt(s)`,
      );
    }
  }

  private setScheduleState(msg: MessageRecord, state: "SUCCESS" | "FAIL"): void {
    if (msg.scheduleId === undefined) return;
    const s = this.schedulesById.get(msg.scheduleId);
    if (s && msg.id in s.lastScheduleStates) s.lastScheduleStates[msg.id] = state;
  }

  private trimFinished(): void {
    if (this.messagesById.size <= MAX_FINISHED_MESSAGES) return;
    for (const [id, m] of this.messagesById) {
      if (this.messagesById.size <= MAX_FINISHED_MESSAGES) break;
      if (m.status === "delivered" || m.status === "cancelled") this.messagesById.delete(id);
    }
  }

  // ---- views

  snapshot(m: MessageRecord): LocalQStashMessage {
    return {
      id: m.id,
      destination: m.destination,
      method: m.method,
      status: m.status,
      attempts: m.attempts,
      retried: m.retried,
      maxRetries: m.maxRetries,
      createdAt: m.createdAt,
      nextDeliveryAt: m.nextDeliveryAt,
      ...(m.deliveredAt !== undefined ? { deliveredAt: m.deliveredAt } : {}),
      ...(m.lastError !== undefined ? { lastError: m.lastError } : {}),
      ...(m.lastResponseStatus !== undefined ? { lastResponseStatus: m.lastResponseStatus } : {}),
      ...(m.scheduleId !== undefined ? { scheduleId: m.scheduleId } : {}),
      ...(m.deduplicationId !== undefined ? { deduplicationId: m.deduplicationId } : {}),
      ...(m.dlqId !== undefined ? { dlqId: m.dlqId } : {}),
      headers: { ...m.headers },
      body: m.body.toString("utf8"),
    };
  }

  messages(): LocalQStashMessage[] {
    return [...this.messagesById.values()].map((m) => this.snapshot(m));
  }

  dlq(): LocalQStashMessage[] {
    return [...this.messagesById.values()].filter((m) => m.status === "failed").map((m) => this.snapshot(m));
  }

  schedules(): LocalQStashSchedule[] {
    return [...this.schedulesById.values()].map((s) => ({
      scheduleId: s.scheduleId,
      cron: s.cron,
      destination: s.destination,
      method: s.method,
      isPaused: s.isPaused,
      createdAt: s.createdAt,
      nextScheduleTime: s.nextScheduleTime,
      ...(s.lastScheduleTime !== undefined ? { lastScheduleTime: s.lastScheduleTime } : {}),
    }));
  }

  /** The Message JSON of the QStash API. */
  private messageJson(m: MessageRecord): Record<string, unknown> {
    return {
      messageId: m.id,
      url: m.destination,
      method: m.method,
      header: toHeaderArrays(m.headers),
      body: m.body.toString("utf8"),
      maxRetries: m.maxRetries,
      ...(m.retryDelayExpression !== undefined ? { retryDelayExpression: m.retryDelayExpression } : {}),
      notBefore: m.notBefore,
      createdAt: m.createdAt,
      ...(m.scheduleId !== undefined ? { scheduleId: m.scheduleId } : {}),
      callerIp: "127.0.0.1",
    };
  }

  private scheduleJson(s: ScheduleRecord): Record<string, unknown> {
    return {
      scheduleId: s.scheduleId,
      cron: s.cron,
      createdAt: s.createdAt,
      destination: s.destination,
      method: s.method,
      header: toHeaderArrays(s.headers),
      body: s.body.toString("utf8"),
      retries: s.retries,
      ...(s.delayMs > 0 ? { delay: Math.round(s.delayMs / 1000) } : {}),
      ...(s.retryDelayExpression !== undefined ? { retryDelayExpression: s.retryDelayExpression } : {}),
      isPaused: s.isPaused,
      nextScheduleTime: s.nextScheduleTime,
      ...(s.lastScheduleTime !== undefined ? { lastScheduleTime: s.lastScheduleTime } : {}),
      lastScheduleStates: s.lastScheduleStates,
      callerIP: "127.0.0.1",
    };
  }

  // ---- HTTP

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!tokenMatches(req.headers.authorization, this.opts.token)) {
      sendJson(res, 401, { error: "Unauthorized" });
      return;
    }
    const rawUrl = req.url ?? "/";
    const q = rawUrl.indexOf("?");
    const path = q === -1 ? rawUrl : rawUrl.slice(0, q);
    const search = q === -1 ? "" : rawUrl.slice(q);
    const method = req.method ?? "GET";
    const body = await readBody(req, MAX_BODY_BYTES, () => new HttpError(413, "message body too large"));
    const h = headerMap(req.headers);

    // The destination is everything after the prefix, query string included (it belongs to the destination).
    const publishPrefix = "/v2/publish/";
    if (method === "POST" && path.startsWith(publishPrefix)) {
      const r = this.publish(path.slice(publishPrefix.length) + search, h, body);
      sendJson(res, r.status, r.body);
      return;
    }
    const enqueue = /^\/v2\/enqueue\/[^/]+\/(.+)$/.exec(path);
    if (method === "POST" && enqueue?.[1] !== undefined) {
      // Queues are not modelled locally: deliver like a plain publish.
      const r = this.publish(enqueue[1] + search, h, body);
      sendJson(res, r.status, r.body);
      return;
    }
    if (method === "POST" && path === "/v2/batch") {
      sendJson(res, 201, this.batch(body));
      return;
    }

    const schedulesPrefix = "/v2/schedules/";
    if (method === "POST" && path.startsWith(schedulesPrefix)) {
      sendJson(res, 201, this.upsertSchedule(path.slice(schedulesPrefix.length) + search, h, body));
      return;
    }
    if (method === "GET" && (path === "/v2/schedules" || path === "/v2/schedules/")) {
      sendJson(
        res,
        200,
        [...this.schedulesById.values()].map((s) => this.scheduleJson(s)),
      );
      return;
    }
    const scheduleMatch = /^\/v2\/schedules\/([^/]+)(?:\/(pause|resume))?$/.exec(path);
    if (scheduleMatch?.[1] !== undefined) {
      const s = this.schedulesById.get(decodeURIComponent(scheduleMatch[1]));
      if (!s) throw new HttpError(404, "schedule not found");
      const action = scheduleMatch[2];
      if (method === "GET" && action === undefined) {
        sendJson(res, 200, this.scheduleJson(s));
        return;
      }
      if (method === "DELETE" && action === undefined) {
        this.schedulesById.delete(s.scheduleId);
        sendJson(res, 200, undefined);
        return;
      }
      if (method === "PATCH" && action !== undefined) {
        s.isPaused = action === "pause";
        if (!s.isPaused) s.nextScheduleTime = nextCronTime(s.cron, this.now());
        sendJson(res, 200, undefined);
        return;
      }
    }

    const messageMatch = /^\/v2\/messages\/([^/]+)$/.exec(path);
    if (messageMatch?.[1] !== undefined) {
      const m = this.messagesById.get(decodeURIComponent(messageMatch[1]));
      const active = m && (m.status === "pending" || m.status === "delivering");
      if (!m || !active) throw new HttpError(404, "message not found");
      if (method === "GET") {
        sendJson(res, 200, this.messageJson(m));
        return;
      }
      if (method === "DELETE") {
        if (m.status === "pending") m.status = "cancelled";
        else m.cancelRequested = true;
        sendJson(res, 200, { cancelled: 1 });
        return;
      }
    }

    if (method === "GET" && path === "/v2/dlq") {
      const messages = [...this.messagesById.values()]
        .filter((m) => m.status === "failed")
        .map((m) => ({
          ...this.messageJson(m),
          dlqId: m.dlqId,
          ...(m.lastResponseStatus !== undefined ? { responseStatus: m.lastResponseStatus } : {}),
          ...(m.lastResponseBody !== undefined ? { responseBody: m.lastResponseBody } : {}),
        }));
      sendJson(res, 200, { messages });
      return;
    }
    const dlqMatch = /^\/v2\/dlq\/([^/]+)$/.exec(path);
    if (method === "DELETE" && dlqMatch?.[1] !== undefined) {
      const id = decodeURIComponent(dlqMatch[1]);
      const m = [...this.messagesById.values()].find((x) => x.status === "failed" && x.dlqId === id);
      if (!m) throw new HttpError(404, "dlq message not found");
      this.messagesById.delete(m.id);
      sendJson(res, 200, undefined);
      return;
    }

    // Local-only control endpoints, for tests running in another process than the stack.
    if (path.startsWith("/local/")) {
      await this.handleControl(method, path, search, body, res);
      return;
    }

    throw new HttpError(404, `not supported by the local QStash: ${method} ${path}`);
  }

  private async handleControl(
    method: string,
    path: string,
    search: string,
    body: Buffer,
    res: ServerResponse,
  ): Promise<void> {
    if (method === "POST" && path === "/local/fast-forward") {
      let ms = Number(new URLSearchParams(search).get("ms") ?? Number.NaN);
      let match: unknown;
      if (body.length > 0) {
        try {
          const parsed = JSON.parse(body.toString("utf8")) as { ms?: unknown; match?: unknown };
          if (Number.isNaN(ms)) ms = Number(parsed.ms);
          match = parsed.match;
        } catch {
          // Reported below.
        }
      }
      if (!Number.isFinite(ms) || ms < 0) throw new HttpError(400, "ms must be a non-negative number");
      if (match !== undefined && (typeof match !== "string" || match === ""))
        throw new HttpError(400, "match must be a non-empty string");
      await (match === undefined ? this.fastForward(ms) : this.fastForwardMatching(ms, match));
      sendJson(res, 200, { now: this.now() });
      return;
    }
    if (method === "POST" && path === "/local/run-due") {
      await this.runDue();
      sendJson(res, 200, { now: this.now() });
      return;
    }
    if (method === "GET" && path === "/local/now") {
      sendJson(res, 200, { now: this.now() });
      return;
    }
    if (method === "GET" && path === "/local/messages") {
      sendJson(res, 200, { messages: this.messages() });
      return;
    }
    if (method === "GET" && path === "/local/dlq") {
      sendJson(res, 200, { messages: this.dlq() });
      return;
    }
    if (method === "GET" && path === "/local/schedules") {
      sendJson(res, 200, { schedules: this.schedules() });
      return;
    }
    throw new HttpError(404, `unknown control endpoint: ${method} ${path}`);
  }

  private batch(body: Buffer): { messageId: string; deduplicated?: boolean }[] {
    let entries: unknown;
    try {
      entries = JSON.parse(body.toString("utf8"));
    } catch {
      throw new HttpError(400, "batch body must be a JSON array");
    }
    if (!Array.isArray(entries)) throw new HttpError(400, "batch body must be a JSON array");
    return entries.map((entry: unknown) => {
      if (typeof entry !== "object" || entry === null) throw new HttpError(400, "invalid batch entry");
      const e = entry as { destination?: unknown; headers?: unknown; body?: unknown };
      if (typeof e.destination !== "string") throw new HttpError(400, "batch entry needs a destination");
      const headers =
        typeof e.headers === "object" && e.headers !== null ? (e.headers as Record<string, unknown>) : {};
      const entryBody = typeof e.body === "string" ? Buffer.from(e.body, "utf8") : Buffer.alloc(0);
      return this.publish(e.destination, headerMap(headers), entryBody).body;
    });
  }

  stop(): void {
    this.closed = true;
    this.shutdown.abort();
  }

  async settle(): Promise<void> {
    await Promise.allSettled([...this.inflight]);
  }
}

export async function startLocalQStash(opts: LocalQStashOptions): Promise<LocalQStash> {
  if (!opts.token) throw new Error("startLocalQStash: token is required");
  if (!opts.currentSigningKey || !opts.nextSigningKey)
    throw new Error("startLocalQStash: signing keys are required");
  const core = new LocalQStashServer(opts);

  const server = createServer((req, res) => {
    core.handle(req, res).catch((err: unknown) => {
      const status = err instanceof HttpError ? err.status : 500;
      const message = err instanceof Error ? err.message : String(err);
      if (status === 500) opts.log?.(`[qstash-local] ${message}`);
      if (!res.headersSent) sendJson(res, status, { error: message });
      else res.destroy();
    });
  });
  const port = await listen(server, opts.port, opts.host);

  const pollMs = opts.pollIntervalMs ?? 250;
  const timer = pollMs > 0 ? setInterval(() => core.kick(), pollMs) : undefined;
  timer?.unref();

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    token: opts.token,
    now: () => core.now(),
    fastForward: (ms, options) =>
      options?.match === undefined ? core.fastForward(ms) : core.fastForwardMatching(ms, options.match),
    runDue: () => core.runDue(),
    messages: () => core.messages(),
    dlq: () => core.dlq(),
    schedules: () => core.schedules(),
    close() {
      closing ??= (async () => {
        if (timer) clearInterval(timer);
        core.stop();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await core.settle();
      })();
      return closing;
    },
  };
}
