import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createTlsServer } from "node:https";
import type { AddressInfo, Socket } from "node:net";
import type { TLSSocket } from "node:tls";

export interface ReceivedWebhook {
  path: string;
  headers: Record<string, string>;
  body: string;
  receivedAt: number;
  /** The server name the sender asked for in its TLS handshake (SNI); undefined over plain HTTP. */
  tlsServerName?: string;
}

export type ReceiverAnswer =
  | {
      status: number;
      body?: string;
      headers?: Record<string, string>;
      /** The answer waits for this (a request held in flight while the test acts). */
      after?: Promise<unknown>;
    }
  | { hang: true };

/** How a path answers its n-th request (0-based); `hang` never answers (a timeout for the sender). */
export type Responder = (request: ReceivedWebhook, index: number) => ReceiverAnswer;

export interface WebhookReceiverOptions {
  /** The address to listen on (default 127.0.0.1); any 127.0.0.0/8 address is loopback on Linux. */
  host?: string;
  /** The port to listen on (default: any free one). */
  port?: number;
  /** Serve HTTPS with this PEM key and certificate chain. */
  tls?: { key: string; cert: string };
}

export interface WebhookReceiver {
  port: number;
  url(path: string): string;
  respond(path: string, responder: Responder): void;
  received(path: string): ReceivedWebhook[];
  /** Resolves once `path` has at least `count` requests. */
  waitFor(path: string, count: number, timeoutMs?: number): Promise<ReceivedWebhook[]>;
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

/** A real HTTP(S) receiver on loopback in the test process; every path records what it got. */
export async function startWebhookReceiver(options: WebhookReceiverOptions = {}): Promise<WebhookReceiver> {
  const host = options.host ?? "127.0.0.1";
  const requests = new Map<string, ReceivedWebhook[]>();
  const responders = new Map<string, Responder>();
  const sockets = new Set<Socket>();
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      const path = (request.url ?? "/").split("?")[0] ?? "/";
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === "string") headers[name] = value;
      }
      const received: ReceivedWebhook = {
        path,
        headers,
        body: await readBody(request),
        receivedAt: Date.now(),
      };
      const serverName = (request.socket as Partial<TLSSocket> & { servername?: unknown }).servername;
      if (typeof serverName === "string") received.tlsServerName = serverName;
      const list = requests.get(path) ?? [];
      list.push(received);
      requests.set(path, list);
      const responder: Responder = responders.get(path) ?? (() => ({ status: 200, body: "ok" }));
      const answer = responder(received, list.length - 1);
      if ("hang" in answer) return;
      if (answer.after) await answer.after;
      response.writeHead(answer.status, { "content-type": "text/plain", ...answer.headers });
      response.end(answer.body ?? "");
    })();
  };
  const server = options.tls ? createTlsServer(options.tls, handle) : createServer(handle);
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: (path) => `${options.tls ? "https" : "http"}://${host}:${port}${path}`,
    respond: (path, responder) => {
      responders.set(path, responder);
    },
    received: (path) => [...(requests.get(path) ?? [])],
    async waitFor(path, count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while ((requests.get(path)?.length ?? 0) < count) {
        if (Date.now() > deadline) {
          throw new Error(`${path}: expected ${count} request(s), got ${requests.get(path)?.length ?? 0}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return [...(requests.get(path) ?? [])];
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
