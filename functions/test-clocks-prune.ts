import { defineFunction, oneMerchantPayload } from "../src/core/background-functions";
import { systemContext } from "../src/core/http";
import { errorText, log } from "../src/core/log";
import { expiredTestClocks } from "../src/modules/test-clocks/service";
import { deleteClockWithObjects } from "./test-clock-hooks";

/** Clocks pruned per run: each takes its customers and subscriptions with it, one by one. */
const CLOCKS_PER_RUN = 50;

export const testClocksPrune = defineFunction({
  name: "test-clocks-prune",
  description:
    "Deletes test clocks created more than seven days ago, with their objects: customers deleted, subscriptions canceled.",
  payload: oneMerchantPayload,
  schedule: "0 * * * *",
  intervalSeconds: 3600,
  handler: async (services, payload) => {
    let deleted = 0;
    let customers = 0;
    for (const clock of await expiredTestClocks(services, {
      limit: CLOCKS_PER_RUN,
      merchantId: payload.merchant,
    })) {
      const ctx = systemContext(services, clock, "test-clocks-prune");
      try {
        customers += (await deleteClockWithObjects(ctx, clock.id)).customers;
        deleted += 1;
      } catch (error) {
        log("error", "test_clock_prune_failed", { test_clock: clock.id, error: errorText(error) });
      }
    }
    return { deleted, customers_deleted: customers };
  },
});
