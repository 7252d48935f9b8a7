import type { ServiceContext } from "../../core/context";
import type { EntryInput, PostingInput } from "../../core/ledger";
import type { AssetCode, NetworkName } from "../crypto/networks";
import type { Payout } from "./schemas";
import type { PayoutRow } from "./tables";

/** A new payout's lifecycle fields: nothing submitted, paid, failed, returned or canceled yet. */
export const NOT_YET_SENT = {
  batchId: null,
  failureCode: null,
  failureMessage: null,
  submittedAt: null,
  paidAt: null,
  failedAt: null,
  returnedAt: null,
  canceledAt: null,
} satisfies Partial<PayoutRow>;

function cryptoOf(row: PayoutRow): Payout["crypto"] {
  if (row.cryptoTransferId === null) return null;
  return {
    network: row.cryptoNetwork as NetworkName,
    asset: row.cryptoAsset as AssetCode,
    amount: row.cryptoAmount ?? "",
    transfer: row.cryptoTransferId,
  };
}

export function toPayout(row: PayoutRow): Payout {
  return {
    id: row.id,
    object: "payout",
    environment: row.environment,
    amount: row.amount,
    currency: row.currency,
    fee: row.fee,
    method: row.method,
    rail: row.rail,
    destination: row.bankAccountId ?? row.cryptoAddress ?? "",
    crypto: cryptoOf(row),
    statement_descriptor: row.statementDescriptor,
    status: row.status,
    arrival_date: row.arrivalDate,
    batch: row.batchId,
    failure_code: row.failureCode,
    failure_message: row.failureMessage,
    submitted_at: row.submittedAt?.toISOString() ?? null,
    paid_at: row.paidAt?.toISOString() ?? null,
    failed_at: row.failedAt?.toISOString() ?? null,
    returned_at: row.returnedAt?.toISOString() ?? null,
    canceled_at: row.canceledAt?.toISOString() ?? null,
    automatic: row.schedulePeriodEnd !== null,
    test_clock: row.testClockId,
    metadata: row.metadata,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/** The payout's money at creation: available → payouts in transit (and the instant fee → fees). */
function reservedEntries(row: PayoutRow): EntryInput[] {
  const currency = row.currency;
  return [
    { account: { kind: "merchant_available", currency }, amount: -(row.amount + row.fee) },
    { account: { kind: "payouts_in_transit", currency }, amount: row.amount },
    ...(row.fee > 0 ? [{ account: { kind: "fees" as const, currency }, amount: row.fee }] : []),
  ];
}

/**
 * A payout's ledger posting. `reserved` (at creation) is refused with insufficient_funds when
 * available does not cover amount + fee: the CHECK on merchant_available decides under the account
 * lock, so concurrent payouts never overdraw. `released` is its exact reverse; cancel, failure and
 * return share its source, so the funds come back once whichever path wins.
 */
export function payoutPosting(
  ctx: ServiceContext,
  row: PayoutRow,
  step: "reserved" | "released",
): PostingInput {
  const entries = reservedEntries(row);
  return {
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    source: `payout:${row.id}:${step}`,
    type: "payout",
    status: step === "reserved" ? "pending" : "posted",
    sourceObjectId: row.id,
    description:
      step === "reserved" ? `Payout to ${row.bankAccountId}` : `Payout ${row.id} not paid: funds back`,
    entries: step === "reserved" ? entries : entries.map((entry) => ({ ...entry, amount: -entry.amount })),
    at: ctx.services.clock.now(),
  };
}
