import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { changeStatement } from "../../core/events";
import { newId } from "../../core/ids";
import { postingStatement } from "../../core/ledger";
import {
  type Rail,
  type RailId,
  railBusinessDaysAfter,
  railFor,
  railReaches,
  returnDeadlineOn,
  scheduleOnRail,
  swiftCurrencies,
} from "../../core/rails";
import { loadBankAccount, loadMandate, mandateRails, mandateStatus } from "../bank-accounts/service";
import type { BankAccountRow, MandateRow } from "../bank-accounts/tables";
import { customerIdsQuery } from "../customers/service";
import { readTestClock } from "../test-clocks/service";
import { assertCanPayOut } from "../verifications/service";
import { type ChargeBearer, railFee, transferCharges } from "./fees";
import { bankTransferPosting, toBankTransfer } from "./rows";
import type { BankTransfer, CreateBankTransferInput } from "./schemas";
import { type BankTransferRow, bankTransfers } from "./tables";

/** The rail a push takes when none is given: the currency's batch credit rail, else a SWIFT wire. */
const pushRails: Record<string, RailId> = {
  USD: "ach_standard",
  EUR: "sepa_credit",
  GBP: "bacs",
  CHF: "swift",
  CAD: "swift",
  AUD: "swift",
  JPY: "swift",
  SGD: "swift",
  HKD: "swift",
};

/** Rail business days from a debit's arrival until its funds move from pending to available. */
const PULL_AVAILABILITY_DAYS = 1;

/** The test clock a transfer moves on: its id and frozen time. */
interface TransferClock {
  id: string;
  frozenTime: Date;
}

/**
 * Reads before the batch, side by side: the KYB gate (pushes), the account, the mandate (pulls) and
 * the test clock asked for (another merchant's or a production id is a 404).
 */
async function readInputs(
  ctx: ServiceContext,
  input: CreateBankTransferInput,
): Promise<{ account: BankAccountRow; mandate: MandateRow | null; clock: TransferClock | null }> {
  const [policy, account, mandate, clock] = await Promise.allSettled([
    input.direction === "push" ? assertCanPayOut(ctx) : Promise.resolve(),
    loadBankAccount(ctx, input.bank_account, "bank_account"),
    input.mandate ? loadMandate(ctx, input.mandate, "mandate") : Promise.resolve(null),
    input.test_clock ? readTestClock(ctx, input.test_clock, "test_clock") : Promise.resolve(null),
  ]);
  // In this order whatever answers first, so a refusal never depends on timing.
  if (policy.status === "rejected") throw policy.reason;
  if (account.status === "rejected") throw account.reason;
  if (mandate.status === "rejected") throw mandate.reason;
  if (clock.status === "rejected") throw clock.reason;
  return { account: account.value, mandate: mandate.value, clock: clock.value };
}

/**
 * The clock a transfer moves on: a customer's account follows its customer's clock (one more read,
 * only for customers' accounts), the merchant's own the one asked for; null: real time.
 */
async function transferClock(
  ctx: ServiceContext,
  account: BankAccountRow,
  asked: TransferClock | null,
): Promise<TransferClock | null> {
  if (account.customerId === null) return asked;
  if (asked !== null) {
    throw new ApiError("parameter_invalid", {
      param: "test_clock",
      message:
        "A customer's bank transfers follow the customer's test clock; test_clock is for your own accounts.",
    });
  }
  const [customer] = await customerIdsQuery(ctx, [account.customerId]);
  return customer?.clockId && customer.clockTime
    ? { id: customer.clockId, frozenTime: customer.clockTime }
    : null;
}

function assertMandateAuthorizes(ctx: ServiceContext, mandate: MandateRow, account: BankAccountRow): void {
  if (mandate.bankAccountId !== account.id) {
    throw new ApiError("mandate_mismatch", {
      param: "mandate",
      message: `The mandate authorizes debits of ${mandate.bankAccountId}, not ${account.id}.`,
    });
  }
  const status = mandateStatus(mandate, ctx.services.clock.now());
  if (status !== "active") {
    throw new ApiError("mandate_not_active", {
      param: "mandate",
      message: `The mandate is ${status}; pulls need an active mandate.`,
    });
  }
}

function chooseRail(input: CreateBankTransferInput, mandate: MandateRow | null): Rail {
  const id = input.rail ?? (mandate ? mandateRails[mandate.type][0] : pushRails[input.currency]);
  if (!id) {
    throw new ApiError("currency_unsupported", {
      param: "currency",
      message: `Pushes go out in ${Object.keys(pushRails).join(", ")}; ${input.currency} has no credit rail.`,
    });
  }
  const rail = railFor(id, input.currency);
  if (!rail) {
    throw new ApiError("currency_unsupported", {
      param: "currency",
      message: `SWIFT wires carry ${swiftCurrencies.join(", ")}; USD goes by wire (Fedwire).`,
    });
  }
  return rail;
}

/** A SWIFT wire's charge bearer (default `sha`); the other rails have none and refuse one. */
function chargeBearerOn(rail: Rail, input: CreateBankTransferInput): ChargeBearer | null {
  if (rail.id === "swift") return input.charge_bearer ?? "sha";
  if (input.charge_bearer) {
    throw new ApiError("parameter_invalid", {
      param: "charge_bearer",
      message: `charge_bearer applies to SWIFT wires (rail swift) only, not to ${rail.id}.`,
    });
  }
  return null;
}

