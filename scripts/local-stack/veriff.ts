// A local HTTP server that behaves like Veriff's station API, so identity checks work offline:
// it checks X-AUTH-CLIENT and X-HMAC-SIGNATURE, opens sessions, decides each one from the person's
// name or vendorData, sends the signed decision webhook after a delay with retries, and answers
// the decision endpoint used for polling. Dev tooling only (Node); never bundled into the Worker.
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { listen, readBody } from "./http";

export interface VeriffIntegrationKeys {
  apiKey: string;
  sharedSecret: string;
}

export interface LocalVeriffOptions {
  integrations: VeriffIntegrationKeys[];
  /** Where decision webhooks go (the Worker's /webhooks/veriff); settable later with setWebhookUrl. */
  webhookUrl?: string;
  /** Delay before the first webhook attempt (default 200 ms). */
  webhookDelayMs?: number;
  /** Delays before each retry of a webhook the receiver did not take with a 2xx (default 0.5, 1, 2, 4 s). */
  retryDelaysMs?: number[];
  port?: number;
  log?: (message: string) => void;
}

export interface LocalVeriffDelivery {
  attempt: number;
  status: number | null;
  signed: "valid" | "invalid";
}

export interface LocalVeriffSession {
  id: string;
  apiKey: string;
  vendorData: string;
  person: Record<string, unknown>;
  attemptId: string;
  /** Null: the session never gets a decision (scenario "undecided"). */
  code: number | null;
  /** What the double does with the webhook: send it, send it with a bad signature, or never. */
  webhook: "send" | "bad_signature" | "none";
  deliveries: LocalVeriffDelivery[];
}

export interface LocalVeriff {
  url: string;
  setWebhookUrl(url: string): void;
  sessions: Map<string, LocalVeriffSession>;
  close(): Promise<void>;
}

/** Veriff's decision codes, with the status and a reason Veriff would give. */
const DECISIONS: Record<number, { status: string; reasonCode: number | null; reason: string | null }> = {
  9001: { status: "approved", reasonCode: null, reason: null },
  9102: { status: "declined", reasonCode: 102, reason: "Suspected document tampering." },
  9103: { status: "resubmission_requested", reasonCode: 201, reason: "Video and/or photos missing." },
  9104: { status: "expired", reasonCode: null, reason: null },
  9121: { status: "review", reasonCode: null, reason: null },
};

/**
 * The scenario of a session, from the person's name and vendorData (case-insensitive): "decline",
 * "resubmit", "expire", "review" pick the decision code (else 9001 approved); "nowebhook" decides
 * but only the decision endpoint tells; "undecided" never decides; "badsig" signs the webhook wrong.
 */
export function scenarioOf(text: string): Pick<LocalVeriffSession, "code" | "webhook"> {
  const lower = text.toLowerCase();
  const code = lower.includes("undecided")
    ? null
    : lower.includes("decline")
      ? 9102
      : lower.includes("resubmit")
        ? 9103
        : lower.includes("expire")
          ? 9104
          : lower.includes("review")
            ? 9121
            : 9001;
  const webhook =
    lower.includes("nowebhook") || code === null
      ? "none"
      : lower.includes("badsig")
        ? "bad_signature"
        : "send";
  return { code, webhook };
}

export function veriffHmac(secret: string, payload: string): string {
  return createHmac("sha256", secret).update(payload).digest("hex");
}

function signatureMatches(secret: string, payload: string, given: string | undefined): boolean {
  const expected = Buffer.from(veriffHmac(secret, payload));
  const presented = Buffer.from(given ?? "");
  return expected.length === presented.length && timingSafeEqual(expected, presented);
}

export function decisionPayload(session: LocalVeriffSession, at = new Date()) {
  const code = session.code;
  if (code === null) return { status: "success", verification: null };
  const decision = DECISIONS[code] ?? { status: "review", reasonCode: null, reason: null };
  return {
    status: "success",
    verification: {
      id: session.id,
      attemptId: session.attemptId,
      vendorData: session.vendorData,
      code,
      status: decision.status,
      reason: decision.reason,
      reasonCode: decision.reasonCode,
      person: session.person,
      decisionTime: at.toISOString(),
      acceptanceTime: at.toISOString(),
    },
    technicalData: { ip: "127.0.0.1" },
  };
}

