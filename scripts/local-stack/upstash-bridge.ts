// Local stand-in for Upstash Redis: an HTTP server speaking the Upstash REST
// protocol, so @upstash/redis and @upstash/ratelimit run unchanged against a
// real Redis (ioredis) or, when none is reachable, an in-memory ioredis-mock.
// Dev tooling only (Node); never bundled into the Worker.
import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { Redis } from "ioredis";
import RedisMock from "ioredis-mock";
import { listen, readBody, tokenEquals } from "./http";
import { normalizeTrace, RoundTrips, TRACE_HEADER } from "./roundtrips";

export interface UpstashBridgeOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Bearer token clients must send (`UPSTASH_REDIS_REST_TOKEN`). */
  token: string;
  /** Default redis://127.0.0.1:6379. */
  redisUrl?: string;
  /** Skip Redis and use the in-memory store. */
  forceMemory?: boolean;
  /** Fail instead of falling back to memory when Redis is unreachable. */
  requireRedis?: boolean;
  /** Redis connect timeout (default 1500 ms). */
  connectTimeoutMs?: number;
  /** Where round trips are counted and delayed; a private counter when absent. */
  roundTrips?: RoundTrips;
  log?: (message: string) => void;
}

export interface UpstashBridge {
  /** `UPSTASH_REDIS_REST_URL`, e.g. http://127.0.0.1:54322 */
  url: string;
  token: string;
  backend: "redis" | "memory";
  roundTrips: RoundTrips;
  close(): Promise<void>;
}

/** A reply as Redis sends it: bulk/status strings, integers, nil, arrays. */
export type RedisReply = null | number | string | Buffer | RedisReply[];
type CommandResult = { ok: true; value: RedisReply } | { ok: false; error: string };

interface Backend {
  readonly kind: "redis" | "memory";
  run(cmd: readonly string[]): Promise<RedisReply>;
  pipeline(cmds: readonly (readonly string[])[]): Promise<CommandResult[]>;
  /** Atomic; rejects when the whole transaction is aborted (EXECABORT). */
  multiExec(cmds: readonly (readonly string[])[]): Promise<CommandResult[]>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const TRACE_PATH = /^\/trace\/([^/]+)(\/.*)?$/;
const NOSCRIPT = "NOSCRIPT No matching script. Please use EVAL.";

// Commands that would change the state of the shared connection (or hang it).
const DENIED = new Set([
  "AUTH",
  "HELLO",
  "SELECT",
  "MULTI",
  "EXEC",
  "DISCARD",
  "WATCH",
  "UNWATCH",
  "SUBSCRIBE",
  "PSUBSCRIBE",
  "SSUBSCRIBE",
  "UNSUBSCRIBE",
  "PUNSUBSCRIBE",
  "SUNSUBSCRIBE",
  "MONITOR",
  "QUIT",
  "RESET",
  "SHUTDOWN",
  "SYNC",
  "PSYNC",
  "REPLICAOF",
  "SLAVEOF",
]);
// Blocking commands get their own connection so they cannot stall everyone else.
const BLOCKING = new Set([
  "BLPOP",
  "BRPOP",
  "BRPOPLPUSH",
  "BLMOVE",
  "BLMPOP",
  "BZPOPMIN",
  "BZPOPMAX",
  "BZMPOP",
  "WAIT",
  "WAITAOF",
]);
// Shebang flags Redis 7 understands; others (e.g. Upstash's allow-key-locking) make it reject the script.
const REDIS7_SCRIPT_FLAGS = new Set([
  "no-writes",
  "allow-oom",
  "allow-stale",
  "no-cluster",
  "allow-cross-slot-keys",
]);

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function isBlocking(cmd: readonly string[]): boolean {
  const name = (cmd[0] ?? "").toUpperCase();
  if (BLOCKING.has(name)) return true;
  return (name === "XREAD" || name === "XREADGROUP") && cmd.some((a) => a.toUpperCase() === "BLOCK");
}

function unknownCommand(cmd: readonly string[]): Error {
  const args = cmd
    .slice(1, 4)
    .map((a) => `'${a}' `)
    .join("");
  return new Error(`ERR unknown command '${cmd[0] ?? ""}', with args beginning with: ${args}`);
}

/** Serialises async work: the in-memory store gets the atomicity Redis has. */
class Mutex {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.tail.then(fn, fn);
    this.tail = next.catch(() => undefined);
    return next;
  }
}

