import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { query } from "../../../test/db";
import { createMerchant, expectError, type TestMerchant } from "../../../test/harness";
import { runFunctionFor } from "../../../test/verifications";
import {
  type ReceiverAnswer,
  startWebhookReceiver,
  type WebhookReceiver,
} from "../../../test/webhook-receiver";
import { merchantDecision } from "./realtime";
import { activeLoadedCard, authorize, cardBalance } from "./testing";

let receiver: WebhookReceiver;
let pathCounter = 0;

beforeAll(async () => {
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await receiver.close();
});

interface Decided {
  id: string;
  approved: boolean;
  status: string;
  decline_reason: string | null;
  decided_by: string | null;
  reason_codes: string[];
  pending_amount: number;
}

interface AuthorizationRequest {
  type: string;
  data: { object: { id: string; status: string; amount: number; decided_by: string | null } };
}

/** A merchant whose endpoint answers authorization requests at a fresh path with `answer`. */
async function merchantAnswering(
  answer: (verified: AuthorizationRequest) => ReceiverAnswer,
): Promise<{ m: TestMerchant; path: string; secret: string }> {
  const m = await createMerchant();
  pathCounter += 1;
  const path = `/authorize/${process.pid}-${pathCounter}`;
  const created = await m.sandbox.request<{ secret: string }>("POST", "/webhooks/endpoints", {
    url: receiver.url(path),
    enabled_events: ["issuing_authorization.request"],
  });
  expect(created.status, created.text).toBe(200);
  const secret = created.body.secret;
  receiver.respond(path, (request) => {
    // The merchant's side: only a request signed with the endpoint's secret is answered.
    try {
      return answer(new Webhook(secret).verify(request.body, request.headers) as AuthorizationRequest);
    } catch {
      return { status: 401, body: "bad signature" };
    }
  });
  return { m, path, secret };
}

const json = (body: unknown): ReceiverAnswer => ({
  status: 200,
  body: JSON.stringify(body),
  headers: { "content-type": "application/json" },
});

async function decide(m: TestMerchant, card: string, amount: number): Promise<Decided> {
  const res = await authorize(m.sandbox, card, amount);
  expect(res.status, res.text).toBe(200);
  return res.body as unknown as Decided;
}

async function recordedEvents(m: TestMerchant, id: string) {
  return query<{ type: string; approved: boolean; decided_by: string }>(
    `select type, (data->>'approved')::boolean as approved, data->>'decided_by' as decided_by
       from events where object_id = $1 and merchant_id = $2`,
    [id, m.merchantId],
  );
}