export async function startLocalVeriff(opts: LocalVeriffOptions): Promise<LocalVeriff> {
  const log = opts.log ?? (() => {});
  const sessions = new Map<string, LocalVeriffSession>();
  const timers = new Set<NodeJS.Timeout>();
  let webhookUrl = opts.webhookUrl;
  const delay = opts.webhookDelayMs ?? 200;
  const retries = opts.retryDelaysMs ?? [500, 1000, 2000, 4000];
  const secretOf = (apiKey: string | undefined) =>
    opts.integrations.find((integration) => integration.apiKey === apiKey)?.sharedSecret;

  const later = (ms: number, work: () => Promise<void>) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      work().catch((error: unknown) => log(`veriff double: ${String(error)}`));
    }, ms);
    timers.add(timer);
  };

  const deliver = async (session: LocalVeriffSession): Promise<number | null> => {
    const secret = secretOf(session.apiKey) ?? "";
    const body = JSON.stringify(decisionPayload(session));
    const signed = session.webhook === "bad_signature" ? "invalid" : "valid";
    const signature = signed === "valid" ? veriffHmac(secret, body) : veriffHmac(`${secret}-wrong`, body);
    let status: number | null = null;
    if (webhookUrl) {
      try {
        const response = await fetch(webhookUrl, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-auth-client": session.apiKey,
            "x-hmac-signature": signature,
          },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        status = response.status;
        await response.arrayBuffer();
      } catch {
        status = null;
      }
    }
    session.deliveries.push({ attempt: session.deliveries.length + 1, status, signed });
    log(`veriff double: webhook ${session.id} attempt ${session.deliveries.length} -> ${status}`);
    return status;
  };

  const sendWithRetries = (session: LocalVeriffSession, retry = 0) => {
    later(retry === 0 ? delay : (retries[retry - 1] ?? 0), async () => {
      const status = await deliver(session);
      if ((status === null || status >= 300) && retry < retries.length) sendWithRetries(session, retry + 1);
    });
  };

  const answer = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const refuse = (res: ServerResponse, status: number, code: number, message: string) =>
    answer(res, status, { status: "fail", code, message });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://local");
    const origin = `http://${req.headers.host ?? "127.0.0.1"}`;
    const apiKey = req.headers["x-auth-client"] as string | undefined;
    const signature = req.headers["x-hmac-signature"] as string | undefined;
    const body = (await readBody(req, 1024 * 1024, () => new Error("too large"))).toString();

    if (req.method === "POST" && url.pathname === "/v1/sessions") {
      const secret = secretOf(apiKey);
      if (!secret)
        return refuse(
          res,
          401,
          1801,
          "Mandatory X-AUTH-CLIENT header containing the API key is missing or invalid.",
        );
      if (!signatureMatches(secret, body, signature)) {
        return refuse(res, 401, 1812, 'Signature "x-hmac-signature" does not match the payload.');
      }
      let parsed: {
        verification?: { person?: Record<string, unknown>; vendorData?: unknown; callback?: unknown };
      };
      try {
        parsed = JSON.parse(body);
      } catch {
        return refuse(res, 400, 1102, "Invalid JSON.");
      }
      const person = parsed.verification?.person ?? {};
      const vendorData =
        typeof parsed.verification?.vendorData === "string" ? parsed.verification.vendorData : "";
      const session: LocalVeriffSession = {
        id: randomUUID(),
        apiKey: apiKey ?? "",
        vendorData,
        person,
        attemptId: randomUUID(),
        ...scenarioOf(`${String(person.firstName ?? "")} ${String(person.lastName ?? "")} ${vendorData}`),
        deliveries: [],
      };
      sessions.set(session.id, session);
      if (session.webhook !== "none") sendWithRetries(session);
      return answer(res, 201, {
        status: "success",
        verification: {
          id: session.id,
          url: `${origin}/v/${session.id}`,
          vendorData,
          host: origin,
          status: "created",
          sessionToken: randomUUID(),
        },
      });
    }

    const decisionPath = /^\/v1\/sessions\/([^/]+)\/decision$/.exec(url.pathname);
    if (req.method === "GET" && decisionPath?.[1]) {
      const id = decodeURIComponent(decisionPath[1]);
      const secret = secretOf(apiKey);
      if (!secret)
        return refuse(
          res,
          401,
          1801,
          "Mandatory X-AUTH-CLIENT header containing the API key is missing or invalid.",
        );
      if (!signatureMatches(secret, id, signature)) {
        return refuse(res, 401, 1812, 'Signature "x-hmac-signature" does not match the payload.');
      }
      const session = sessions.get(id);
      if (!session || session.apiKey !== apiKey) return refuse(res, 404, 1404, "Session not found.");
      return answer(res, 200, decisionPayload(session));
    }

    // Control endpoints for tests: a session's state and deliveries, and a webhook sent now.
    const control = /^\/__control\/sessions\/([^/]+)(\/deliver)?$/.exec(url.pathname);
    if (control?.[1]) {
      const session = sessions.get(decodeURIComponent(control[1]));
      if (!session) return answer(res, 404, { error: "no such session" });
      if (req.method === "POST" && control[2]) return answer(res, 200, { status: await deliver(session) });
      return answer(res, 200, session);
    }

    const page = /^\/v\/([^/]+)$/.exec(url.pathname);
    if (req.method === "GET" && page?.[1] && sessions.has(page[1])) {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      res.end(
        `<!doctype html><title>Veriff (local double)</title><p>Local Veriff session ${page[1]}: the decision is sent by webhook.</p>`,
      );
      return;
    }
    return refuse(res, 404, 1404, "Not found.");
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => answer(res, 500, { status: "fail", message: String(error) }));
  });
  const port = await listen(server, opts.port);
  return {
    url: `http://127.0.0.1:${port}/v1`,
    setWebhookUrl(url) {
      webhookUrl = url;
    },
    sessions,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
