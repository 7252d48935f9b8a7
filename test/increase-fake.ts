import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local server that answers like Increase's ACH Transfers API for what the rail adapter uses:
 * `POST /ach_transfers` (bearer key, `Idempotency-Key`: the same key and body answer the transfer it
 * first made) and `GET /ach_transfers/{id}`. The test moves a transfer as Increase's sandbox
 * simulations do (`settle`, `returnTransfer`), and scripts the next creation: `error` answers a 500
 * and makes nothing, `timeout` makes the transfer and answers only after `delayMs` (the caller gave up).
 */
export interface FakeTransfer {
  id: string;
  account_id: string;
  amount: number;
  account_number: string;
  routing_number: string;
  status: string;
  idempotency_key: string | null;
  settlement: { settled_at: string } | null;
  return: { created_at: string; raw_return_reason_code: string; return_reason_code: string } | null;
}

export interface IncreaseFake {
  url: string;
  apiKey: string;
  accountId: string;
  transfers: Map<string, FakeTransfer>;
  /** How many transfers each idempotency key created (a replay creates none). */
  creations(key: string): number;
  transferFor(key: string): FakeTransfer | undefined;
  failNextCreate(mode: { error: number } | { timeoutMs: number }): void;
  settle(id: string, at?: Date): void;
  returnTransfer(id: string, code: string, reason: string, at?: Date): void;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

export async function startIncreaseFake(): Promise<IncreaseFake> {
  const apiKey = `secret_key_${randomBytes(12).toString("hex")}`;
  const accountId = `account_${randomBytes(10).toString("hex")}`;
  const transfers = new Map<string, FakeTransfer>();
  const byKey = new Map<string, { id: string; body: string; created: number }>();
  const scripted: Array<{ error: number } | { timeoutMs: number }> = [];
  const timers = new Set<NodeJS.Timeout>();

  async function create(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const text = await readBody(req);
    const key = req.headers["idempotency-key"];
    const idempotencyKey = typeof key === "string" ? key : null;
    const known = idempotencyKey ? byKey.get(idempotencyKey) : undefined;
    if (known) {
      if (known.body !== text) {
        send(res, 409, { status: 409, type: "idempotency_key_already_used_error", title: "Key reused" });
        return;
      }
      send(res, 200, transfers.get(known.id));
      return;
    }
    const script = scripted.shift();
    if (script && "error" in script) {
      send(res, script.error, { status: script.error, type: "internal_server_error", title: "Try again" });
      return;
    }
    const body = JSON.parse(text) as Record<string, unknown>;
    if (body.account_id !== accountId || typeof body.amount !== "number") {
      send(res, 400, { status: 400, type: "invalid_parameters_error", title: "Invalid parameters" });
      return;
    }
    const transfer: FakeTransfer = {
      id: `ach_transfer_${randomBytes(10).toString("hex")}`,
      account_id: accountId,
      amount: body.amount,
      account_number: String(body.account_number),
      routing_number: String(body.routing_number),
      status: "pending_submission",
      idempotency_key: idempotencyKey,
      settlement: null,
      return: null,
    };
    transfers.set(transfer.id, transfer);
    if (idempotencyKey) byKey.set(idempotencyKey, { id: transfer.id, body: text, created: 1 });
    if (script && "timeoutMs" in script) {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) send(res, 200, transfer);
      }, script.timeoutMs);
      timers.add(timer);
      return;
    }
    send(res, 200, transfer);
  }

  const server = createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${apiKey}`) {
      send(res, 401, { status: 401, type: "invalid_api_key_error", title: "Invalid API key" });
      return;
    }
    const path = new URL(req.url ?? "/", "http://fake").pathname;
    if (req.method === "POST" && path === "/ach_transfers") {
      create(req, res).catch(() => send(res, 500, { status: 500, type: "internal_server_error" }));
      return;
    }
    const found = /^\/ach_transfers\/([^/]+)$/.exec(path);
    const transfer = req.method === "GET" && found?.[1] ? transfers.get(found[1]) : undefined;
    if (transfer) send(res, 200, transfer);
    else send(res, 404, { status: 404, type: "object_not_found_error", title: "Not found" });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  function mustGet(id: string): FakeTransfer {
    const transfer = transfers.get(id);
    if (!transfer) throw new Error(`no transfer ${id}`);
    return transfer;
  }

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    accountId,
    transfers,
    creations: (key) => byKey.get(key)?.created ?? 0,
    transferFor: (key) => {
      const known = byKey.get(key);
      return known ? transfers.get(known.id) : undefined;
    },
    failNextCreate: (mode) => scripted.push(mode),
    settle(id, at = new Date()) {
      const transfer = mustGet(id);
      transfer.status = "submitted";
      transfer.settlement = { settled_at: at.toISOString() };
    },
    returnTransfer(id, code, reason, at = new Date()) {
      const transfer = mustGet(id);
      transfer.status = "returned";
      transfer.return = {
        created_at: at.toISOString(),
        raw_return_reason_code: code,
        return_reason_code: reason,
      };
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
