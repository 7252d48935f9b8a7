import { createHmac, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local server that answers like Stripe's documented API for what the adapter uses:
 * PaymentIntents (create, confirm, capture, cancel) and Refunds, form-encoded bodies, Bearer auth,
 * `Idempotency-Key` (same key → the stored response with `Idempotent-Replayed: true`; same key with
 * other parameters → 400 idempotency_error) and errors in Stripe's shape. Outcomes follow Stripe's
 * test cards; `failNext` scripts an error for the next calls to a path. Processor doubles for
 * unknown outcomes: `failAfterNext` charges and then answers an error (stored under the key, as
 * Stripe stores a 500), `delayNext` charges and answers only after a delay (the caller times out
 * first), `hold` keeps requests unanswered and unprocessed until released. GET retrieves a
 * PaymentIntent by id or searches them by metadata, as Stripe's search API does.
 */
export interface StripeRequest {
  method: string;
  path: string;
  idempotencyKey: string | null;
  params: Record<string, string>;
  replayed: boolean;
  status: number;
}

export interface StripeErrorBody {
  type: "card_error" | "rate_limit_error" | "api_error" | "invalid_request_error" | "idempotency_error";
  code?: string;
  decline_code?: string;
  message: string;
}

interface Intent {
  id: string;
  object: "payment_intent";
  amount: number;
  amount_capturable: number;
  amount_received: number;
  currency: string;
  capture_method: string;
  status: string;
  metadata: Record<string, string>;
  next_action: { type: string; redirect_to_url: { url: string; return_url: string } } | null;
  last_payment_error: StripeErrorBody | null;
}

interface Stored {
  status: number;
  body: unknown;
  fingerprint: string;
}

/** Stripe's test cards that the tests use, by number, and the test PaymentMethods of test mode. */
const declines: Record<string, { code: string; decline_code?: string; message: string }> = {
  "4000000000000002": {
    code: "card_declined",
    decline_code: "generic_decline",
    message: "Your card was declined.",
  },
  "4000000000009995": {
    code: "card_declined",
    decline_code: "insufficient_funds",
    message: "Your card has insufficient funds.",
  },
  "4000000000000069": { code: "expired_card", message: "Your card has expired." },
  "4000000000000119": {
    code: "processing_error",
    message: "An error occurred while processing your card. Try again in a little bit.",
  },
  pm_card_visa_chargeDeclined: {
    code: "card_declined",
    decline_code: "generic_decline",
    message: "Your card was declined.",
  },
};
const threeDSecure = new Set(["4000000000003220", "pm_card_threeDSecure2Required"]);

function stripeId(prefix: string): string {
  return `${prefix}_${randomBytes(12).toString("hex")}`;
}

export interface StripeMock {
  url: string;
  secretKey: string;
  requests: StripeRequest[];
  intents: Map<string, Intent>;
  /** Charges actually made (not replays): PaymentIntents that reached succeeded or requires_capture. */
  charges(): Intent[];
  /** The next `times` calls whose path ends with `pathSuffix` answer this error instead. */
  failNext(pathSuffix: string, status: number, error: StripeErrorBody, times?: number): void;
  /** The next call to the path is carried out (it charges), then answers this error instead. */
  failAfterNext(pathSuffix: string, status: number, error: StripeErrorBody): void;
  /** The next call to the path is carried out at once and answered after `ms`. */
  delayNext(pathSuffix: string, ms: number): void;
  /**
   * Calls to the path wait, unprocessed and unanswered, until `release()`; then they are carried
   * out in order (replays included). `received` resolves when the first one arrived.
   */
  hold(pathSuffix: string): { received: Promise<void>; release(): void };
  close(): Promise<void>;
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export async function startStripeMock(secretKey: string): Promise<StripeMock> {
  const requests: StripeRequest[] = [];
  const intents = new Map<string, Intent>();
  const refunds = new Map<string, { id: string; amount: number; payment_intent: string }>();
  const stored = new Map<string, Stored>();
  const scripted: Array<{ pathSuffix: string; status: number; error: StripeErrorBody; left: number }> = [];
  const after: Array<{ pathSuffix: string; status: number; error: StripeErrorBody; left: number }> = [];
  const delays: Array<{ pathSuffix: string; ms: number; left: number }> = [];
  const holds: Array<{
    pathSuffix: string;
    waiting: Array<() => void>;
    arrived: () => void;
    released: boolean;
  }> = [];

  function error(status: number, body: StripeErrorBody, intent?: Intent): { status: number; body: unknown } {
    return { status, body: { error: { ...body, ...(intent ? { payment_intent: intent } : {}) } } };
  }

  function createIntent(params: Record<string, string>): { status: number; body: unknown } {
    const amount = Number(params.amount);
    if (!Number.isInteger(amount) || amount < 1 || !params.currency) {
      return error(400, {
        type: "invalid_request_error",
        code: "parameter_missing",
        message: "Missing required param: amount.",
      });
    }
    const intent: Intent = {
      id: stripeId("pi"),
      object: "payment_intent",
      amount,
      amount_capturable: 0,
      amount_received: 0,
      currency: params.currency,
      capture_method: params.capture_method ?? "automatic",
      status: "requires_payment_method",
      metadata: Object.fromEntries(
        Object.entries(params)
          .filter(([key]) => key.startsWith("metadata["))
          .map(([key, value]) => [key.slice(9, -1), value]),
      ),
      next_action: null,
      last_payment_error: null,
    };
    intents.set(intent.id, intent);
    if (params.confirm !== "true") return { status: 200, body: intent };
    return confirmIntent(intent, params);
  }

  function confirmIntent(intent: Intent, params: Record<string, string>): { status: number; body: unknown } {
    const card = params["payment_method_data[card][number]"] ?? params.payment_method ?? "";
    const decline = declines[card];
    if (decline) {
      const failure: StripeErrorBody = { type: "card_error", ...decline };
      intent.status = "requires_payment_method";
      intent.last_payment_error = failure;
      return error(402, failure, intent);
    }
    if (threeDSecure.has(card)) {
      intent.status = "requires_action";
      const returnUrl = params.return_url ?? "";
      intent.next_action = {
        type: "redirect_to_url",
        redirect_to_url: {
          url: `https://hooks.stripe.com/3d_secure_2/authenticate/${intent.id}`,
          return_url: returnUrl,
        },
      };
      return { status: 200, body: intent };
    }
    if (intent.capture_method === "manual") {
      intent.status = "requires_capture";
      intent.amount_capturable = intent.amount;
    } else {
      intent.status = "succeeded";
      intent.amount_received = intent.amount;
    }
    return { status: 200, body: intent };
  }

  function route(
    method: string,
    path: string,
    params: Record<string, string>,
  ): { status: number; body: unknown } {
    if (method === "GET") {
      const search = /^\/v1\/payment_intents\/search$/.exec(path);
      if (search) {
        const [, key, value] = /^metadata\['([^']+)'\]:'([^']*)'$/.exec(params.query ?? "") ?? [];
        const data = [...intents.values()].filter((intent) => key && intent.metadata[key] === value);
        return { status: 200, body: { object: "search_result", data, has_more: false } };
      }
      const retrieve = /^\/v1\/payment_intents\/([^/]+)$/.exec(path);
      const found = retrieve ? intents.get(decodeURIComponent(retrieve[1] ?? "")) : undefined;
      if (found) return { status: 200, body: found };
    }
    if (method !== "POST")
      return error(404, {
        type: "invalid_request_error",
        message: `Unrecognized request URL (${method}: ${path}).`,
      });
    if (path === "/v1/payment_intents") return createIntent(params);
    if (path === "/v1/refunds") {
      const intent = intents.get(params.payment_intent ?? "");
      if (!intent) {
        return error(400, {
          type: "invalid_request_error",
          code: "resource_missing",
          message: `No such payment_intent: '${params.payment_intent}'`,
        });
      }
      const already = [...refunds.values()]
        .filter((refund) => refund.payment_intent === intent.id)
        .reduce((sum, refund) => sum + refund.amount, 0);
      const amount = Number(params.amount ?? intent.amount_received - already);
      if (amount > intent.amount_received - already) {
        return error(400, {
          type: "invalid_request_error",
          code: "amount_too_large",
          message: `Refund amount (${amount}) is greater than unrefunded amount on charge.`,
        });
      }
      const refund = {
        id: stripeId("re"),
        object: "refund",
        amount,
        payment_intent: intent.id,
        status: "succeeded",
      };
      refunds.set(refund.id, refund);
      return { status: 200, body: refund };
    }
    const match = /^\/v1\/payment_intents\/([^/]+)\/(confirm|capture|cancel)$/.exec(path);
    const intent = match ? intents.get(decodeURIComponent(match[1] ?? "")) : undefined;
    if (!match || !intent) {
      return error(404, {
        type: "invalid_request_error",
        code: "resource_missing",
        message: `No such payment_intent: '${match?.[1] ?? path}'`,
      });
    }
    const unexpected = (action: string) =>
      error(400, {
        type: "invalid_request_error",
        code: "payment_intent_unexpected_state",
        message: `You cannot ${action} this PaymentIntent because it has a status of ${intent.status}.`,
      });
    switch (match[2]) {
      case "confirm":
        if (intent.status !== "requires_payment_method" && intent.status !== "requires_confirmation")
          return unexpected("confirm");
        return confirmIntent(intent, params);
      case "capture": {
        if (intent.status !== "requires_capture") return unexpected("capture");
        const amount = Number(params.amount_to_capture ?? intent.amount_capturable);
        intent.status = "succeeded";
        intent.amount_received = amount;
        intent.amount_capturable = 0;
        return { status: 200, body: intent };
      }
      default:
        if (intent.status === "succeeded" || intent.status === "canceled") return unexpected("cancel");
        intent.status = "canceled";
        return { status: 200, body: intent };
    }
  }

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    void (async () => {
      const raw = await readBody(request);
      const url = new URL(request.url ?? "/", "http://stripe.local");
      const path = url.pathname;
      const method = request.method ?? "GET";
      const params = Object.fromEntries(new URLSearchParams(method === "GET" ? url.search : raw));
      const keyHeader = request.headers["idempotency-key"];
      const idempotencyKey = typeof keyHeader === "string" ? keyHeader : null;
      const send = (status: number, body: unknown, replayed: boolean) => {
        requests.push({ method, path, idempotencyKey, params, replayed, status });
        response.writeHead(status, {
          "content-type": "application/json",
          "request-id": stripeId("req"),
          ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}),
          ...(replayed ? { "idempotent-replayed": "true" } : {}),
        });
        response.end(JSON.stringify(body));
      };
      if (request.headers.authorization !== `Bearer ${secretKey}`) {
        const body = error(401, { type: "invalid_request_error", message: "Invalid API Key provided." });
        send(body.status, body.body, false);
        return;
      }
      if (method === "GET") {
        const result = route(method, path, params);
        send(result.status, result.body, false);
        return;
      }
      const held = holds.find((entry) => !entry.released && path.endsWith(entry.pathSuffix));
      if (held) {
        held.arrived();
        await new Promise<void>((resolve) => held.waiting.push(resolve));
      }
      if (request.headers["content-type"] !== "application/x-www-form-urlencoded") {
        const body = error(400, {
          type: "invalid_request_error",
          message: "Invalid request: expected a form body.",
        });
        send(body.status, body.body, false);
        return;
      }
      const fingerprint = `${method} ${path} ${raw}`;
      const previous = idempotencyKey ? stored.get(idempotencyKey) : undefined;
      if (previous) {
        if (previous.fingerprint !== fingerprint) {
          const body = error(400, {
            type: "idempotency_error",
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with.`,
          });
          send(body.status, body.body, false);
          return;
        }
        send(previous.status, previous.body, true);
        return;
      }
      const script = scripted.find((entry) => entry.left > 0 && path.endsWith(entry.pathSuffix));
      let result: { status: number; body: unknown };
      if (script) {
        script.left -= 1;
        result = error(script.status, script.error);
      } else {
        result = route(method, path, params);
        const failure = after.find((entry) => entry.left > 0 && path.endsWith(entry.pathSuffix));
        if (failure) {
          failure.left -= 1;
          result = error(failure.status, failure.error);
        }
      }
      // Like Stripe, a rate-limited request is not stored: retrying the key may then go through.
      if (idempotencyKey && result.status !== 429) stored.set(idempotencyKey, { ...result, fingerprint });
      const delay = delays.find((entry) => entry.left > 0 && path.endsWith(entry.pathSuffix));
      if (delay) {
        delay.left -= 1;
        await new Promise((resolve) => setTimeout(resolve, delay.ms));
        if (response.destroyed || request.socket.destroyed) {
          requests.push({ method, path, idempotencyKey, params, replayed: false, status: result.status });
          return;
        }
      }
      if (response.destroyed || request.socket.destroyed) {
        requests.push({ method, path, idempotencyKey, params, replayed: false, status: result.status });
        return;
      }
      send(result.status, result.body, false);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    secretKey,
    requests,
    intents,
    charges: () =>
      [...intents.values()].filter((intent) => intent.amount_received > 0 || intent.amount_capturable > 0),
    failNext(pathSuffix, status, failure, times = 1) {
      scripted.push({ pathSuffix, status, error: failure, left: times });
    },
    failAfterNext(pathSuffix, status, failure) {
      after.push({ pathSuffix, status, error: failure, left: 1 });
    },
    delayNext(pathSuffix, ms) {
      delays.push({ pathSuffix, ms, left: 1 });
    },
    hold(pathSuffix) {
      let arrived = () => {};
      const received = new Promise<void>((resolve) => {
        arrived = resolve;
      });
      const entry = { pathSuffix, waiting: [] as Array<() => void>, arrived, released: false };
      holds.push(entry);
      return {
        received,
        release() {
          entry.released = true;
          // One at a time, in arrival order, so a replay finds the first answer stored.
          const next = entry.waiting.splice(0);
          void (async () => {
            for (const resume of next) {
              resume();
              await new Promise((resolve) => setTimeout(resolve, 50));
            }
          })();
        },
      };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** A Stripe-Signature header for `payload`: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "{t}.{payload}">`. */
export function stripeSignature(
  payload: string,
  secret: string,
  timestamp = Math.floor(Date.now() / 1000),
): string {
  const signature = createHmac("sha256", secret).update(`${timestamp}.${payload}`).digest("hex");
  return `t=${timestamp},v1=${signature}`;
}
