import { defineFunction, oneMerchantPayload } from "../src/core/background-functions";
import { runSettlements } from "../src/modules/settlements/service";

export const settlementRun = defineFunction({
  name: "settlement-run",
  description:
    "For every merchant whose settlement schedule's period has ended (services clock): moves the funds matured by the period's end from pending to available and records one settlement per currency, exactly once per merchant, currency and period.",
  payload: oneMerchantPayload,
  schedule: "*/5 * * * *",
  intervalSeconds: 300,
  handler: (services, payload) => runSettlements(services, { merchantId: payload.merchant }),
});
