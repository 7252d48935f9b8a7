import { and, eq, type SQL, sql } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import { execute } from "../../core/db";
import { ApiError, notFound } from "../../core/errors";
import { API_VERSION, recordForDispatch } from "../../core/events";
import { newId } from "../../core/ids";
import { postingArgument } from "../../core/ledger";
import { type ListPage, type ListQuery, paginateTable } from "../../core/pagination";
import { tenantScope } from "../../core/tenancy";
import { answeringEndpointsQuery } from "../webhooks/service";
import type { Authorization, CreateAuthorizationInput } from "./authorization-schemas";
import { cardQuery, DEFAULT_AUTHORIZATION_TIMEOUT_MS, foundCard } from "./cards";
import { categoryOf } from "./controls";
import { AUTHORIZATION_REQUEST, decideWithMerchant } from "./realtime";
import { type AuthorizationRow, type AuthorizationStatus, issuingAuthorizations } from "./tables";
import { fundingAccount } from "./transaction-rows";

export function toAuthorization(row: AuthorizationRow): Authorization {
  return {
    id: row.id,
    object: "issuing_authorization",
    environment: row.environment,
    card: row.cardId,
    cardholder: row.cardholderId,
    approved: row.approved,
    decline_reason: row.declineReason,
    decided_by: row.decidedBy,
    reason_codes: row.reasonCodes,
    status: row.status,
    amount: row.amount,
    pending_amount: row.pendingAmount,
    captured_amount: row.capturedAmount,
    currency: row.currency,
    funding_mode: row.fundingMode,
    channel: row.channel,
    merchant_data: row.merchantData,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

interface Decision {
  outcome: "card_missing" | "recorded" | "requested";
  approved?: boolean;
  decline_reason?: string | null;
  /** When requested: the card's time for the merchant to answer. */
  timeout_ms?: number;
}

/**
 * Sandbox: a network authorization. The card is read once (its funding mode and currency, which
 * never change, shape the hold), with the merchant's authorization webhook endpoint if it has one;
 * the decision, the hold, the row and its event are then ONE statement (issuing_authorize,
 * migrations/0021, 0025) holding the cardholder's and the card's row locks. With an endpoint, an
 * authorization the controls allow waits as `pending_request` and the merchant decides (realtime.ts).
 */
export async function createAuthorization({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateAuthorizationInput;
}): Promise<Authorization> {
  if (ctx.environment !== "sandbox") throw new ApiError("sandbox_only");
  const [cards, endpoints] = await ctx.services.db.batch([
    cardQuery(ctx, input.card),
    answeringEndpointsQuery(ctx, AUTHORIZATION_REQUEST, ctx.services.db),
  ]);
  const card = foundCard(cards, input.card, "card");
  const [endpoint] = endpoints;
  const now = ctx.services.clock.now();
  const id = newId("issuingAuthorization");
  const approved: AuthorizationRow = {
    id,
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    cardId: card.id,
    cardholderId: card.cardholderId,
    approved: true,
    declineReason: null,
    decidedBy: "controls",
    reasonCodes: [],
    status: "pending",
    amount: input.amount,
    pendingAmount: input.amount,
    capturedAmount: 0,
    currency: input.currency,
    fundingMode: card.fundingMode,
    channel: input.channel,
    merchantData: {
      name: input.merchant_data.name,
      category_code: input.merchant_data.category_code,
      category: categoryOf(input.merchant_data.category_code),
      country: input.merchant_data.country,
    },
    createdAt: now,
    updatedAt: now,
  };
  const object = toAuthorization(approved);
  const eventId = newId("event");
  // A hold in another currency than the card's is never posted: currency_mismatch declines first.
  const posting =
    input.currency === card.currency
      ? JSON.parse(
          postingArgument({
            merchantId: ctx.merchantId,
            environment: ctx.environment,
            source: `issuing_authorization:${id}:hold`,
            type: "card_authorization",
            status: "pending",
            sourceObjectId: id,
            description: `Hold for ${input.merchant_data.name}`,
            entries: [
              { account: fundingAccount(card), amount: -input.amount },
              { account: { kind: "card_funding", currency: card.currency }, amount: input.amount },
            ],
            at: now,
          }),
        )
      : null;
  const argument = {
    id,
    merchant_id: ctx.merchantId,
    environment: ctx.environment,
    card_id: card.id,
    amount: input.amount,
    currency: input.currency,
    channel: input.channel,
    category: object.merchant_data.category,
    country: input.merchant_data.country,
    merchant_data: object.merchant_data,
    at: now.toISOString(),
    posting,
    request: endpoint !== undefined,
    object,
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
  const result = await execute<{ decision: Decision }>(
    sql`select issuing_authorize(${JSON.stringify(argument)}::jsonb) as decision`,
    ctx.services.db,
  );
  const decision = result.rows[0]?.decision;
  if (!decision || decision.outcome === "card_missing") {
    throw new ApiError("resource_missing", { param: "card", message: `No such card: ${input.card}` });
  }
  if (decision.outcome === "requested" && endpoint) {
    const decided = await decideWithMerchant({
      ctx,
      endpoint,
      card,
      authorization: { ...object, approved: false, status: "pending_request", decided_by: null },
      timeoutMs: decision.timeout_ms ?? DEFAULT_AUTHORIZATION_TIMEOUT_MS,
    });
    return decided ?? retrieveAuthorization({ ctx, id });
  }
  recordForDispatch(ctx, eventId);
  if (decision.approved) return object;
  return {
    ...object,
    approved: false,
    status: "closed",
    pending_amount: 0,
    decline_reason: decision.decline_reason ?? null,
    reason_codes: decision.decline_reason ? [decision.decline_reason] : [],
  };
}

export function authorizationScope(ctx: ServiceContext): SQL[] {
  return tenantScope(issuingAuthorizations, ctx);
}

export function authorizationQuery(ctx: ServiceContext, id: string) {
  return ctx.services.db
    .select()
    .from(issuingAuthorizations)
    .where(and(eq(issuingAuthorizations.id, id), ...authorizationScope(ctx)))
    .limit(1);
}

export function foundAuthorization(rows: AuthorizationRow[], id: string): AuthorizationRow {
  const [row] = rows;
  if (!row) throw notFound("authorization", id);
  return row;
}

export async function retrieveAuthorization({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<Authorization> {
  return toAuthorization(foundAuthorization(await authorizationQuery(ctx, id), id));
}

export async function listAuthorizations({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListQuery & { card?: string | undefined; status?: AuthorizationStatus | undefined };
}): Promise<ListPage<Authorization>> {
  const filters = authorizationScope(ctx);
  if (query.card) filters.push(eq(issuingAuthorizations.cardId, query.card));
  if (query.status) filters.push(eq(issuingAuthorizations.status, query.status));
  const page = await paginateTable({
    db: ctx.services.db,
    table: issuingAuthorizations,
    scope: filters,
    tenantScope: authorizationScope(ctx),
    query,
  });
  return { data: page.data.map(toAuthorization), hasMore: page.hasMore };
}
