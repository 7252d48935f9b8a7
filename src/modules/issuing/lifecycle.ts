import { and, eq } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { type ChangeRecord, changeStatement, previousAttributes } from "../../core/events";
import { cardAccountKind, type PostingInput } from "../../core/ledger";
import { tenantScope } from "../../core/tenancy";
import {
  assertCardholderActive,
  assertCardholderVerifiedForActivation,
  assertCardIssuingAllowed,
  cardIssuingPolicyQuery,
  foundCardholder,
} from "./cardholders";
import { balanceOf, cardBalancesQuery, cardQuery, foundCard, issueCard, readCard, toCard } from "./cards";
import { controlsColumn } from "./controls";
import { guardedUpdateStatement, matched, preparePosting } from "./guarded";
import type { Card, ReplaceCardInput, UpdateCardInput } from "./schemas";
import {
  type CardRow,
  type CardStatus,
  issuingCardholders,
  issuingCards,
  type ShippingStatus,
} from "./tables";

/** inactive → active ↔ frozen → canceled; canceled is final. Setting the current status changes nothing. */
const cardTransitions: Record<CardStatus, readonly CardStatus[]> = {
  inactive: ["active", "canceled"],
  active: ["frozen", "canceled"],
  frozen: ["active", "canceled"],
  canceled: [],
};

export function assertCardTransition(from: CardStatus, to: CardStatus): void {
  if (from !== to && !cardTransitions[from].includes(to)) {
    throw new ApiError("issuing_card_status_invalid", {
      param: "status",
      message: `A ${from} card cannot become ${to}.`,
    });
  }
}

/** pending → submitted → shipped → delivered, with returned and failure on the way; the ends are final. */
const shippingTransitions: Record<ShippingStatus, readonly ShippingStatus[]> = {
  pending: ["submitted", "failure", "canceled"],
  submitted: ["shipped", "failure", "canceled"],
  shipped: ["delivered", "returned", "failure"],
  delivered: [],
  returned: [],
  failure: [],
  canceled: [],
};

export function assertShippingTransition(from: ShippingStatus, to: ShippingStatus): void {
  if (!shippingTransitions[from].includes(to)) {
    throw new ApiError("issuing_shipping_status_invalid", {
      param: "status",
      message: `A ${from} shipment cannot become ${to}.`,
    });
  }
}

function cardholderOfCardQuery(ctx: ServiceContext, card: CardRow) {
  return ctx.services.db
    .select()
    .from(issuingCardholders)
    .where(and(eq(issuingCardholders.id, card.cardholderId), ...tenantScope(issuingCardholders, ctx)))
    .limit(1);
}

/** The posting that empties a card into another account (the merchant's available or a replacement). */
function movePosting(
  ctx: ServiceContext,
  card: CardRow,
  amount: number,
  to: PostingInput["entries"][number]["account"],
  source: string,
): PostingInput {
  return {
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    source,
    type: "card_load",
    sourceObjectId: card.id,
    description: `Balance of card ${card.id} moved out`,
    entries: [
      { account: { kind: cardAccountKind(card.id), currency: card.currency }, amount: -amount },
      { account: to, amount },
    ],
    at: ctx.services.clock.now(),
  };
}

/** The guarded update of a card from `before` to `after`, with its issuing_card.updated event. */
export function cardUpdate(
  ctx: ServiceContext,
  before: CardRow,
  beforeBalance: number,
  after: CardRow,
  afterBalance: number,
  postings: PostingInput[] = [],
) {
  const previous = toCard(before, beforeBalance);
  const card = toCard(after, afterBalance);
  const { updated_at: _ignored, ...changed } = previousAttributes(previous, card);
  const change: ChangeRecord = { type: "issuing_card.updated", object: card, previousAttributes: changed };
  const { id: _id, merchantId: _merchant, environment: _environment, createdAt: _created, ...values } = after;
  const update = ctx.services.db
    .update(issuingCards)
    .set(values)
    .where(and(eq(issuingCards.id, before.id), eq(issuingCards.updatedAt, before.updatedAt)))
    .returning({ id: issuingCards.id });
  return {
    card,
    statement: ctx.services.db.execute(
      guardedUpdateStatement(ctx, update, { changes: [change], postings: postings.map(preparePosting) }),
    ),
  };
}

