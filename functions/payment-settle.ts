import { z } from "zod";
import { defineFunction } from "../src/core/functions";
import { settleDuePayments } from "../src/modules/payments/service";

export const paymentSettle = defineFunction({
  name: "payment-settle",
  description:
    "Moves captured payments whose provider settlement delay has passed (services clock) from pending to available.",
  payload: z.object({}).passthrough(),
  schedule: "*/5 * * * *",
  intervalSeconds: 300,
  handler: async (services) => ({ settled: await settleDuePayments(services) }),
});
