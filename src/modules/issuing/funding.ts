import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { changeStatement } from "../../core/events";
import { cardAccountKind, type PostingInput, postingStatement } from "../../core/ledger";
import { readCard, toCard } from "./cards";
import type { Card } from "./schemas";
import type { CardRow } from "./tables";

type Direction = "load" | "unload";

function fundsPosting(
  ctx: ServiceContext,
  card: CardRow,
  amount: number,
  direction: Direction,
): PostingInput {
  const sign = direction === "load" ? 1 : -1;
  return {
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    // One posting per request; the Idempotency-Key keeps a retried request from posting twice.
    source: `issuing_card:${card.id}:${direction}:${ctx.requestId}`,
    type: "card_load",
    sourceObjectId: card.id,
    description: direction === "load" ? `Load card ${card.id}` : `Unload card ${card.id}`,
    entries: [
      { account: { kind: "merchant_available", currency: card.currency }, amount: -sign * amount },
      { account: { kind: cardAccountKind(card.id), currency: card.currency }, amount: sign * amount },
    ],
    at: ctx.services.clock.now(),
  };
}

interface PostingResult {
  rows: Array<{
    posting: { entries?: Array<{ account_id: string; balance_after: number | string; position: number }> };
  }>;
}

/**
 * Moves money between the merchant's available balance and the card's own account, in one batch
 * with its event: the ledger refuses (402 insufficient_funds) when the side paying can't.
 */
async function moveFunds(
  ctx: ServiceContext,
  id: string,
  amount: number,
  direction: Direction,
): Promise<Card> {
  const { row, balance } = await readCard(ctx, id);
  if (row.fundingMode !== "prefunded") {
    throw new ApiError("parameter_invalid", {
      param: "amount",
      message: "A just_in_time card draws on the merchant balance directly and holds no balance of its own.",
    });
  }
  if (direction === "load" && row.status === "canceled") {
    throw new ApiError("issuing_card_status_invalid", { message: "A canceled card cannot be loaded." });
  }
  const expected = balance + (direction === "load" ? amount : -amount);
  const card = toCard(row, expected);
  const { db } = ctx.services;
  const [posted] = (await runBatch(
    ctx.services,
    [
      db.execute(postingStatement(fundsPosting(ctx, row, amount, direction))),
      db.execute(changeStatement(ctx, { type: `issuing_card.${direction}ed`, object: card })),
    ],
    { response: card },
  )) as [PostingResult];
  // The card's entry is second; its running balance is exact even when other postings raced this one.
  const entry = posted.rows[0]?.posting.entries?.find((candidate) => candidate.position === 1);
  return entry ? { ...card, balance: Number(entry.balance_after) } : card;
}

export function loadCardFunds({
  ctx,
  id,
  amount,
}: {
  ctx: ServiceContext;
  id: string;
  amount: number;
}): Promise<Card> {
  return moveFunds(ctx, id, amount, "load");
}

export function unloadCardFunds({
  ctx,
  id,
  amount,
}: {
  ctx: ServiceContext;
  id: string;
  amount: number;
}): Promise<Card> {
  return moveFunds(ctx, id, amount, "unload");
}
