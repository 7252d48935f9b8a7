import { sql } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import { execute } from "../../core/db";
import { API_VERSION, recordForDispatch } from "../../core/events";
import { newId } from "../../core/ids";
import { postingArgument } from "../../core/ledger";
import { log } from "../../core/log";
import { type EndpointAnswer, requestEndpointAnswer } from "../webhooks/service";
import { type Authorization, authorizationWebhookAnswer } from "./authorization-schemas";
import type { CardRow } from "./tables";
import { cardPosting, fundingAccount, held } from "./transaction-rows";

/** The webhook type a merchant's endpoint subscribes to (exactly) to decide authorizations. */
export const AUTHORIZATION_REQUEST = "issuing_authorization.request";

/** The merchant's answer as issuing_authorization_decide takes it; approve null: the card's default. */
export interface MerchantDecision {
  approve: boolean | null;
  reason_codes: string[];
}

/** Pure: the webhook's outcome as a decision, with its reason codes (the merchant's own after ours). */
export function merchantDecision(answer: EndpointAnswer): MerchantDecision {
  if (answer.outcome === "timeout") return { approve: null, reason_codes: ["webhook_timeout"] };
  if (answer.outcome === "failed") return { approve: null, reason_codes: ["webhook_failed"] };
  const parsed =
    answer.outcome === "answered" ? authorizationWebhookAnswer.safeParse(answer.body) : undefined;
  if (!parsed?.success) return { approve: null, reason_codes: ["webhook_invalid_response"] };
  return {
    approve: parsed.data.approved,
    reason_codes: [
      parsed.data.approved ? "webhook_approved" : "webhook_declined",
      ...(parsed.data.reason_codes ?? []),
    ],
  };
}

interface Decided {
  outcome: "missing" | "already_decided" | "decided";
  object?: Authorization;
}

/**
 * Asks the merchant's endpoint about an authorization recorded as `pending_request` (its hold
 * taken, no transaction open), then applies the answer or the card's default in ONE statement
 * (issuing_authorization_decide: compare-and-set on the status, approval re-checked against the
 * controls as they are now, a decline releasing the hold). Undefined when something else decided
 * the authorization first.
 */
export async function decideWithMerchant({
  ctx,
  endpoint,
  card,
  authorization,
  timeoutMs,
}: {
  ctx: ServiceContext;
  endpoint: Parameters<typeof requestEndpointAnswer>[1];
  card: CardRow;
  authorization: Authorization;
  timeoutMs: number;
}): Promise<Authorization | undefined> {
  const answer = await requestEndpointAnswer(ctx.services, endpoint, {
    id: authorization.id,
    type: AUTHORIZATION_REQUEST,
    data: { object: authorization },
    timeoutMs,
  });
  if (answer.outcome !== "answered") {
    log("warn", "issuing.authorization_webhook", {
      request_id: ctx.requestId,
      merchant: ctx.merchantId,
      authorization: authorization.id,
      endpoint: endpoint.id,
      outcome: answer.outcome,
      error: answer.error,
    });
  }
  return applyDecision({ ctx, card, authorization, decision: merchantDecision(answer) });
}

/**
 * Applies a decision to a `pending_request` authorization in ONE statement
 * (issuing_authorization_decide); undefined when something else decided it first.
 */
export async function applyDecision({
  ctx,
  card,
  authorization,
  decision,
}: {
  ctx: ServiceContext;
  card: CardRow;
  authorization: Authorization;
  decision: MerchantDecision;
}): Promise<Authorization | undefined> {
  const now = ctx.services.clock.now();
  const release = cardPosting(
    ctx,
    `issuing_authorization:${authorization.id}:release`,
    authorization.id,
    `Declined hold for ${authorization.merchant_data.name}`,
    [
      { account: held(card), amount: -authorization.amount },
      { account: fundingAccount(card), amount: authorization.amount },
    ],
  );
  const eventId = newId("event");
  const argument = {
    authorization_id: authorization.id,
    merchant_id: ctx.merchantId,
    environment: ctx.environment,
    at: now.toISOString(),
    answer: decision,
    release: JSON.parse(postingArgument(release)),
    object: { ...authorization, updated_at: now.toISOString() },
    event: {
      id: eventId,
      audit_id: newId("auditLog"),
      type: "issuing_authorization.created",
      api_version: API_VERSION,
      request_id: ctx.requestId,
      actor_type: ctx.actor.type,
      actor_id: ctx.actor.id,
    },
  };
  const result = await execute<{ decided: Decided }>(
    sql`select issuing_authorization_decide(${JSON.stringify(argument)}::jsonb) as decided`,
    ctx.services.db,
  );
  const decided = result.rows[0]?.decided;
  if (decided?.outcome !== "decided" || !decided.object) return undefined;
  recordForDispatch(ctx, eventId);
  return decided.object;
}
