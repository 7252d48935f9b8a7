import { z } from "zod";
import { defineFunction } from "../src/core/background-functions";
import { checkLedgerInvariants } from "../src/core/ledger";
import { log } from "../src/core/log";
import { reconcileSettlements } from "../src/modules/settlements/service";

export const ledgerInvariants = defineFunction({
  name: "ledger-invariants",
  description:
    "Checks the whole ledger: every transaction sums to zero per currency, every balance equals its entries, and every settlement's net equals what its ledger transaction moved.",
  payload: z.object({}).passthrough(),
  schedule: "0 * * * *",
  intervalSeconds: 3600,
  handler: async (services) => {
    const ledger = await checkLedgerInvariants({}, services.db);
    const settlements = await reconcileSettlements({}, services.db);
    const report = { ...ledger, ok: ledger.ok && settlements.violations.length === 0, settlements };
    // The run's result keeps the report; an error line lets log alerting page someone.
    if (!report.ok) {
      log("error", "ledger_invariants_violated", { ...report });
    }
    return report;
  },
});
