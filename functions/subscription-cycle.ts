import { defineFunction, oneMerchantPayload } from "../src/core/background-functions";
import { renewDueSubscriptions } from "../src/modules/subscriptions/service";

export const subscriptionCycle = defineFunction({
  name: "subscription-cycle",
  description:
    "Renews due subscriptions (on real time; those on a test clock run when their clock advances): invoices and charges each new period, ends trials, sends trial_will_end, retries failed charges on the dunning schedule (1, 3, 5, 7 days) and cancels at the end of it, expires incomplete subscriptions after 23 hours.",
  payload: oneMerchantPayload,
  schedule: "*/5 * * * *",
  intervalSeconds: 300,
  handler: async (services, payload) => {
    const { worked, failed } = await renewDueSubscriptions(services, payload.merchant);
    return { worked, failed };
  },
});
