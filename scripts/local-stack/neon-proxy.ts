// Local stand-in for Neon's wsproxy: the Neon serverless driver opens
// ws://HOST/v1?address=db-host:port and speaks the raw Postgres wire protocol
// in binary WebSocket frames. We pipe those frames to a TCP socket, unchanged.
// Dev tooling only (Node); never bundled into the Worker.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { isIPv4, isIPv6, type Socket, connect as tcpConnect } from "node:net";
import type { Duplex } from "node:stream";
import { type RawData, type WebSocket, WebSocketServer } from "ws";
import { listen } from "./http";
import { NO_TRACE, normalizeTrace, RoundTrips, TRACE_PARAM, traceFromStartupMessage } from "./roundtrips";

export interface NeonProxyOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** How long to wait for the TCP connection to the database (default 5 s). */
  connectTimeoutMs?: number;
  /** Where round trips are counted and delayed; a private counter when absent. */
  roundTrips?: RoundTrips;
  log?: (message: string) => void;
}

export interface NeonProxy {
  port: number;
  /** Value for `neonConfig.wsProxy`, e.g. "127.0.0.1:54321/v1". */
  wsProxy: string;
  /** Number of proxied connections currently open (for tests and diagnostics). */
  activeConnections(): number;
  /** WebSocket messages received from clients so far: the driver sends one per round trip. */
  clientMessages(): number;
  roundTrips: RoundTrips;
  close(): Promise<void>;
}

export interface TargetAddress {
  host: string;
  port: number;
}

// Pause the database socket when this much is queued towards the browser/Worker side.
const WS_HIGH_WATER = 1024 * 1024;
const WS_LOW_WATER = 256 * 1024;

/** Parses the `address` query parameter: "host:port", "[v6]:port" or "v6:port". */
export function parseTargetAddress(address: string): TargetAddress | undefined {
  const bracketed = /^\[([^\]]+)\]:(\d{1,5})$/.exec(address);
  const match = bracketed ?? /^(.+):(\d{1,5})$/.exec(address);
  if (!match) return undefined;
  const host = match[1];
  const port = Number(match[2]);
  if (host === undefined || host === "" || !Number.isInteger(port) || port < 1 || port > 65535)
    return undefined;
  return { host, port };
}

