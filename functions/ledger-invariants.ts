import { z } from "zod";
import { defineFunction } from "../src/core/background-functions";
import { checkLedgerInvariants } from "../src/core/ledger";
import { log } from "../src/core/log";

export const ledgerInvariants = defineFunction({
  name: "ledger-invariants",
  description:
    "Checks the whole ledger: every transaction sums to zero per currency, every balance equals its entries.",
  payload: z.object({}).passthrough(),
  schedule: "0 * * * *",
  intervalSeconds: 3600,
  handler: async (services) => {
    const report = await checkLedgerInvariants(services.db);
    // The run's result keeps the report; an error line lets log alerting page someone.
    if (!report.ok) {
      log("error", "ledger_invariants_violated", { ...report });
    }
    return { ...report };
  },
});
