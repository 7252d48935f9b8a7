import { type SQL, sql } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import { type AccountRef, type EntryInput, type PostingInput, postingCall } from "../../core/ledger";
import type { BankTransfer } from "./schemas";
import type { BankTransferRow } from "./tables";

/** A SWIFT wire's correspondent fee: charged to the merchant (`our`) or the intermediaries' expected deduction (`sha`). */
function correspondentFees(
  row: BankTransferRow,
): Pick<BankTransfer, "correspondent_fee" | "estimated_correspondent_fee"> {
  if (row.chargeBearer === null) return { correspondent_fee: null, estimated_correspondent_fee: null };
  const amount = row.correspondentFee ?? 0;
  return row.chargeBearer === "our"
    ? { correspondent_fee: amount, estimated_correspondent_fee: 0 }
    : { correspondent_fee: 0, estimated_correspondent_fee: amount };
}

export function toBankTransfer(row: BankTransferRow): BankTransfer {
  return {
    id: row.id,
    object: "bank_transfer",
    environment: row.environment,
    direction: row.direction,
    amount: row.amount,
    fee: row.fee,
    currency: row.currency,
    rail: row.rail,
    charge_bearer: row.chargeBearer,
    ...correspondentFees(row),
    bank_account: row.bankAccountId,
    customer: row.customerId,
    mandate: row.mandateId,
    statement_descriptor: row.statementDescriptor,
    status: row.status,
    arrival_date: row.arrivalDate,
    return_deadline: row.returnDeadline,
    available_on: row.availableOn,
    submission: row.submissionId,
    failure_code: row.failureCode,
    failure_message: row.failureMessage,
    submitted_at: row.submittedAt?.toISOString() ?? null,
    settled_at: row.settledAt?.toISOString() ?? null,
    funds_available_at: row.fundsAvailableAt?.toISOString() ?? null,
    failed_at: row.failedAt?.toISOString() ?? null,
    returned_at: row.returnedAt?.toISOString() ?? null,
    canceled_at: row.canceledAt?.toISOString() ?? null,
    test_clock: row.testClockId,
    metadata: row.metadata,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

/**
 * A transfer's moves in the ledger, each posted once (its source is `bank_transfer:<id>:<step>`);
 * x is the amount, f the rail's fee (fees.ts), posted to the fees account:
 *
 * | step | direction | entries |
 * | --- | --- | --- |
 * | `reserved` (creation) | push | available −(x+f), bank transfers in transit +x, fees +f |
 * | `released` (cancel, failure, return) | push | the exact reverse of `reserved` |
 * | `settled` (arrival) | pull | bank transfers in transit −x, pending +(x−f), fees +f |
 * | `available` (`available_on`) | pull | pending −(x−f), available +(x−f) |
 * | `returned` (a return after arrival) | pull | the reverse of `settled`, from pending (or available) |
 */
export type LedgerStep = "reserved" | "released" | "settled" | "available" | "returned";

type Kind = AccountRef["kind"];

const descriptions: Record<LedgerStep, (row: BankTransferRow) => string> = {
  reserved: (row) => `Bank transfer to ${row.bankAccountId}`,
  released: (row) => `Bank transfer ${row.id} not completed: funds back`,
  settled: (row) => `Bank debit of ${row.bankAccountId} arrived`,
  available: (row) => `Bank debit ${row.id} available`,
  returned: (row) => `Bank debit ${row.id} returned (${row.failureCode ?? "return"})`,
};

/** The entries of `step`; a debit's return takes the merchant's share from `returnedFrom`. */
function stepEntries(row: BankTransferRow, step: LedgerStep, returnedFrom: Kind): EntryInput[] {
  const entry = (kind: Kind, amount: number): EntryInput => ({
    account: { kind, currency: row.currency },
    amount,
  });
  const fee = (sign: 1 | -1) => (row.fee > 0 ? [entry("fees", sign * row.fee)] : []);
  const collected = row.amount - row.fee;
  switch (step) {
    case "reserved":
      return [
        entry("merchant_available", -(row.amount + row.fee)),
        entry("bank_transfers_in_transit", row.amount),
        ...fee(1),
      ];
    case "released":
      return [
        entry("bank_transfers_in_transit", -row.amount),
        entry("merchant_available", row.amount + row.fee),
        ...fee(-1),
      ];
    case "settled":
      return [
        entry("bank_transfers_in_transit", -row.amount),
        entry("merchant_pending", collected),
        ...fee(1),
      ];
    case "available":
      return [entry("merchant_pending", -collected), entry("merchant_available", collected)];
    case "returned":
      return [entry(returnedFrom, -collected), entry("bank_transfers_in_transit", row.amount), ...fee(-1)];
  }
}

function posting(
  ctx: ServiceContext,
  row: BankTransferRow,
  step: LedgerStep,
  returnedFrom: Kind = "merchant_pending",
): PostingInput {
  return {
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    source: `bank_transfer:${row.id}:${step}`,
    type: "bank_transfer",
    // Pending while the money sits in reserved-for-the-rail or pending funds; posted once final.
    status: step === "reserved" || step === "settled" ? "pending" : "posted",
    sourceObjectId: row.id,
    description: descriptions[step](row),
    entries: stepEntries(row, step, returnedFrom),
    at: ctx.services.clock.now(),
  };
}

/** The posting of a step that has one fixed movement (all but a debit's return). */
export function bankTransferPosting(
  ctx: ServiceContext,
  row: BankTransferRow,
  step: Exclude<LedgerStep, "returned">,
): PostingInput {
  return posting(ctx, row, step);
}

export interface LedgerMembers {
  /** CTEs that post only for the rows of `gate`. */
  members: SQL[];
  /** An expression that reads the last of them, so that the posting runs. */
  counted: SQL;
}

/**
 * The posting of `step` as CTE members gated on `gate` (a compare-and-set's `updated`). A debit
 * returned before its funds became available comes out of pending. Returned after, it is handled
 * like a chargeback: out of available when available covers it, else out of pending, which may go
 * below zero (the merchant then owes it, as with a refund beyond the balance or a crypto reorg).
 */
export function ledgerMembers(
  ctx: ServiceContext,
  row: BankTransferRow,
  step: LedgerStep,
  gate: string,
): LedgerMembers {
  const from = sql.raw(gate);
  if (step !== "returned") {
    return {
      members: [sql`posted as (select ${postingCall(bankTransferPosting(ctx, row, step))} from ${from})`],
      counted: sql`(select count(*) from posted)::int`,
    };
  }
  const fromPending = posting(ctx, row, step, "merchant_pending");
  if (row.fundsAvailableAt === null) {
    return {
      members: [sql`posted as (select ${postingCall(fromPending)} from ${from})`],
      counted: sql`(select count(*) from posted)::int`,
    };
  }
  const fromAvailable = posting(ctx, row, step, "merchant_available");
  return {
    members: [
      sql`from_available as (select ${postingCall(fromAvailable, { raise: false })} as answer from ${from})`,
      sql`posted as (select ${postingCall(fromPending)} from from_available where answer->>'outcome' = 'refused')`,
    ],
    counted: sql`(select count(*) from posted)::int`,
  };
}
