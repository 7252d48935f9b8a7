import { defineFunction, oneMerchantPayload } from "../src/core/background-functions";
import { runBankTransferBatch } from "../src/modules/bank-transfers/service";
import { runPayoutBatch } from "../src/modules/payouts/service";

/**
 * One function for everything that leaves on the bank rails at their cut-offs: payouts and bank
 * transfers share the rails, the calendars and the simulator (core/rails/progress.ts), so one run a
 * minute moves both; each keeps its own rows and compare-and-set statements.
 */
export const payoutBatch = defineFunction({
  name: "payout-batch",
  description:
    "Submits pending payouts and bank transfers whose rail cut-off has come (grouped per rail and cut-off), settles those whose arrival date has come (paid or settled, or failed by the bank), applies returns within the rail's window and makes settled bank debits available on their day, on the services clock.",
  payload: oneMerchantPayload,
  schedule: "* * * * *",
  intervalSeconds: 60,
  handler: async (services, payload) => ({
    payouts: await runPayoutBatch(services, payload.merchant),
    bank_transfers: await runBankTransferBatch(services, payload.merchant),
  }),
});
