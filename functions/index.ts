import { type BackgroundFunction, type RunOutcome, runFunction } from "../src/core/background-functions";
import type { Services } from "../src/core/context";
import { log } from "../src/core/log";
import { checkoutExpire } from "./checkout-expire";
import { cryptoTransferTrack } from "./crypto-transfer-track";
import { depositPoll } from "./deposit-poll";
import { eventsPrune } from "./events-prune";
import { functionRunsPrune } from "./function-runs-prune";
import { fxRefresh } from "./fx-refresh";
import { idempotencyPrune } from "./idempotency-prune";
import { invoicePayments } from "./invoice-payments";
import { invoiceReminders } from "./invoice-reminders";
import { issuingAuthorizationSweep } from "./issuing-authorization-sweep";
import { ledgerInvariants } from "./ledger-invariants";
import { paymentReconcile } from "./payment-reconcile";
import { payoutAutomatic } from "./payout-automatic";
import { payoutBatch } from "./payout-batch";
import { requirementsDeadline } from "./requirements-deadline";
import { sessionsPrune } from "./sessions-prune";
import { settlementRun } from "./settlement-run";
import { subscriptionCycle } from "./subscription-cycle";
import { testClocksPrune } from "./test-clocks-prune";
import { verificationPoll } from "./verification-poll";
import { webhookDeliver } from "./webhook-deliver";
import { webhookSweep } from "./webhook-sweep";

/** The registry: QStash's endpoint and the cron trigger both dispatch from here. */
export const backgroundFunctions: readonly BackgroundFunction[] = [
  idempotencyPrune as BackgroundFunction,
  sessionsPrune as BackgroundFunction,
  ledgerInvariants as BackgroundFunction,
  fxRefresh as BackgroundFunction,
  webhookDeliver as BackgroundFunction,
  webhookSweep as BackgroundFunction,
  eventsPrune as BackgroundFunction,
  settlementRun as BackgroundFunction,
  // After settlement-run: both fire every five minutes, and a settlement feeds the payout.
  payoutAutomatic as BackgroundFunction,
  paymentReconcile as BackgroundFunction,
  functionRunsPrune as BackgroundFunction,
  verificationPoll as BackgroundFunction,
  requirementsDeadline as BackgroundFunction,
  depositPoll as BackgroundFunction,
  checkoutExpire as BackgroundFunction,
  payoutBatch as BackgroundFunction,
  cryptoTransferTrack as BackgroundFunction,
  issuingAuthorizationSweep as BackgroundFunction,
  subscriptionCycle as BackgroundFunction,
  invoicePayments as BackgroundFunction,
  // After subscription-cycle: a renewal's invoice may be due for a reminder in the same slot.
  invoiceReminders as BackgroundFunction,
  testClocksPrune as BackgroundFunction,
];

export function findFunction(name: string): BackgroundFunction | undefined {
  return backgroundFunctions.find((fn) => fn.name === name);
}

/** Runs every function whose schedule is `cron`, deduplicated per window: the Cron Trigger's work. */
export async function runScheduledFunctions(
  services: Services,
  cron: string,
  at: Date,
): Promise<RunOutcome[]> {
  const outcomes: RunOutcome[] = [];
  for (const fn of backgroundFunctions.filter((candidate) => candidate.schedule === cron)) {
    const outcome = await runFunction(services, fn, {}, "cron", at);
    log(outcome.status === "failed" ? "error" : "info", "function_run", {
      function: fn.name,
      trigger: "cron",
      ...outcome,
    });
    outcomes.push(outcome);
  }
  return outcomes;
}