/**
 * The rail's rules: direction, currency, the accounts it reaches, the amount. A mandate's scheme
 * needs no check of its own: the only debit rails that reach an ACH mandate's US account in USD are
 * ACH's, and a SEPA mandate's IBAN in EUR only SEPA Direct Debit.
 */
function assertRailCarries(rail: Rail, input: CreateBankTransferInput, account: BankAccountRow): void {
  const wanted = input.direction === "push" ? "credit" : "debit";
  if (rail.direction !== "both" && rail.direction !== wanted) {
    throw new ApiError("rail_unsupported", {
      param: "rail",
      message: `${rail.id} carries ${rail.direction}s only; a ${input.direction} needs a ${wanted} rail.`,
    });
  }
  if (!rail.currencies.includes(input.currency)) {
    throw new ApiError("currency_unsupported", {
      param: "currency",
      message: `${rail.id} carries ${rail.currencies.join(", ")} only.`,
    });
  }
  if (!railReaches(rail, account)) {
    throw new ApiError("rail_unsupported", {
      param: "bank_account",
      message: `${rail.id} does not reach this ${account.country} account (${account.scheme}).`,
    });
  }
  if (input.amount < rail.minAmount || input.amount > rail.maxAmount) {
    throw new ApiError("rail_limit_exceeded", {
      param: "amount",
      message: `${rail.id} carries ${rail.minAmount} to ${rail.maxAmount} (minor units of ${input.currency}) per payment.`,
    });
  }
  // A pull's fee comes out of what it collects, so it must collect more than the fee.
  const fee = railFee(rail.id, input.currency);
  if (input.direction === "pull" && input.amount <= fee) {
    throw new ApiError("amount_invalid", {
      param: "amount",
      message: `A pull on ${rail.id} must be more than its fee (${fee} minor units of ${input.currency}).`,
    });
  }
}

function checkInput(input: CreateBankTransferInput): void {
  if (input.direction === "push" && input.mandate) {
    throw new ApiError("parameter_invalid", {
      param: "mandate",
      message: "A push is a credit from your balance; mandates authorize pulls only.",
    });
  }
  if (input.direction === "pull" && !input.mandate) {
    throw new ApiError("mandate_required", {
      param: "mandate",
      message: "Pulling from a bank account needs an active mandate on it (POST /mandates).",
    });
  }
}

/**
 * Creates a bank transfer in ONE batch: the row, for a push the reservation (available → bank
 * transfers in transit, refused by the balance's CHECK when available does not cover it, which rolls
 * the row back too), `bank_transfer.created` and the stored idempotency response. A pull moves no
 * money until it arrives. Reads before it, side by side: the KYB gate, the account, the mandate,
 * the clock. A transfer on a test clock is scheduled on the rail at the clock's frozen time.
 */
export async function createBankTransfer({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: CreateBankTransferInput;
}): Promise<BankTransfer> {
  checkInput(input);
  const { account, mandate, clock: asked } = await readInputs(ctx, input);
  if (account.status !== "verified") {
    throw new ApiError("bank_account_unverified", {
      param: "bank_account",
      message: `The bank account is ${account.status}; verify it before transferring.`,
    });
  }
  if (mandate) assertMandateAuthorizes(ctx, mandate, account);
  if (input.currency !== account.currency) {
    throw new ApiError("currency_unsupported", {
      param: "currency",
      message: `This bank account holds ${account.currency}.`,
    });
  }
  const rail = chooseRail(input, mandate);
  assertRailCarries(rail, input, account);
  const chargeBearer = chargeBearerOn(rail, input);
  const { fee, correspondentFee } = transferCharges(rail.id, input.currency, chargeBearer);
  const clock = await transferClock(ctx, account, asked);
  const now = ctx.services.clock.now();
  const schedule = scheduleOnRail(rail, clock?.frozenTime ?? now);
  const row: BankTransferRow = {
    id: newId("bankTransfer"),
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    direction: input.direction,
    amount: input.amount,
    fee,
    currency: input.currency,
    rail: rail.id,
    chargeBearer,
    correspondentFee,
    bankAccountId: account.id,
    customerId: account.customerId,
    mandateId: mandate?.id ?? null,
    statementDescriptor: input.statement_descriptor ?? null,
    status: "pending",
    windowAt: schedule.windowAt,
    arrivalDate: schedule.arrivalDate,
    // A pull on ACH may come back unauthorized for 60 days: it stays returnable that long.
    returnDeadline:
      input.direction === "pull"
        ? returnDeadlineOn(rail, { direction: "debit", arrivalDate: schedule.arrivalDate })
        : schedule.returnDeadline,
    availableOn:
      input.direction === "pull"
        ? railBusinessDaysAfter(rail, schedule.arrivalDate, PULL_AVAILABILITY_DAYS)
        : null,
    submissionId: null,
    failureCode: null,
    failureMessage: null,
    submittedAt: null,
    settledAt: null,
    fundsAvailableAt: null,
    failedAt: null,
    returnedAt: null,
    canceledAt: null,
    testClockId: clock?.id ?? null,
    metadata: input.metadata ?? {},
    createdAt: now,
    updatedAt: now,
  };
  const transfer = toBankTransfer(row);
  const { db } = ctx.services;
  await runBatch(
    ctx.services,
    [
      db.insert(bankTransfers).values(row),
      ...(row.direction === "push"
        ? [db.execute(postingStatement(bankTransferPosting(ctx, row, "reserved")))]
        : []),
      db.execute(changeStatement(ctx, { type: "bank_transfer.created", object: transfer })),
    ],
    { response: transfer },
  );
  return transfer;
}