describe("issuing authorizations: the merchant's real-time webhook", () => {
  it("asks the merchant with a signed request while the funds are held, and approves on its answer", async () => {
    const asked: AuthorizationRequest[] = [];
    const { m, path } = await merchantAnswering((request) => {
      asked.push(request);
      return json({ approved: true, reason_codes: ["known_customer"] });
    });
    const card = await activeLoadedCard(m, 1_000);
    const decided = await decide(m, card.id, 300);
    expect(decided).toMatchObject({
      approved: true,
      status: "pending",
      decided_by: "merchant",
      decline_reason: null,
      reason_codes: ["webhook_approved", "known_customer"],
      pending_amount: 300,
    });
    expect(receiver.received(path)).toHaveLength(1);
    expect(asked[0]?.type).toBe("issuing_authorization.request");
    expect(asked[0]?.data.object).toMatchObject({
      id: decided.id,
      status: "pending_request",
      amount: 300,
      decided_by: null,
    });
    expect(await cardBalance(m, card.id)).toBe(700);
    expect(await recordedEvents(m, decided.id)).toEqual([
      { type: "issuing_authorization.created", approved: true, decided_by: "merchant" },
    ]);
    const stored = await m.sandbox.request<Decided>("GET", `/issuing/authorizations/${decided.id}`);
    expect(stored.body).toMatchObject({ status: "pending", decided_by: "merchant" });
  });

  it("declines on the merchant's answer and releases the hold", async () => {
    const { m } = await merchantAnswering(() => json({ approved: false, reason_codes: ["suspected_fraud"] }));
    const card = await activeLoadedCard(m, 1_000);
    const decided = await decide(m, card.id, 400);
    expect(decided).toMatchObject({
      approved: false,
      status: "closed",
      decided_by: "merchant",
      decline_reason: "webhook_declined",
      reason_codes: ["webhook_declined", "suspected_fraud"],
      pending_amount: 0,
    });
    expect(await cardBalance(m, card.id)).toBe(1_000);
    expect(await recordedEvents(m, decided.id)).toEqual([
      { type: "issuing_authorization.created", approved: false, decided_by: "merchant" },
    ]);
    const holds = await query<{ total: string }>(
      `select coalesce(sum(e.amount), 0)::text as total from ledger_entries e
         join ledger_accounts a on a.id = e.account_id
        where a.merchant_id = $1 and a.kind = 'card_funding'`,
      [m.merchantId],
    );
    expect(holds[0]?.total).toBe("0");
  });

  it("applies the card's default when the merchant does not answer within the card's timeout", async () => {
    const { m } = await merchantAnswering(() => ({ hang: true }));
    const approving = await activeLoadedCard(m, 1_000, {
      authorization_webhook: { timeout_ms: 200, on_timeout: "approve" },
    });
    const approved = await decide(m, approving.id, 100);
    expect(approved).toMatchObject({
      approved: true,
      status: "pending",
      decided_by: "timeout_default",
      reason_codes: ["webhook_timeout"],
    });
    expect(await cardBalance(m, approving.id)).toBe(900);

    const declining = await activeLoadedCard(m, 500, { authorization_webhook: { timeout_ms: 200 } });
    const declined = await decide(m, declining.id, 100);
    expect(declined).toMatchObject({
      approved: false,
      status: "closed",
      decided_by: "timeout_default",
      decline_reason: "webhook_no_answer",
      reason_codes: ["webhook_timeout"],
    });
    expect(await cardBalance(m, declining.id)).toBe(500);
  });

  it("an authorization a stopped Worker left pending_request is decided once, by the card's default", async () => {
    const { m, path } = await merchantAnswering(() => ({ hang: true }));
    const card = await activeLoadedCard(m, 1_000, { authorization_webhook: { timeout_ms: 1_500 } });
    const request = decide(m, card.id, 300);
    // The merchant is being asked: the authorization is pending_request with its hold taken. The
    // sweep, a few minutes later on the Worker's clock, takes it for abandoned; the request then
    // finds it decided. On a slow machine the request's own timeout may come first: then the sweep
    // finds nothing. Either way it is decided once.
    await receiver.waitFor(path, 1);
    const sweep = await runFunctionFor("issuing-authorization-sweep", { merchant: m.merchantId }, 180);
    const decided = await request;
    expect(decided).toMatchObject({ approved: false, status: "closed", decided_by: "timeout_default" });
    expect(decided.reason_codes).toEqual([
      sweep.result?.decided === 1 ? "webhook_abandoned" : "webhook_timeout",
    ]);
    expect(await cardBalance(m, card.id)).toBe(1_000);
    expect((await recordedEvents(m, decided.id)).map((event) => event.type)).toEqual([
      "issuing_authorization.created",
    ]);
    const again = await runFunctionFor("issuing-authorization-sweep", { merchant: m.merchantId }, 240);
    expect(again.result).toEqual({ decided: 0 });
  });

  it("treats a malformed answer or a refusal to answer as no answer", async () => {
    const { m } = await merchantAnswering(() => json({ approved: "yes" }));
    const card = await activeLoadedCard(m, 1_000, { authorization_webhook: { on_timeout: "decline" } });
    expect(await decide(m, card.id, 100)).toMatchObject({
      approved: false,
      decided_by: "timeout_default",
      reason_codes: ["webhook_invalid_response"],
    });

    const refusing = await merchantAnswering(() => ({ status: 500, body: "down" }));
    const other = await activeLoadedCard(refusing.m, 1_000, {
      authorization_webhook: { on_timeout: "approve" },
    });
    expect(await decide(refusing.m, other.id, 100)).toMatchObject({
      approved: true,
      decided_by: "timeout_default",
      reason_codes: ["webhook_failed"],
    });
  });

  it("signs with the endpoint's secret only: another secret does not verify", async () => {
    const { m, path, secret } = await merchantAnswering(() => json({ approved: true }));
    const card = await activeLoadedCard(m, 1_000);
    expect((await decide(m, card.id, 10)).decided_by).toBe("merchant");
    const [request] = receiver.received(path);
    if (!request) throw new Error("the merchant was not asked");
    expect(() => new Webhook(secret).verify(request.body, request.headers)).not.toThrow();
    const otherSecret = `whsec_${Buffer.from("x".repeat(32)).toString("base64")}`;
    expect(() => new Webhook(otherSecret).verify(request.body, request.headers)).toThrow();
    const tampered = request.body.replace('"amount":10', '"amount":11');
    expect(() => new Webhook(secret).verify(tampered, request.headers)).toThrow();
  });

  it("checks an approval again against the controls and status as they are when the merchant answers", async () => {
    // The merchant's endpoint changes the card (a tighter limit, then a freeze) before it answers
    // approved: the decision applies the card as it is then, declines, and releases the hold.
    let change: () => Promise<unknown> = async () => undefined;
    const { m } = await merchantAnswering(() => ({ ...json({ approved: true }), after: change() }));
    const card = await activeLoadedCard(m, 1_000);
    const patchCard = (body: unknown) => async () => {
      const patched = await m.sandbox.request("PATCH", `/issuing/cards/${card.id}`, body);
      expect(patched.status, patched.text).toBe(200);
    };
    change = patchCard({
      spending_controls: { spending_limits: [{ amount: 100, interval: "per_authorization" }] },
    });
    const limited = await decide(m, card.id, 300);
    expect(limited).toMatchObject({
      approved: false,
      status: "closed",
      decided_by: "controls",
      decline_reason: "per_authorization_limit_exceeded",
      pending_amount: 0,
    });
    expect(limited.reason_codes[0]).toBe("webhook_approved");
    expect(await cardBalance(m, card.id)).toBe(1_000);

    change = patchCard({ status: "frozen", frozen_by: "merchant" });
    const frozen = await decide(m, card.id, 50);
    expect(frozen).toMatchObject({ approved: false, decided_by: "controls", decline_reason: "card_frozen" });
    expect(await cardBalance(m, card.id)).toBe(1_000);
    expect(await recordedEvents(m, frozen.id)).toEqual([
      { type: "issuing_authorization.created", approved: false, decided_by: "controls" },
    ]);
  });

  it("decides a control's refusal itself, without asking the merchant", async () => {
    const { m, path } = await merchantAnswering(() => json({ approved: true }));
    const card = await activeLoadedCard(m, 1_000);
    const declined = await decide(m, card.id, 5_000);
    expect(declined).toMatchObject({
      approved: false,
      decided_by: "controls",
      decline_reason: "insufficient_funds",
      reason_codes: ["insufficient_funds"],
    });
    // The request would have been made before the response: none was.
    expect(receiver.received(path)).toHaveLength(0);
  });

  it("asks the merchant once for a retried request with the same Idempotency-Key", async () => {
    const { m, path } = await merchantAnswering(() => json({ approved: true }));
    const card = await activeLoadedCard(m, 1_000);
    const body = {
      card: card.id,
      amount: 250,
      currency: "EUR",
      channel: "online",
      merchant_data: { name: "Book Shop", category_code: "5942", country: "DE" },
    };
    const key = { "idempotency-key": `rt-${card.id}` };
    const first = await m.sandbox.request<Decided>("POST", "/issuing/authorizations", body, key);
    const again = await m.sandbox.request<Decided>("POST", "/issuing/authorizations", body, key);
    expect(first.status).toBe(200);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(receiver.received(path)).toHaveLength(1);
    expect(await cardBalance(m, card.id)).toBe(750);
  });

  it("bounds the timeout so the decision fits the network's 2 s window", async () => {
    const m = await createMerchant();
    const res = await m.sandbox.request("POST", "/issuing/cards", {
      cardholder: "ich_unused",
      type: "virtual",
      currency: "EUR",
      authorization_webhook: { timeout_ms: 1_501 },
    });
    expectError(res, 400, "parameter_invalid");
  });
});

describe("merchantDecision", () => {
  it("maps each webhook outcome to a decision and its reason codes", () => {
    expect(merchantDecision({ outcome: "answered", status: 200, body: { approved: true } })).toEqual({
      approve: true,
      reason_codes: ["webhook_approved"],
    });
    expect(
      merchantDecision({ outcome: "answered", status: 200, body: { approved: false, reason_codes: ["x"] } }),
    ).toEqual({ approve: false, reason_codes: ["webhook_declined", "x"] });
    expect(
      merchantDecision({
        outcome: "answered",
        status: 200,
        body: { approved: true, reason_codes: ["Bad Code"] },
      }),
    ).toEqual({ approve: null, reason_codes: ["webhook_invalid_response"] });
    expect(merchantDecision({ outcome: "timeout", error: "" })).toEqual({
      approve: null,
      reason_codes: ["webhook_timeout"],
    });
    expect(merchantDecision({ outcome: "failed", error: "" })).toEqual({
      approve: null,
      reason_codes: ["webhook_failed"],
    });
  });
});