// ---------------------------------------------------------------- backends

// ioredis keys its reply/argument transformers (e.g. HGETALL -> object) by the
// lower-case name; upper-case names get the raw Redis reply, which is what we relay.
class RedisBackend implements Backend {
  readonly kind = "redis";
  constructor(private readonly client: Redis) {}

  async run(cmd: readonly string[]): Promise<RedisReply> {
    const [name, ...args] = cmd;
    if (name === undefined) throw new Error("ERR empty command");
    if (!isBlocking(cmd)) return normalizeReply(await this.client.callBuffer(name.toUpperCase(), ...args));
    const dedicated = this.client.duplicate();
    try {
      return normalizeReply(await dedicated.callBuffer(name.toUpperCase(), ...args));
    } finally {
      dedicated.disconnect();
    }
  }

  async pipeline(cmds: readonly (readonly string[])[]): Promise<CommandResult[]> {
    const p = this.client.pipeline();
    for (const [name = "", ...args] of cmds) p.callBuffer(name.toUpperCase(), ...args);
    return toResults(await p.exec());
  }

  async multiExec(cmds: readonly (readonly string[])[]): Promise<CommandResult[]> {
    const m = this.client.multi();
    for (const [name = "", ...args] of cmds) m.callBuffer(name.toUpperCase(), ...args);
    const out = await m.exec();
    if (out === null) throw new Error("EXECABORT Transaction aborted");
    return toResults(out);
  }

  async close(): Promise<void> {
    await this.client.quit().catch(() => this.client.disconnect());
  }
}

function toResults(out: [Error | null, unknown][] | null): CommandResult[] {
  return (out ?? []).map(([err, value]) =>
    err ? { ok: false, error: err.message } : { ok: true, value: normalizeReply(value) },
  );
}

// Methods of ioredis-mock that are not Redis commands and must not be reachable over HTTP.
const MOCK_NON_COMMANDS = new Set([
  "constructor",
  "multi",
  "pipeline",
  "exec",
  "duplicate",
  "connect",
  "disconnect",
  "quit",
  "on",
  "off",
  "once",
  "emit",
  "listeners",
]);

type MockMethod = (...args: string[]) => Promise<unknown>;

const INTEGER = /^-?\d+$/;
const MOCK_INTEGER_COMMANDS = new Set(["incr", "incrby", "decr", "decrby"]);
const MOCK_STRING_COMMANDS = new Set([
  ...MOCK_INTEGER_COMMANDS,
  "get",
  "getset",
  "getdel",
  "getex",
  "append",
  "strlen",
  "getrange",
  "setrange",
  "incrbyfloat",
]);

// ioredis-mock only recognises upper-case option keywords; Redis ignores case,
// and @upstash/redis sends them in lower case ("nx", "ex", "withscores").
const SET_OPTIONS = new Set(["NX", "XX", "GET", "EX", "PX", "EXAT", "PXAT", "KEEPTTL"]);
const GETEX_OPTIONS = new Set(["EX", "PX", "EXAT", "PXAT", "PERSIST"]);
const ZADD_OPTIONS = new Set(["NX", "XX", "GT", "LT", "CH", "INCR"]);
const RANGE_OPTIONS = new Set(["WITHSCORES", "LIMIT", "BYSCORE", "BYLEX", "REV"]);
const SCAN_OPTIONS = new Set(["MATCH", "COUNT", "TYPE"]);

