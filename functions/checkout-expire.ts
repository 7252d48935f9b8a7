import { z } from "zod";
import { defineFunction } from "../src/core/background-functions";
import {
  expireDueSessions,
  recoverStalledClaims,
  releaseAbandonedSessions,
  settleAsyncPayments,
} from "../src/modules/checkout/service";

export const checkoutExpire = defineFunction({
  name: "checkout-expire",
  description:
    "Recovers checkout sessions whose paying request died before recording its payment (adopting the payment, or releasing the claim when none was made), cancels the payments that expired checkout sessions still wait on (3-D Secure or a bank page left unfinished), expires open checkout sessions past their expires_at, and follows sessions completed with a payment still processing until it succeeds or fails.",
  payload: z.object({}).passthrough(),
  schedule: "* * * * *",
  intervalSeconds: 60,
  // In this order: a session released from its stalled claim or abandoned payment is expired in the same run.
  handler: async (services) => ({
    stalled: await recoverStalledClaims(services),
    abandoned: await releaseAbandonedSessions(services),
    expired: await expireDueSessions(services),
    async_payments: await settleAsyncPayments(services),
  }),
});
