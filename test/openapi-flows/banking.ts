import { generateBankDetails } from "../../src/core/bank-details";
import { rails, scheduleOnRail } from "../../src/core/rails";
import type { TestMerchant } from "../harness";
import { runFunctionFor } from "../verifications";
import type { Run } from "./run";

/**
 * A bank account verified by micro-deposits, a mandate, a payout to it, bank transfers both ways, and
 * the pull, submitted by payout-batch at its cut-off, returned on demand.
 */
export async function bankingFlows(run: Run, m: TestMerchant): Promise<void> {
  // A bank account verified by micro-deposits, then a mandate on it.
  const bankDetails = generateBankDetails("US");
  const bankAccount = await run<{ id: string }>("sandbox", "POST", "/bank-accounts", {
    account_holder_name: "Ada",
    account_holder_type: "individual",
    country: "US",
    currency: "USD",
    routing_number: bankDetails.routing.routing_number,
    account_number: bankDetails.accountNumber,
  });
  const deposits = await run<{ sandbox_micro_deposits: { amounts: number[] } | null }>(
    "sandbox",
    "POST",
    `/bank-accounts/${bankAccount.id}/verify/micro-deposits`,
    {},
  );
  await run("sandbox", "POST", `/bank-accounts/${bankAccount.id}/verify`, {
    amounts: deposits.sandbox_micro_deposits?.amounts ?? [],
  });
  const mandate = await run<{ id: string }>("sandbox", "POST", "/mandates", {
    bank_account: bankAccount.id,
    type: "ach_debit",
    acceptance: { type: "online" },
  });
  // A payout to that account from a funded USD balance.
  const usdFunds = await run<{ id: string }>("sandbox", "POST", "/funding/deposits", {
    amount: 5_000,
    currency: "USD",
    method: "ach",
  });
  await run("sandbox", "POST", `/sandbox/funding/deposits/${usdFunds.id}/receive`);
  const payout = await run<{ id: string }>("sandbox", "POST", "/payouts", {
    amount: 1_000,
    currency: "USD",
    destination: bankAccount.id,
  });
  await run("sandbox", "GET", `/status/payouts/${payout.id}`);
  // A push to the account, canceled while pending, and a pull from it under the mandate.
  const push = await run<{ id: string }>("sandbox", "POST", "/bank-transfers", {
    direction: "push",
    amount: 500,
    currency: "USD",
    bank_account: bankAccount.id,
  });
  await run("sandbox", "POST", `/bank-transfers/${push.id}/cancel`);
  const pull = await run<{ id: string; created_at: string }>("sandbox", "POST", "/bank-transfers", {
    direction: "pull",
    amount: 700,
    currency: "USD",
    bank_account: bankAccount.id,
    mandate: mandate.id,
  });
  await run("sandbox", "GET", `/bank-transfers/${pull.id}`);
  await run("sandbox", "GET", "/bank-transfers?direction=pull");
  await run("sandbox", "GET", `/status/bank-transfers/${pull.id}`);
  const { windowAt } = scheduleOnRail(rails.ach_standard, new Date(pull.created_at));
  const pastCutOff = Math.ceil((windowAt.getTime() - Date.now()) / 1000) + 60;
  await runFunctionFor("payout-batch", { merchant: m.merchantId }, pastCutOff);
  await run("sandbox", "POST", `/sandbox/bank-transfers/${pull.id}/return`, { code: "R01" });
}