function upperCaseMockOptions(name: string, args: readonly string[]): string[] {
  // Only positions where an option may stand, so values such as `SET k nx` stay untouched.
  const upper = (from: number, options: Set<string>, step = 1) =>
    args.map((a, i) =>
      i >= from && (i - from) % step === 0 && options.has(a.toUpperCase()) ? a.toUpperCase() : a,
    );
  switch (name) {
    case "set":
      return upper(2, SET_OPTIONS);
    case "getex":
      return upper(1, GETEX_OPTIONS);
    case "zadd": {
      const out = [...args];
      for (let i = 1; i < out.length && ZADD_OPTIONS.has((out[i] ?? "").toUpperCase()); i++) {
        out[i] = (out[i] ?? "").toUpperCase();
      }
      return out;
    }
    case "zrange":
    case "zrevrange":
    case "zrangebyscore":
    case "zrevrangebyscore":
    case "zrangebylex":
    case "zrevrangebylex":
      return upper(3, RANGE_OPTIONS);
    case "scan":
      return upper(1, SCAN_OPTIONS, 2);
    case "sscan":
    case "hscan":
    case "zscan":
      return upper(2, SCAN_OPTIONS, 2);
    default:
      return [...args];
  }
}

class MemoryBackend implements Backend {
  readonly kind = "memory";
  private readonly mutex = new Mutex();
  // Instances of ioredis-mock share data per host:port; a unique host isolates each bridge.
  private readonly mock = new RedisMock({ host: `memory-${randomUUID()}`, port: 6379, lazyConnect: false });

  private async exec(cmd: readonly string[]): Promise<RedisReply> {
    const [rawName, ...rawArgs] = cmd;
    const name = (rawName ?? "").toLowerCase();
    if (!/^[a-z][a-z0-9_.-]*$/.test(name) || MOCK_NON_COMMANDS.has(name)) throw unknownCommand(cmd);
    const method = (this.mock as unknown as Record<string, unknown>)[name];
    if (typeof method !== "function") throw unknownCommand(cmd);
    const args = upperCaseMockOptions(name, rawArgs);
    await this.checkTypes(name, args);
    const reply = await (method as MockMethod).apply(this.mock, args);
    return normalizeReply(reply, name === "eval");
  }

  /** Errors Redis raises and ioredis-mock does not (it would store NaN or return the wrong type). */
  private async checkTypes(name: string, args: readonly string[]): Promise<void> {
    const key = args[0];
    if (key === undefined || !MOCK_STRING_COMMANDS.has(name)) return;
    const type = await this.mock.type(key);
    if (type !== "none" && type !== "string") {
      throw new Error("WRONGTYPE Operation against a key holding the wrong kind of value");
    }
    if (!MOCK_INTEGER_COMMANDS.has(name)) return;
    const by = args[1];
    if ((name === "incrby" || name === "decrby") && (by === undefined || !INTEGER.test(by))) {
      throw new Error("ERR value is not an integer or out of range");
    }
    const current = type === "string" ? await this.mock.get(key) : null;
    if (current !== null && !INTEGER.test(current))
      throw new Error("ERR value is not an integer or out of range");
  }

  run(cmd: readonly string[]): Promise<RedisReply> {
    return this.mutex.run(() => this.exec(cmd));
  }

  pipeline(cmds: readonly (readonly string[])[]): Promise<CommandResult[]> {
    return this.mutex.run(async () => {
      const results: CommandResult[] = [];
      for (const cmd of cmds) {
        try {
          results.push({ ok: true, value: await this.exec(cmd) });
        } catch (err) {
          results.push({ ok: false, error: errorMessage(err) });
        }
      }
      return results;
    });
  }

  // Under the mutex nothing interleaves, which is what MULTI/EXEC guarantees.
  multiExec(cmds: readonly (readonly string[])[]): Promise<CommandResult[]> {
    return this.pipeline(cmds);
  }

  async close(): Promise<void> {
    this.mock.disconnect();
  }
}

