import { defineFunction, oneMerchantPayload } from "../src/core/background-functions";
import { runAutomaticPayouts } from "../src/modules/payouts/service";

/**
 * Automatic payouts on each merchant's payout schedule. It runs on the same five-minute cron as
 * settlement-run and after it in the registry, so a 00:00 settlement is in available before the
 * 00:00 payout looks at it.
 */
export const payoutAutomatic = defineFunction({
  name: "payout-automatic",
  description:
    "For every merchant whose payout schedule (daily, weekly or monthly, 00:00 UTC) has fired on the services clock: one payout per currency of the whole available balance, when at least the schedule's minimum, to the schedule's destination, through the payouts' create verb (funds reserved as for any payout); exactly once per merchant, currency and period.",
  payload: oneMerchantPayload,
  schedule: "*/5 * * * *",
  intervalSeconds: 300,
  handler: (services, payload) => runAutomaticPayouts(services, { merchantId: payload.merchant }),
});
