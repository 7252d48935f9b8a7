import { z } from "zod";
import { defineFunction } from "../src/core/background-functions";
import { settleDuePayments } from "../src/modules/payments/service";
import { retryWaitingRefunds } from "../src/modules/refunds/service";

export const paymentSettle = defineFunction({
  name: "payment-settle",
  description:
    "Moves captured payments whose provider settlement delay has passed (services clock) from pending to available.",
  payload: z.object({}).passthrough(),
  schedule: "*/5 * * * *",
  intervalSeconds: 300,
  handler: async (services) => {
    const settled = await settleDuePayments(services);
    // Refunds waiting for funds are retried as soon as settlements bring money in.
    const refunds = settled.length > 0 ? await retryWaitingRefunds(services, { merchants: settled }) : 0;
    return { settled: settled.length, refunds_funded: refunds };
  },
});