/**
 * ioredis-mock returns JS-shaped values; make them look like Redis replies:
 * objects (HGETALL) become flat arrays, undefined becomes nil, and Lua results
 * follow Redis' conversion rules (false -> nil, true -> 1, numbers truncated).
 */
function normalizeReply(value: unknown, fromLua = false): RedisReply {
  if (value === null || value === undefined) return null;
  if (typeof value === "string" || Buffer.isBuffer(value)) return value;
  if (typeof value === "number") return fromLua ? Math.trunc(value) : value;
  if (typeof value === "boolean") return fromLua ? (value ? 1 : null) : value ? 1 : 0;
  if (typeof value === "bigint") return Number(value);
  if (Array.isArray(value)) return value.map((v) => normalizeReply(v, fromLua));
  if (value instanceof Map) return [...value.entries()].flat().map((v) => normalizeReply(v, fromLua));
  if (typeof value === "object") {
    return Object.entries(value).flatMap(([k, v]) => [k, normalizeReply(v, fromLua)]);
  }
  return String(value);
}

// ----------------------------------------------------------------- scripts

/** How scripts are rewritten for the backend: Redis 7 (filter flags), Redis 6 (strip shebang), ioredis-mock. */
type ScriptMode = "filter" | "strip" | "memory";

// ioredis-mock hands redis.call() replies to Lua as JS arrays (userdata) in which
// a nil bulk string is JS null, where Redis gives `false` (@upstash/ratelimit's
// token bucket tests `bucket[1] == false`). Rebuild the top-level reply as a Lua
// table with false for nil. One line, so error line numbers stay the script's.
const MEMORY_LUA_PRELUDE =
  "local __ls_call = redis.call; " +
  "local function __ls_fix(v) if type(v) ~= 'userdata' then return v end " +
  "local ok, n = pcall(function() return #v end) if not ok then return v end " +
  "local t = {} for i = 1, n do local e = v[i] if e == nil or (type(e) == 'userdata' and tostring(e) == 'null') then e = false end " +
  "t[i] = e end return t end; " +
  "redis.call = function(...) return __ls_fix(__ls_call(...)) end; " +
  "redis.log = function() end; redis.LOG_DEBUG = 0; redis.LOG_VERBOSE = 1; redis.LOG_NOTICE = 2; redis.LOG_WARNING = 3;";

/**
 * Keeps every script the bridge has seen by the SHA1 of its original text, so
 * EVALSHA works on the in-memory store (which has no script cache) and on a
 * real Redis even when the script had to be rewritten to load there.
 */
class ScriptRegistry {
  private readonly bySha = new Map<string, string>();
  constructor(private readonly mode: ScriptMode) {}

  register(source: string): string {
    const sha = createHash("sha1").update(source).digest("hex");
    this.bySha.set(sha, source);
    return sha;
  }

  get(sha: string): string | undefined {
    return this.bySha.get(sha.toLowerCase());
  }

  has(sha: string): boolean {
    return this.bySha.has(sha.toLowerCase());
  }

  flush(): void {
    this.bySha.clear();
  }

  /** The text actually sent to the backend. Line numbers are preserved. */
  effective(source: string): string {
    if (!source.startsWith("#!")) return this.mode === "memory" ? `${MEMORY_LUA_PRELUDE} ${source}` : source;
    const nl = source.indexOf("\n");
    const first = nl === -1 ? source : source.slice(0, nl);
    const rest = nl === -1 ? "" : source.slice(nl);
    if (this.mode === "memory") return `${MEMORY_LUA_PRELUDE}${rest}`;
    if (this.mode === "strip") return rest;
    const engine = /^#!(\S+)/.exec(first)?.[1] ?? "lua";
    const flags = (/\sflags=(\S*)/.exec(first)?.[1] ?? "")
      .split(",")
      .filter((f) => REDIS7_SCRIPT_FLAGS.has(f));
    return `#!${engine}${flags.length > 0 ? ` flags=${flags.join(",")}` : ""}${rest}`;
  }
}

