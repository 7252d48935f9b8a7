import { defineFunction, oneMerchantPayload } from "../src/core/background-functions";
import { decideAbandonedAuthorizations } from "../src/modules/issuing/service";

export const issuingAuthorizationSweep = defineFunction({
  name: "issuing-authorization-sweep",
  description:
    "Applies the card's default to authorizations left pending_request (a Worker stopped between asking the merchant's endpoint and applying its answer), releasing a declined hold.",
  payload: oneMerchantPayload,
  schedule: "* * * * *",
  intervalSeconds: 60,
  handler: (services, payload) => decideAbandonedAuthorizations(services, { merchant: payload.merchant }),
});
