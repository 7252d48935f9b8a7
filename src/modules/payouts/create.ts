import { runBatch } from "../../core/batch";
import type { ServiceContext } from "../../core/context";
import { ApiError } from "../../core/errors";
import { changeStatement } from "../../core/events";
import { newId } from "../../core/ids";
import { postingStatement } from "../../core/ledger";
import { type Rail, type RailId, railFor, scheduleOnRail } from "../../core/rails";
import { loadBankAccount } from "../bank-accounts/service";
import { transferCharges } from "../bank-transfers/service";
import { readTestClock } from "../test-clocks/service";
import { assertCanPayOut } from "../verifications/service";
import { createCryptoPayout, isWalletDestination } from "./create-crypto";
import { NOT_YET_SENT, payoutPosting, toPayout } from "./rows";
import type { CreatePayoutInput, Payout } from "./schemas";
import { type PayoutMethod, type PayoutRow, payouts } from "./tables";

/** The currencies merchants hold that no domestic payout rail carries: they go by SWIFT, standard only. */
const swiftPayoutCurrencies = ["CHF", "CAD", "AUD", "JPY", "SGD", "HKD"] as const;

/** Which rail reaches an account in a currency, per speed; its keys are the currencies payouts go out in. */
const payoutRails: Record<string, { standard: RailId; instant?: RailId }> = {
  USD: { standard: "ach_standard", instant: "ach_same_day" },
  EUR: { standard: "sepa_credit", instant: "sepa_instant" },
  GBP: { standard: "bacs", instant: "faster_payments" },
  ...Object.fromEntries(swiftPayoutCurrencies.map((currency) => [currency, { standard: "swift" as const }])),
};

export const payoutCurrencies: readonly string[] = Object.keys(payoutRails);

/**
 * What a payout costs, debited with its amount. A SWIFT payout: our wire fee and the correspondent
 * fee (charge bearer `our`, so the merchant's own account receives the whole amount). Otherwise
 * instant costs 1 % of the amount (at least one minor unit), standard nothing.
 */
export function payoutFee(currency: string, method: PayoutMethod, amount: number): number {
  if (payoutRails[currency]?.standard === "swift") return transferCharges("swift", currency, "our").fee;
  return method === "instant" ? Math.max(1, Math.ceil(amount / 100)) : 0;
}

/** The method a schedule pays a currency out by: its own, but standard where the currency has no instant rail. */
export function scheduledPayoutMethod(currency: string, method: PayoutMethod): PayoutMethod {
  return payoutRails[currency]?.instant === undefined ? "standard" : method;
}

const CRYPTO_DESTINATION = /^(0x|caddr_)/i;

export function payoutRail(currency: string, method: PayoutMethod): Rail {
  const rails = payoutRails[currency];
  if (!rails) {
    throw new ApiError("payout_rail_unavailable", {
      param: "currency",
      message: `Payouts go out in ${payoutCurrencies.join(", ")}; ${currency} has no payout rail.`,
    });
  }
  const id = rails[method];
  const rail = id === undefined ? undefined : railFor(id, currency);
  if (!rail) {
    throw new ApiError("payout_rail_unavailable", {
      param: "method",
      message: `${currency} payouts go by SWIFT, standard only: no instant rail carries ${currency}.`,
    });
  }
  return rail;
}

type BankAccount = Awaited<ReturnType<typeof loadBankAccount>>;

/**
 * A payout destination: a verified bank account of the merchant's own, read side by side with the
 * KYB policy when `gated` (production payouts). The KYB refusal answers first whatever the
 * destination, so it never depends on timing. Payouts and the payout schedule both check with it.
 */
export async function loadPayoutDestination(
  ctx: ServiceContext,
  input: { destination: string; gated: boolean },
): Promise<BankAccount> {
  if (CRYPTO_DESTINATION.test(input.destination)) {
    throw new ApiError("payout_destination_unsupported", {
      param: "destination",
      message:
        "This takes a verified bank account (ba_…); a wallet address (0x…) takes only manual payouts, never a deposit address (caddr_…).",
    });
  }
  const [policy, destination] = await Promise.allSettled([
    input.gated ? assertCanPayOut(ctx) : Promise.resolve(),
    loadBankAccount(ctx, input.destination, "destination"),
  ]);
  if (policy.status === "rejected") throw policy.reason;
  if (destination.status === "rejected") throw destination.reason;
  const account = destination.value;
  if (account.customerId !== null) {
    throw new ApiError("payout_destination_unsupported", {
      param: "destination",
      message: "Payouts go to the merchant's own bank accounts, not to a customer's.",
    });
  }
  if (account.status !== "verified") {
    throw new ApiError("bank_account_unverified", {
      param: "destination",
      message: "Verify the bank account (micro-deposits or instant verification) before paying out to it.",
    });
  }
  return account;
}