type Step =
  | { kind: "local"; result: CommandResult }
  | { kind: "backend"; cmd: string[]; map?: (reply: RedisReply) => RedisReply };

function resolveCommand(cmd: string[], backend: "redis" | "memory", scripts: ScriptRegistry): Step {
  const name = (cmd[0] ?? "").toUpperCase();
  if (name === "") return { kind: "local", result: { ok: false, error: "ERR empty command" } };
  if (DENIED.has(name)) {
    return { kind: "local", result: { ok: false, error: `ERR Command is not available: '${cmd[0]}'` } };
  }
  const memory = backend === "memory";
  switch (name) {
    case "EVAL":
    case "EVAL_RO": {
      const [, source, ...rest] = cmd;
      if (source === undefined) break;
      scripts.register(source);
      return { kind: "backend", cmd: [memory ? "EVAL" : name, scripts.effective(source), ...rest] };
    }
    case "EVALSHA":
    case "EVALSHA_RO": {
      const [, sha, ...rest] = cmd;
      if (sha === undefined) break;
      const source = scripts.get(sha);
      if (source !== undefined) {
        const evalName = memory || name === "EVALSHA" ? "EVAL" : "EVAL_RO";
        return { kind: "backend", cmd: [evalName, scripts.effective(source), ...rest] };
      }
      // A real Redis may know scripts loaded by other clients; the memory store never does.
      if (memory) return { kind: "local", result: { ok: false, error: NOSCRIPT } };
      return { kind: "backend", cmd };
    }
    case "SCRIPT": {
      const sub = (cmd[1] ?? "").toUpperCase();
      if (sub === "LOAD" && cmd[2] !== undefined) {
        const sha = scripts.register(cmd[2]);
        // Let Redis compile it so syntax errors surface here, like on Upstash.
        if (!memory)
          return { kind: "backend", cmd: ["SCRIPT", "LOAD", scripts.effective(cmd[2])], map: () => sha };
        return { kind: "local", result: { ok: true, value: sha } };
      }
      if (sub === "EXISTS") {
        const shas = cmd.slice(2);
        if (memory || shas.length === 0) {
          return { kind: "local", result: { ok: true, value: shas.map((s) => (scripts.has(s) ? 1 : 0)) } };
        }
        return {
          kind: "backend",
          cmd,
          map: (reply) =>
            Array.isArray(reply) ? shas.map((s, i) => (scripts.has(s) ? 1 : (reply[i] ?? 0))) : reply,
        };
      }
      if (sub === "FLUSH") {
        scripts.flush();
        if (memory) return { kind: "local", result: { ok: true, value: "OK" } };
        return { kind: "backend", cmd };
      }
      if (memory)
        return { kind: "local", result: { ok: false, error: `ERR unknown subcommand '${cmd[1] ?? ""}'` } };
      return { kind: "backend", cmd };
    }
  }
  return { kind: "backend", cmd };
}

async function execOne(backend: Backend, scripts: ScriptRegistry, cmd: string[]): Promise<CommandResult> {
  const step = resolveCommand(cmd, backend.kind, scripts);
  if (step.kind === "local") return step.result;
  try {
    const value = await backend.run(step.cmd);
    return { ok: true, value: step.map ? step.map(value) : value };
  } catch (err) {
    return { ok: false, error: errorMessage(err) };
  }
}

async function execBatch(
  backend: Backend,
  scripts: ScriptRegistry,
  cmds: string[][],
  atomic: boolean,
): Promise<CommandResult[]> {
  const steps = cmds.map((cmd) => resolveCommand(cmd, backend.kind, scripts));
  const toSend: string[][] = [];
  for (const step of steps) if (step.kind === "backend") toSend.push(step.cmd);
  let sent: CommandResult[] = [];
  if (toSend.length > 0) sent = atomic ? await backend.multiExec(toSend) : await backend.pipeline(toSend);
  let i = 0;
  return steps.map((step): CommandResult => {
    if (step.kind === "local") return step.result;
    const r = sent[i++] ?? { ok: false, error: "ERR missing reply" };
    return r.ok && step.map ? { ok: true, value: step.map(r.value) } : r;
  });
}