/** Dev proxy: only loopback targets, so it cannot be used to reach other hosts. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === "localhost" || h.endsWith(".localhost")) return true;
  if (isIPv4(h)) return h.startsWith("127.");
  if (isIPv6(h)) {
    if (h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
    return mapped?.[1]?.startsWith("127.") ?? false;
  }
  return false;
}

function rawDataToBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

// The Terminate message ('X', length 4): the client closes without waiting for a reply.
const TERMINATE = Buffer.from([0x58, 0, 0, 0, 4]);

function rejectUpgrade(socket: Duplex, status: number, reason: string, message: string): void {
  if (socket.destroyed) return;
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function connectTcp(target: TargetAddress, timeoutMs: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const tcp = tcpConnect({ host: target.host, port: target.port });
    const timer = setTimeout(() => {
      tcp.destroy();
      reject(new Error(`timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    tcp.once("connect", () => {
      clearTimeout(timer);
      tcp.removeAllListeners("error");
      resolve(tcp);
    });
    tcp.once("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

export async function startNeonProxy(opts: NeonProxyOptions = {}): Promise<NeonProxy> {
  const host = opts.host ?? "127.0.0.1";
  const connectTimeoutMs = opts.connectTimeoutMs ?? 5000;
  const log = opts.log ?? (() => {});
  const roundTrips = opts.roundTrips ?? new RoundTrips();
  const live = new Set<{ ws: WebSocket; tcp: Socket }>();
  let clientMessageCount = 0;
  const pendingSockets = new Set<Duplex>();

  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });

  const server = createServer((_req: IncomingMessage, res: ServerResponse) => {
    // Plain HTTP: a health check, and a hint for people who open it in a browser.
    res.writeHead(426, { "Content-Type": "text/plain", Upgrade: "websocket" });
    res.end("MagnetPay local Neon WebSocket proxy: connect with a WebSocket to /v1?address=host:port\n");
  });

  /**
   * Round trips: the upgrade counts one (in the upgrade handler); after it, a client turn counts one.
   * A turn starts with the first client message after the server last sent data (or the first
   * message at all): the Postgres wire protocol alternates, so messages the client sends before any
   * reply are pipelined into the same wait. The driver coalesces one tick of writes into one
   * WebSocket message, and Postgres answers extended-protocol messages only at Sync, so the count
   * does not depend on timing. A lone Terminate waits for nothing and is not counted.
   * The injected delay holds every client message back by the same time, in order, like a link
   * with that latency: a turn costs it once however many messages it pipelines.
   */
  function pipe(ws: WebSocket, tcp: Socket, label: string, urlTrace: string): void {
    let trace = urlTrace;
    let startupSeen = false;
    const conn = { ws, tcp };
    live.add(conn);
    let closed = false;
    const finish = (why: string) => {
      if (closed) return;
      closed = true;
      live.delete(conn);
      log(`[neon-proxy] ${label} closed (${why})`);
    };

    tcp.setNoDelay(true);
    // Read once per connection: a delay that changed mid-connection could reorder messages.
    const delayMs = roundTrips.delayMs("db_ws");
    const later = (fn: () => void) => {
      if (delayMs > 0) setTimeout(fn, delayMs);
      else fn();
    };
    let turnOpen = false;

    // TCP -> WS, pausing the database side while the WebSocket buffer is full.
    tcp.on("data", (chunk: Buffer) => {
      turnOpen = false;
      if (ws.readyState !== ws.OPEN) return;
      ws.send(chunk, { binary: true }, () => {
        if (tcp.isPaused() && ws.bufferedAmount < WS_LOW_WATER) tcp.resume();
      });
      if (ws.bufferedAmount > WS_HIGH_WATER) tcp.pause();
    });
    // WS -> TCP, pausing WebSocket reads while the TCP write buffer is full.
    let waitingForDrain = false;
    ws.on("message", (data: RawData) => {
      clientMessageCount += 1;
      const bytes = rawDataToBuffer(data);
      if (!startupSeen) {
        // A client without a trace in its URL may name it in its startup options; the
        // upgrade, counted before, moves to that trace with it.
        startupSeen = true;
        const named = trace === NO_TRACE ? traceFromStartupMessage(bytes) : undefined;
        if (named) {
          trace = normalizeTrace(named);
          roundTrips.reattribute("db_ws", NO_TRACE, trace);
        }
      }
      if (!turnOpen && !bytes.equals(TERMINATE)) {
        turnOpen = true;
        roundTrips.record("db_ws", trace);
      }
      later(() => {
        if (tcp.destroyed || !tcp.writable) return;
        if (!tcp.write(bytes) && !waitingForDrain) {
          waitingForDrain = true;
          ws.pause();
          tcp.once("drain", () => {
            waitingForDrain = false;
            ws.resume();
          });
        }
      });
    });

    tcp.on("end", () => {
      // Postgres closed its side: flush what we have and close the WebSocket normally.
      if (ws.readyState === ws.OPEN) ws.close(1000, "database closed the connection");
    });
    tcp.on("error", (err) => {
      log(`[neon-proxy] ${label} tcp error: ${err.message}`);
      if (ws.readyState === ws.OPEN || ws.readyState === ws.CONNECTING)
        ws.close(1011, "database socket error");
    });
    tcp.on("close", () => {
      if (ws.readyState === ws.OPEN) ws.close(1000, "database closed the connection");
      finish("tcp closed");
    });

    ws.on("error", (err) => {
      log(`[neon-proxy] ${label} ws error: ${err.message}`);
      tcp.destroy();
    });
    ws.on("close", () => {
      // Let queued bytes (e.g. a Terminate message, or messages still held back by the injected
      // delay) reach Postgres, then close.
      later(() => {
        if (!tcp.destroyed) tcp.end();
        setTimeout(() => tcp.destroy(), 5000).unref();
      });
      finish("ws closed");
    });
  }

  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    const url = new URL(req.url ?? "/", "http://proxy.local");
    const address = url.searchParams.get("address");
    if (!address) {
      rejectUpgrade(socket, 400, "Bad Request", "missing ?address=host:port");
      return;
    }
    const target = parseTargetAddress(address);
    if (!target) {
      rejectUpgrade(socket, 400, "Bad Request", `invalid address: ${address}`);
      return;
    }
    if (!isLoopbackHost(target.host)) {
      rejectUpgrade(socket, 403, "Forbidden", `only loopback addresses are allowed, got ${target.host}`);
      return;
    }
    // The upgrade is the connection's first round trip; count and delay it before dialling.
    const trace = normalizeTrace(url.searchParams.get(TRACE_PARAM));
    pendingSockets.add(socket);
    // Dial first so an unreachable database is a clear HTTP error, not a silent close.
    roundTrips
      .roundTrip("db_ws", trace)
      .then(() => connectTcp(target, connectTimeoutMs))
      .then(
        (tcp) => {
          pendingSockets.delete(socket);
          if (socket.destroyed) {
            tcp.destroy();
            return;
          }
          // Don't lose early bytes from Postgres while the upgrade completes.
          tcp.pause();
          wss.handleUpgrade(req, socket, head, (ws) => {
            pipe(ws, tcp, `${target.host}:${target.port}`, trace);
            tcp.resume();
          });
        },
        (err: unknown) => {
          pendingSockets.delete(socket);
          const message = err instanceof Error ? err.message : String(err);
          log(`[neon-proxy] cannot reach ${target.host}:${target.port}: ${message}`);
          rejectUpgrade(
            socket,
            502,
            "Bad Gateway",
            `cannot connect to ${target.host}:${target.port}: ${message}`,
          );
        },
      );
  });

  const port = await listen(server, opts.port, host);
  const hostForUrl = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host;

  let closing: Promise<void> | undefined;
  return {
    port,
    wsProxy: `${hostForUrl}:${port}/v1`,
    activeConnections: () => live.size,
    clientMessages: () => clientMessageCount,
    roundTrips,
    close() {
      closing ??= (async () => {
        for (const socket of pendingSockets) socket.destroy();
        for (const { ws, tcp } of live) {
          ws.terminate();
          tcp.destroy();
        }
        live.clear();
        await new Promise<void>((resolve) => wss.close(() => resolve()));
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      })();
      return closing;
    },
  };
}