const lostRace = () => new ApiError("resource_conflict", { message: "The card changed meanwhile; retry." });

export async function updateCard({
  ctx,
  id,
  input,
}: {
  ctx: ServiceContext;
  id: string;
  input: UpdateCardInput;
}): Promise<Card> {
  const [rows, balances] = await ctx.services.db.batch([cardQuery(ctx, id), cardBalancesQuery(ctx, [id])]);
  const before = foundCard(rows, id);
  const balance = balanceOf(balances, id);
  const status = input.status ?? before.status;
  if (input.frozen_by && status !== "frozen") {
    throw new ApiError("parameter_invalid", {
      param: "frozen_by",
      message: "frozen_by goes with status frozen.",
    });
  }
  if (input.cancellation_reason && status !== "canceled") {
    throw new ApiError("parameter_invalid", {
      param: "cancellation_reason",
      message: "cancellation_reason goes with status canceled.",
    });
  }
  if (before.status === "canceled" && input.spending_controls) {
    throw new ApiError("issuing_card_status_invalid", {
      param: "spending_controls",
      message: "A canceled card's controls are final.",
    });
  }
  assertCardTransition(before.status, status);
  const activating = status === "active" && before.status !== "active";
  if (activating) {
    const [cardholder] = await cardholderOfCardQuery(ctx, before);
    await assertCardholderVerifiedForActivation(
      ctx,
      foundCardholder(cardholder ? [cardholder] : [], before.cardholderId, "cardholder"),
    );
  }
  const canceling = status === "canceled" && before.status !== "canceled";
  const after: CardRow = {
    ...before,
    status,
    frozenBy: status === "frozen" ? (input.frozen_by ?? before.frozenBy ?? "merchant") : null,
    cancellationReason: canceling ? (input.cancellation_reason ?? "requested") : before.cancellationReason,
    spendingControls: input.spending_controls
      ? controlsColumn(input.spending_controls, before.currency, before.spendingControls)
      : before.spendingControls,
    shipping:
      canceling && before.shipping && ["pending", "submitted"].includes(before.shipping.status)
        ? { ...before.shipping, status: "canceled" }
        : before.shipping,
    authorizationTimeoutMs: input.authorization_webhook?.timeout_ms ?? before.authorizationTimeoutMs,
    authorizationOnTimeout: input.authorization_webhook?.on_timeout ?? before.authorizationOnTimeout,
    metadata: input.metadata ?? before.metadata,
    updatedAt: ctx.services.clock.now(),
  };
  // A canceled card's balance goes back to the merchant in the same step.
  const unload = canceling && balance > 0;
  const postings = unload
    ? [
        movePosting(
          ctx,
          before,
          balance,
          { kind: "merchant_available", currency: before.currency },
          `issuing_card:${id}:cancel`,
        ),
      ]
    : [];
  const { card, statement } = cardUpdate(ctx, before, balance, after, unload ? 0 : balance, postings);
  const statements: BatchItem<"pg">[] = [statement];
  if (activating && before.replacementReason === "damaged" && before.replacementFor) {
    statements.push(...(await retireReplacedCard(ctx, before.replacementFor)));
  }
  const [result] = await runBatch(ctx.services, statements as [BatchItem<"pg">], { response: card });
  if (!matched(result)) throw lostRace();
  return card;
}

/** A damaged card stays usable until its replacement is activated; then it is canceled. */
async function retireReplacedCard(ctx: ServiceContext, oldId: string): Promise<BatchItem<"pg">[]> {
  const [rows, balances] = await ctx.services.db.batch([
    cardQuery(ctx, oldId),
    cardBalancesQuery(ctx, [oldId]),
  ]);
  const old = rows[0];
  if (!old || old.status === "canceled") return [];
  const balance = balanceOf(balances, oldId);
  const retired: CardRow = {
    ...old,
    status: "canceled",
    frozenBy: null,
    cancellationReason: "damaged",
    updatedAt: ctx.services.clock.now(),
  };
  return [cardUpdate(ctx, old, balance, retired, balance).statement];
}