// -------------------------------------------------------------------- HTTP

/** Upstash-Encoding: base64 -> every string in the result (at any depth) is base64 of its bytes. */
function encodeReply(reply: RedisReply, base64: boolean): unknown {
  if (reply === null || typeof reply === "number") return reply;
  if (Buffer.isBuffer(reply)) return base64 ? reply.toString("base64") : reply.toString("utf8");
  if (typeof reply === "string") return base64 ? Buffer.from(reply, "utf8").toString("base64") : reply;
  return reply.map((r) => encodeReply(r, base64));
}

function toJsonResult(r: CommandResult, base64: boolean): { result: unknown } | { error: string } {
  return r.ok ? { result: encodeReply(r.value, base64) } : { error: r.error };
}

/** JSON body values -> Redis arguments, the way Upstash reads them. */
function parseCommand(value: unknown): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const out: string[] = [];
  for (const v of value) {
    if (typeof v === "string") out.push(v);
    else if (typeof v === "number" || typeof v === "boolean") out.push(String(v));
    else out.push(JSON.stringify(v));
  }
  return out;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
    "Access-Control-Allow-Origin": "*",
  });
  res.end(text);
}

function tokenMatches(given: string | null, expected: string): boolean {
  return given !== null && tokenEquals(given, expected);
}

function bearer(req: IncomingMessage, url: URL): string | null {
  const header = req.headers.authorization;
  if (header) {
    const m = /^Bearer\s+(.+)$/i.exec(header.trim());
    return m?.[1] ?? null;
  }
  return url.searchParams.get("_token");
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  token: string,
  backend: Backend,
  scripts: ScriptRegistry,
  roundTrips: RoundTrips,
): Promise<void> {
  if (req.method === "OPTIONS") {
    res.writeHead(204, {
      "Access-Control-Allow-Origin": "*",
      "Access-Control-Allow-Headers": "*",
      "Access-Control-Allow-Methods": "GET, POST, PUT, OPTIONS",
    });
    res.end();
    return;
  }
  const url = new URL(req.url ?? "/", "http://bridge.local");
  // @upstash/redis has no per-client headers, so a client may carry its trace in its base URL
  // instead: <UPSTASH_REDIS_REST_URL>/trace/<request id>. The prefix is not part of the command.
  const traced = TRACE_PATH.exec(url.pathname);
  if (traced) url.pathname = traced[2] ?? "/";
  // One HTTP request is one round trip: a single command, a pipeline or a transaction alike.
  await roundTrips.roundTrip("redis", normalizeTrace(traced?.[1] ?? req.headers[TRACE_HEADER]));
  if (!tokenMatches(bearer(req, url), token)) {
    send(res, 401, { error: "Unauthorized" });
    return;
  }
  const base64 = String(req.headers["upstash-encoding"] ?? "").toLowerCase() === "base64";
  let segments: string[];
  try {
    segments = url.pathname
      .split("/")
      .filter((s) => s !== "")
      .map((s) => decodeURIComponent(s));
  } catch {
    send(res, 400, { error: "ERR invalid URL encoding" });
    return;
  }
  const body = await readBody(req, MAX_BODY_BYTES, () => new Error("ERR max request size exceeded"));
  const method = req.method ?? "GET";

  const first = segments[0];
  if (segments.length === 1 && (first === "pipeline" || first === "multi-exec") && method === "POST") {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      send(res, 400, { error: "ERR failed to parse pipeline request" });
      return;
    }
    const cmds = Array.isArray(parsed) ? parsed.map(parseCommand) : undefined;
    if (!cmds || cmds.length === 0 || cmds.some((c) => c === undefined)) {
      send(res, 400, { error: "ERR pipeline must be a non-empty array of non-empty command arrays" });
      return;
    }
    const valid = cmds.filter((c): c is string[] => c !== undefined);
    try {
      const results = await execBatch(backend, scripts, valid, first === "multi-exec");
      send(
        res,
        200,
        results.map((r) => toJsonResult(r, base64)),
      );
    } catch (err) {
      send(res, 400, { error: errorMessage(err) });
    }
    return;
  }

  let cmd: string[] | undefined;
  if (segments.length === 0) {
    if (method !== "POST") {
      send(res, 400, { error: "ERR command must be sent as a JSON array in a POST body or in the URL path" });
      return;
    }
    try {
      cmd = parseCommand(JSON.parse(body.toString("utf8")));
    } catch {
      cmd = undefined;
    }
    if (!cmd) {
      send(res, 400, { error: "ERR failed to parse command" });
      return;
    }
  } else {
    // Path style (/set/key/value); a POST body becomes the last argument.
    cmd = body.length > 0 ? [...segments, body.toString("utf8")] : segments;
  }
  const result = await execOne(backend, scripts, cmd);
  send(res, result.ok ? 200 : 400, toJsonResult(result, base64));
}

