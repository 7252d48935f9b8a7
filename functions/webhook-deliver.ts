import { z } from "zod";
import { defineFunction } from "../src/core/background-functions";
import { DELIVER_FUNCTION, deliverAttempt } from "../src/modules/webhooks/service";

/**
 * One attempt of one delivery. A failed attempt (the merchant's endpoint said no) still answers
 * QStash 200: the next attempt is its own delayed message on our schedule, not a QStash retry.
 */
export const webhookDeliver = defineFunction({
  name: DELIVER_FUNCTION,
  description: "Makes one signed attempt of one webhook delivery and schedules the next on failure.",
  // `merchant_id` only labels the message (QStash's console and DLQ, the local QStash's scoped
  // fast-forward); the attempt row is the truth. Optional: messages queued before it carry none.
  payload: z
    .object({ attempt_id: z.string().min(1).max(64), merchant_id: z.string().min(1).max(64).optional() })
    .strict(),
  handler: (services, payload) => deliverAttempt(services, payload.attempt_id),
});
