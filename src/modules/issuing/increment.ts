import { sql } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import { execute } from "../../core/db";
import { ApiError, notFound } from "../../core/errors";
import { API_VERSION, recordForDispatch } from "../../core/events";
import { newId } from "../../core/ids";
import { postingArgument } from "../../core/ledger";
import type { Authorization } from "./authorization-schemas";
import { toAuthorization } from "./authorize";
import { readPendingAuthorization } from "./settle";
import { fundingAccount } from "./transaction-rows";

interface IncrementAnswer {
  outcome: "missing" | "not_pending" | "declined" | "incremented";
  status?: string;
  decline_reason?: string;
  object?: Authorization;
}

/**
 * Sandbox: the merchant adds to a pending authorization (a hotel stay, a tip). Decided like the
 * authorization itself, in one statement (issuing_increment, migrations/0014): 402
 * issuing_increment_declined with the reason when the card, its controls or its funding refuse.
 */
export async function incrementAuthorization({
  ctx,
  id,
  amount,
}: {
  ctx: ServiceContext;
  id: string;
  amount: number;
}): Promise<Authorization> {
  const { auth, card } = await readPendingAuthorization(ctx, id);
  const now = ctx.services.clock.now();
  const object = toAuthorization({ ...auth, updatedAt: now });
  const eventId = newId("event");
  const posting = postingArgument({
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    source: `issuing_authorization:${id}:increment:${newId("issuingAuthorization")}`,
    type: "card_authorization",
    status: "pending",
    sourceObjectId: id,
    description: `Increment for ${auth.merchantData.name}`,
    entries: [
      { account: fundingAccount(card), amount: -amount },
      { account: { kind: "card_funding", currency: card.currency }, amount },
    ],
    at: now,
  });
  const argument = {
    authorization_id: id,
    merchant_id: ctx.merchantId,
    environment: ctx.environment,
    amount,
    at: now.toISOString(),
    posting: JSON.parse(posting),
    object,
    event: {
      id: eventId,
      audit_id: newId("auditLog"),
      type: "issuing_authorization.updated",
      api_version: API_VERSION,
      request_id: ctx.requestId,
      actor_type: ctx.actor.type,
      actor_id: ctx.actor.id,
    },
  };
  const result = await execute<{ answer: IncrementAnswer }>(
    sql`select issuing_increment(${JSON.stringify(argument)}::jsonb) as answer`,
    ctx.services.db,
  );
  const answer = result.rows[0]?.answer;
  if (!answer || answer.outcome === "missing") {
    throw notFound("authorization", id);
  }
  if (answer.outcome === "not_pending") {
    throw new ApiError("issuing_authorization_status_invalid", {
      message: `Authorization ${id} is ${answer.status}.`,
    });
  }
  if (answer.outcome === "declined" || !answer.object) {
    throw new ApiError("issuing_increment_declined", {
      param: "amount",
      extra: { decline_code: answer.decline_reason },
    });
  }
  recordForDispatch(ctx, eventId);
  return answer.object;
}
