import { and, eq, inArray } from "drizzle-orm";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError, notFound } from "../../core/errors";
import { changeStatement } from "../../core/events";
import { newId } from "../../core/ids";
import { cardAccountKind } from "../../core/ledger";
import { ledgerAccounts } from "../../core/ledger/tables";
import { type ListPage, type ListQuery, paginateTable } from "../../core/pagination";
import { tenantRow, tenantScope } from "../../core/tenancy";
import {
  assertCardholderActive,
  assertCardholderVerifiedForActivation,
  assertCardIssuingAllowed,
  cardholderQuery,
  cardIssuingPolicyQuery,
  foundCardholder,
} from "./cardholders";
import { controlsColumn } from "./controls";
import { chooseIssuingProvider, issuingProviders, providerById, sandboxIssue } from "./providers/catalog";
import { sealCard, vaultInsert } from "./providers/vault";
import type { Card, CreateCardInput } from "./schemas";
import {
  type CardholderRow,
  type CardRow,
  type CardStatus,
  issuingCards,
  type ShippingColumn,
} from "./tables";

export function toCard(row: CardRow, balance: number): Card {
  return {
    id: row.id,
    object: "issuing_card",
    environment: row.environment,
    cardholder: row.cardholderId,
    type: row.type,
    status: row.status,
    frozen_by: row.frozenBy,
    currency: row.currency,
    brand: row.brand as Card["brand"],
    last4: row.last4,
    exp_month: row.expMonth,
    exp_year: row.expYear,
    provider: row.provider,
    provider_decision: row.providerDecision,
    funding_mode: row.fundingMode,
    balance,
    spending_controls: row.spendingControls,
    shipping: row.shipping,
    pin_set: row.pinSet,
    replacement_for: row.replacementFor,
    replacement_reason: row.replacementReason,
    replaced_by: row.replacedBy,
    cancellation_reason: row.cancellationReason,
    authorization_webhook: { timeout_ms: row.authorizationTimeoutMs, on_timeout: row.authorizationOnTimeout },
    metadata: row.metadata,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** The merchant's time to answer the authorization webhook, leaving room for our two round trips. */
export const DEFAULT_AUTHORIZATION_TIMEOUT_MS = 1500;

export function cardQuery(ctx: ServiceContext, id: string) {
  return ctx.services.db
    .select()
    .from(issuingCards)
    .where(tenantRow(issuingCards, ctx, id))
    .limit(1);
}

/** The cards' own ledger balances, as a query for the caller's read batch. */
export function cardBalancesQuery(ctx: ServiceContext, cardIds: string[]) {
  return ctx.services.db
    .select({ kind: ledgerAccounts.kind, balance: ledgerAccounts.balance })
    .from(ledgerAccounts)
    .where(
      and(
        ...tenantScope(ledgerAccounts, ctx),
        inArray(
          ledgerAccounts.kind,
          cardIds.map((id) => cardAccountKind(id)),
        ),
      ),
    );
}

export function balanceOf(rows: Array<{ kind: string; balance: number }>, cardId: string): number {
  return rows.find((row) => row.kind === cardAccountKind(cardId))?.balance ?? 0;
}

export function foundCard(rows: CardRow[], id: string, param = "id"): CardRow {
  const [row] = rows;
  if (!row) throw notFound("card", id, param);
  return row;
}

/** A card with its balance: one round trip. */
export async function readCard(ctx: ServiceContext, id: string): Promise<{ row: CardRow; balance: number }> {
  const [rows, balances] = await ctx.services.db.batch([cardQuery(ctx, id), cardBalancesQuery(ctx, [id])]);
  return { row: foundCard(rows, id), balance: balanceOf(balances, id) };
}

function shippingColumn(input: CreateCardInput["shipping"]): ShippingColumn | null {
  if (!input) return null;
  return {
    name: input.name,
    address: {
      line1: input.address.line1,
      line2: input.address.line2 ?? null,
      city: input.address.city,
      state: input.address.state ?? null,
      postal_code: input.address.postal_code,
      country: input.address.country,
    },
    service: input.service ?? "standard",
    status: "pending",
  };
}

export interface NewCard {
  cardholder: CardholderRow;
  type: CardRow["type"];
  currency: string;
  status: CardStatus;
  fundingMode: CardRow["fundingMode"];
  shipping: ShippingColumn | null;
  spendingControls: CardRow["spendingControls"];
  authorizationWebhook: Pick<CardRow, "authorizationTimeoutMs" | "authorizationOnTimeout">;
  metadata: Record<string, string>;
  replacement?: { for: string; reason: NonNullable<CardRow["replacementReason"]>; provider: string };
}

/**
 * Issues a card at the provider chosen for it (a replacement stays with its card's provider):
 * the card row, and its secrets sealed in the provider's vault, never in ours.
 */
export async function issueCard(
  ctx: ServiceContext,
  card: NewCard,
): Promise<{ row: CardRow; statements: ReturnType<typeof vaultInsert>[] }> {
  if (card.type === "physical" && !card.shipping) {
    throw new ApiError("parameter_missing", {
      param: "shipping",
      message: "Physical cards need a shipping address.",
    });
  }
  if (card.type === "virtual" && card.shipping) {
    throw new ApiError("parameter_invalid", { param: "shipping", message: "Virtual cards are not shipped." });
  }
  if (issuingProviders(ctx.environment).length === 0) {
    throw new ApiError("issuing_production_unavailable", {
      message: "No issuing provider is configured for production cards yet; issue cards in sandbox.",
    });
  }
  const country = card.cardholder.billingAddress.country ?? "";
  const decision = chooseIssuingProvider(
    card.replacement
      ? issuingProviders(ctx.environment).filter((provider) => provider.id === card.replacement?.provider)
      : issuingProviders(ctx.environment),
    { currency: card.currency, country, type: card.type },
  );
  const provider = decision.provider ? providerById(ctx.environment, decision.provider) : undefined;
  if (!provider) {
    const why = decision.candidates
      .map((candidate) => `${candidate.provider}: ${candidate.reason}`)
      .join("; ");
    throw new ApiError("issuing_unsupported", {
      param: "currency",
      message: `${decision.reason}${why ? ` (${why})` : ""}.`,
    });
  }
  const now = ctx.services.clock.now();
  const id = newId("issuingCard");
  const issued = sandboxIssue(provider, now);
  const row: CardRow = {
    id,
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    cardholderId: card.cardholder.id,
    type: card.type,
    status: card.status,
    frozenBy: null,
    currency: card.currency,
    brand: provider.brand,
    last4: issued.number.slice(-4),
    expMonth: issued.expMonth,
    expYear: issued.expYear,
    provider: provider.id,
    providerDecision: { ...decision, provider: provider.id },
    fundingMode: card.fundingMode,
    spendingControls: card.spendingControls,
    shipping: card.shipping,
    pinSet: false,
    replacementFor: card.replacement?.for ?? null,
    replacementReason: card.replacement?.reason ?? null,
    replacedBy: null,
    cancellationReason: null,
    ...card.authorizationWebhook,
    metadata: card.metadata,
    createdAt: now,
    updatedAt: now,
  };
  const sealed = await sealCard(ctx.services, id, issued);
  return { row, statements: [vaultInsert(ctx.services, id, provider.id, sealed, now)] };
}

export async function createCard({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateCardInput;
}): Promise<Card> {
  const [holders, policy] = await ctx.services.db.batch([
    cardholderQuery(ctx, input.cardholder),
    cardIssuingPolicyQuery(ctx),
  ]);
  const cardholder = foundCardholder(holders, input.cardholder, "cardholder");
  assertCardholderActive(cardholder);
  assertCardIssuingAllowed(ctx, policy);
  const status = input.status ?? "inactive";
  if (status === "active") await assertCardholderVerifiedForActivation(ctx, cardholder);
  const { row, statements } = await issueCard(ctx, {
    cardholder,
    type: input.type,
    currency: input.currency,
    status,
    fundingMode: input.funding_mode ?? "prefunded",
    shipping: shippingColumn(input.shipping),
    spendingControls: controlsColumn(input.spending_controls, input.currency),
    authorizationWebhook: {
      authorizationTimeoutMs: input.authorization_webhook?.timeout_ms ?? DEFAULT_AUTHORIZATION_TIMEOUT_MS,
      authorizationOnTimeout: input.authorization_webhook?.on_timeout ?? "decline",
    },
    metadata: input.metadata ?? {},
  });
  const card = toCard(row, 0);
  const { db } = ctx.services;
  await runBatch(
    ctx.services,
    [
      db.insert(issuingCards).values(row),
      ...statements,
      db.execute(changeStatement(ctx, { type: "issuing_card.created", object: card })),
    ],
    { response: card },
  );
  return card;
}

export async function retrieveCard({ ctx, id }: { ctx: ServiceContext; id: string }): Promise<Card> {
  const { row, balance } = await readCard(ctx, id);
  return toCard(row, balance);
}

export async function listCards({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListQuery & { cardholder?: string | undefined; status?: CardStatus | undefined };
}): Promise<ListPage<Card>> {
  const filters = tenantScope(issuingCards, ctx);
  if (query.cardholder) filters.push(eq(issuingCards.cardholderId, query.cardholder));
  if (query.status) filters.push(eq(issuingCards.status, query.status));
  const page = await paginateTable({
    db: ctx.services.db,
    table: issuingCards,
    scope: filters,
    tenantScope: tenantScope(issuingCards, ctx),
    query,
  });
  const balances =
    page.data.length > 0
      ? await cardBalancesQuery(
          ctx,
          page.data.map((row) => row.id),
        )
      : [];
  return { data: page.data.map((row) => toCard(row, balanceOf(balances, row.id))), hasMore: page.hasMore };
}
