import type { ServiceContext } from "../../core/context";
import { newId } from "../../core/ids";
import { type AccountRef, cardAccountKind, type EntryInput, type PostingInput } from "../../core/ledger";
import type { IssuingTransaction } from "./authorization-schemas";
import type { CardRow, IssuingTransactionRow, IssuingTransactionType, MerchantDataColumn } from "./tables";

export function toIssuingTransaction(row: IssuingTransactionRow): IssuingTransaction {
  return {
    id: row.id,
    object: "issuing_transaction",
    environment: row.environment,
    type: row.type,
    card: row.cardId,
    cardholder: row.cardholderId,
    authorization: row.authorizationId,
    amount: row.amount,
    currency: row.currency,
    merchant_data: row.merchantData,
    ledger_transaction: row.ledgerTransactionId,
    refund_of: row.refundOf,
    refunded_amount: row.refundedAmount,
    disputed_amount: row.disputedAmount,
    created_at: row.createdAt.toISOString(),
  };
}

/** What the card's issuer is owed for captures, net of refunds. */
export const clearing = (card: CardRow): AccountRef => ({
  kind: `provider_clearing:${card.provider}`,
  currency: card.currency,
});
/** Where a card's spending comes from: its own balance, or (just in time) the merchant's available. */
export function fundingAccount(card: CardRow): AccountRef {
  return card.fundingMode === "prefunded"
    ? { kind: cardAccountKind(card.id), currency: card.currency }
    : { kind: "merchant_available", currency: card.currency };
}

/** Where authorization holds sit between the decision and the capture or reversal. */
export const held = (card: CardRow): AccountRef => ({ kind: "card_funding", currency: card.currency });

export function cardPosting(
  ctx: ServiceContext,
  source: string,
  sourceObjectId: string,
  description: string,
  entries: EntryInput[],
): PostingInput {
  return {
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    source,
    type: "card_transaction",
    sourceObjectId,
    description,
    entries: entries.filter((entry) => entry.amount !== 0),
    at: ctx.services.clock.now(),
  };
}

export function newTransaction(
  ctx: ServiceContext,
  card: CardRow,
  fields: {
    type: IssuingTransactionType;
    amount: number;
    authorizationId: string | null;
    merchantData: MerchantDataColumn;
    ledgerTransactionId: string;
    refundOf?: string;
  },
): IssuingTransactionRow {
  return {
    id: newId("issuingTransaction"),
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    cardId: card.id,
    cardholderId: card.cardholderId,
    authorizationId: fields.authorizationId,
    type: fields.type,
    amount: fields.amount,
    currency: card.currency,
    merchantData: fields.merchantData,
    ledgerTransactionId: fields.ledgerTransactionId,
    refundOf: fields.refundOf ?? null,
    refundedAmount: 0,
    disputedAmount: 0,
    createdAt: ctx.services.clock.now(),
  };
}