/**
 * Replaces a card: a new card of the same type, currency, provider, funding mode and controls,
 * the old card's balance moved to it in the same batch. A lost, stolen or expired card is canceled
 * at once; a damaged one when its replacement is activated.
 */
export async function replaceCard({
  ctx,
  id,
  input,
}: {
  ctx: ServiceContext;
  id: string;
  input: ReplaceCardInput;
}): Promise<Card> {
  const { row: before, balance } = await readCard(ctx, id);
  if (before.replacedBy) {
    throw new ApiError("issuing_card_status_invalid", {
      message: `Card ${id} was already replaced by ${before.replacedBy}.`,
    });
  }
  const [[holderRow], policy] = await ctx.services.db.batch([
    cardholderOfCardQuery(ctx, before),
    cardIssuingPolicyQuery(ctx),
  ]);
  const cardholder = foundCardholder(holderRow ? [holderRow] : [], before.cardholderId, "cardholder");
  assertCardholderActive(cardholder);
  assertCardIssuingAllowed(ctx, policy);
  const shipping = input.shipping
    ? {
        name: input.shipping.name,
        address: {
          ...input.shipping.address,
          line2: input.shipping.address.line2 ?? null,
          state: input.shipping.address.state ?? null,
        },
        service: input.shipping.service ?? "standard",
        status: "pending" as const,
      }
    : before.shipping && { ...before.shipping, status: "pending" as const };
  const { row, statements } = await issueCard(ctx, {
    cardholder,
    type: before.type,
    currency: before.currency,
    status: "inactive",
    fundingMode: before.fundingMode,
    shipping: before.type === "physical" ? shipping : null,
    spendingControls: before.spendingControls,
    authorizationWebhook: {
      authorizationTimeoutMs: before.authorizationTimeoutMs,
      authorizationOnTimeout: before.authorizationOnTimeout,
    },
    metadata: before.metadata,
    replacement: { for: before.id, reason: input.reason, provider: before.provider },
  });
  const cancelNow = input.reason !== "damaged" && before.status !== "canceled";
  const after: CardRow = {
    ...before,
    replacedBy: row.id,
    status: cancelNow ? "canceled" : before.status,
    frozenBy: cancelNow ? null : before.frozenBy,
    cancellationReason: cancelNow ? input.reason : before.cancellationReason,
    updatedAt: ctx.services.clock.now(),
  };
  const postings =
    balance > 0
      ? [
          movePosting(
            ctx,
            before,
            balance,
            { kind: cardAccountKind(row.id), currency: row.currency },
            `issuing_card:${id}:replaced`,
          ),
        ]
      : [];
  const replacement = toCard(row, balance);
  const old = cardUpdate(ctx, before, balance, after, 0, postings);
  const { db } = ctx.services;
  const results = await runBatch(
    ctx.services,
    [
      db.insert(issuingCards).values(row),
      ...statements,
      old.statement,
      db.execute(changeStatement(ctx, { type: "issuing_card.created", object: replacement })),
    ],
    { response: replacement },
  );
  if (!matched(results[1 + statements.length])) throw lostRace();
  return replacement;
}

/** Sandbox: the physical card's shipment moves on. */
export async function simulateShipping({
  ctx,
  id,
  status,
}: {
  ctx: ServiceContext;
  id: string;
  status: ShippingStatus;
}): Promise<Card> {
  const { row: before, balance } = await readCard(ctx, id);
  if (!before.shipping) {
    throw new ApiError("issuing_shipping_status_invalid", {
      param: "status",
      message: "Virtual cards are not shipped.",
    });
  }
  assertShippingTransition(before.shipping.status, status);
  const after: CardRow = {
    ...before,
    shipping: { ...before.shipping, status },
    updatedAt: ctx.services.clock.now(),
  };
  const { card, statement } = cardUpdate(ctx, before, balance, after, balance);
  const [result] = await runBatch(ctx.services, [statement], { response: card });
  if (!matched(result)) throw lostRace();
  return card;
}
