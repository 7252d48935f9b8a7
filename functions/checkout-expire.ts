import { z } from "zod";
import { defineFunction } from "../src/core/background-functions";
import { expireDueSessions, settleAsyncPayments } from "../src/modules/checkout/service";

export const checkoutExpire = defineFunction({
  name: "checkout-expire",
  description:
    "Expires open checkout sessions past their expires_at, and follows sessions completed with a payment still processing until it succeeds or fails.",
  payload: z.object({}).passthrough(),
  schedule: "* * * * *",
  intervalSeconds: 60,
  handler: async (services) => ({
    expired: await expireDueSessions(services),
    async_payments: await settleAsyncPayments(services),
  }),
});