// ------------------------------------------------------------------- start

async function connectRedis(url: string, timeoutMs: number): Promise<Redis> {
  let lastError = "";
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 2,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
  client.on("error", (err: Error) => {
    lastError = err.message;
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      client.connect().then(() => client.ping()),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return client;
  } catch (err) {
    client.disconnect();
    throw new Error(`cannot reach Redis at ${url}: ${lastError || errorMessage(err)}`);
  } finally {
    clearTimeout(timer);
  }
}

/** Whether a Redis server answers PING at url: tests that mean something only against a real Redis ask this. */
export async function redisAnswers(url: string, timeoutMs = 1500): Promise<boolean> {
  try {
    (await connectRedis(url, timeoutMs)).disconnect();
    return true;
  } catch {
    return false;
  }
}

/** Redis < 7 has no shebang support at all; Redis 7 rejects unknown flags. */
async function detectScriptMode(client: Redis): Promise<ScriptMode> {
  try {
    await client.call("EVAL", "#!lua flags=no-writes\nreturn 1", "0");
    return "filter";
  } catch {
    return "strip";
  }
}

export async function startUpstashBridge(opts: UpstashBridgeOptions): Promise<UpstashBridge> {
  if (!opts.token) throw new Error("startUpstashBridge: token is required");
  const log = opts.log ?? (() => {});
  const redisUrl = opts.redisUrl ?? "redis://127.0.0.1:6379";
  const roundTrips = opts.roundTrips ?? new RoundTrips();

  let backend: Backend;
  let scripts: ScriptRegistry;
  if (opts.forceMemory) {
    backend = new MemoryBackend();
    scripts = new ScriptRegistry("memory");
  } else {
    try {
      const client = await connectRedis(redisUrl, opts.connectTimeoutMs ?? 1500);
      client.removeAllListeners("error");
      client.on("error", (err: Error) => log(`[upstash-bridge] redis error: ${err.message}`));
      scripts = new ScriptRegistry(await detectScriptMode(client));
      backend = new RedisBackend(client);
    } catch (err) {
      if (opts.requireRedis) throw err;
      log(`[upstash-bridge] ${errorMessage(err)}; using the in-memory store`);
      backend = new MemoryBackend();
      scripts = new ScriptRegistry("memory");
    }
  }

  const server = createServer((req, res) => {
    handle(req, res, opts.token, backend, scripts, roundTrips).catch((err: unknown) => {
      log(`[upstash-bridge] ${errorMessage(err)}`);
      if (!res.headersSent) send(res, 500, { error: `ERR ${errorMessage(err)}` });
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 30_000;

  let port: number;
  try {
    port = await listen(server, opts.port, opts.host);
  } catch (err) {
    await backend.close();
    throw err;
  }

  let closing: Promise<void> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    token: opts.token,
    backend: backend.kind,
    roundTrips,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await backend.close();
      })();
      return closing;
    },
  };
}