/** A bank payout's amount and currency (required), and none of a wallet payout's fields. */
function bankRequest(input: CreatePayoutInput): { amount: number; currency: string } {
  for (const param of ["network", "asset", "asset_amount"] as const) {
    if (input[param] !== undefined) {
      throw new ApiError("parameter_invalid", {
        param,
        message: `${param} is for payouts to a crypto wallet (a 0x… destination).`,
      });
    }
  }
  if (input.amount === undefined) {
    throw new ApiError("parameter_missing", { param: "amount", message: "A bank payout needs its amount." });
  }
  if (input.currency === undefined) {
    throw new ApiError("parameter_missing", {
      param: "currency",
      message: "A bank payout needs its currency.",
    });
  }
  return { amount: input.amount, currency: input.currency };
}

/**
 * The destination and, for a payout on a test clock, the clock (another merchant's or a production
 * id is a 404), read side by side; refused in that order whatever answers first.
 */
async function readDestinationAndClock(ctx: ServiceContext, input: CreatePayoutInput) {
  const [destination, clock] = await Promise.allSettled([
    loadPayoutDestination(ctx, { destination: input.destination, gated: true }),
    input.test_clock === undefined
      ? Promise.resolve(null)
      : readTestClock(ctx, input.test_clock, "test_clock"),
  ]);
  if (destination.status === "rejected") throw destination.reason;
  if (clock.status === "rejected") throw clock.reason;
  return { account: destination.value, clock: clock.value };
}

/**
 * Creates a payout and reserves its funds in ONE batch: the row, the ledger posting (available →
 * payouts in transit, refused by the balance's CHECK when available does not cover it, which rolls
 * the row back too), `payout.created` and the stored idempotency response. Reads before it: the
 * KYB policy and the destination, concurrently. `schedulePeriodEnd` marks an automatic payout
 * (payout-automatic): the payouts' unique key on it refuses a second one for the same merchant,
 * currency and period with a unique violation that rolls the whole batch back. A payout on a test
 * clock is scheduled on the rail at the clock's frozen time. A wallet address (0x…) as destination is
 * a crypto payout (create-crypto.ts); automatic payouts take bank accounts only.
 */
export async function createPayout({
  ctx,
  input,
  schedulePeriodEnd = null,
}: {
  ctx: ServiceContext;
  input: CreatePayoutInput;
  schedulePeriodEnd?: Date | null;
}): Promise<Payout> {
  if (schedulePeriodEnd === null && isWalletDestination(input.destination)) {
    return createCryptoPayout({ ctx, input });
  }
  const { amount, currency } = bankRequest(input);
  const { account, clock } = await readDestinationAndClock(ctx, input);
  if (currency !== account.currency) {
    throw new ApiError("currency_unsupported", {
      param: "currency",
      message: `This bank account receives ${account.currency}.`,
    });
  }
  const rail = payoutRail(currency, input.method);
  if (amount < rail.minAmount || amount > rail.maxAmount) {
    throw new ApiError("rail_limit_exceeded", {
      param: "amount",
      message: `${rail.id} carries ${rail.minAmount} to ${rail.maxAmount} (minor units of ${currency}) per payment.`,
    });
  }
  const now = ctx.services.clock.now();
  const schedule = scheduleOnRail(rail, clock?.frozenTime ?? now);
  const row: PayoutRow = {
    id: newId("payout"),
    merchantId: ctx.merchantId,
    environment: ctx.environment,
    amount,
    currency,
    fee: payoutFee(currency, input.method, amount),
    method: input.method,
    rail: rail.id,
    bankAccountId: account.id,
    cryptoTransferId: null,
    cryptoNetwork: null,
    cryptoAsset: null,
    cryptoAmount: null,
    cryptoAddress: null,
    statementDescriptor: input.statement_descriptor ?? null,
    status: "pending",
    windowAt: schedule.windowAt,
    arrivalDate: schedule.arrivalDate,
    returnDeadline: schedule.returnDeadline,
    ...NOT_YET_SENT,
    schedulePeriodEnd,
    testClockId: clock?.id ?? null,
    metadata: input.metadata ?? {},
    createdAt: now,
    updatedAt: now,
  };
  const payout = toPayout(row);
  const { db } = ctx.services;
  await runBatch(
    ctx.services,
    [
      db.insert(payouts).values(row),
      db.execute(postingStatement(payoutPosting(ctx, row, "reserved"))),
      db.execute(changeStatement(ctx, { type: "payout.created", object: payout })),
    ],
    { response: payout },
  );
  return payout;
}
