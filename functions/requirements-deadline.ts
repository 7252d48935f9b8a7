import { defineFunction, oneMerchantPayload } from "../src/core/background-functions";
import { notifyPastDueRequirements } from "../src/modules/verifications/service";

export const requirementsDeadline = defineFunction({
  name: "requirements-deadline",
  description:
    "Sends account.requirements.updated once per merchant and environment when the KYB deadline (sign-up + KYB_DEADLINE_DAYS) passes with items still due, now past_due.",
  payload: oneMerchantPayload,
  schedule: "0 * * * *",
  intervalSeconds: 3600,
  handler: (services, payload) => notifyPastDueRequirements(services, { merchant: payload.merchant }),
});
