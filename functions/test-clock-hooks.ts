import type { ServiceContext } from "../src/core/context";
import { runInvoiceReminders } from "../src/modules/invoices/service";
import { runClockSettlements } from "../src/modules/settlements/service";
import {
  deleteClockObjects,
  furthestClockAdvance,
  runSubscriptionCycle,
} from "../src/modules/subscriptions/service";
import { deleteTestClock, type TestClockHook } from "../src/modules/test-clocks/service";
import { releaseClockWebhookRetries, runClockWebhookRetries } from "../src/modules/webhooks/service";

/**
 * What runs, in this order, for the objects of a test clock as it advances: each hook does its
 * area's background work due at the given time and says when it next has some. Later areas
 * (payouts and rails) add theirs here.
 */
export const testClockHooks: readonly TestClockHook[] = [
  {
    name: "subscription-cycle",
    run: async (services, clock, at) =>
      (await runSubscriptionCycle(services, { testClock: clock }, at)).nextDueAt,
    furthestAdvance: furthestClockAdvance,
  },
  {
    name: "invoice-reminders",
    run: async (services, clock, at) =>
      (await runInvoiceReminders(services, { testClock: clock }, at)).nextDueAt,
  },
  {
    name: "settlement",
    run: async (services, clock, at) => (await runClockSettlements(services, clock, at)).nextDueAt,
  },
  {
    name: "webhook-retries",
    realTime: true,
    run: async (services, clock, at) => (await runClockWebhookRetries(services, clock, at)).nextDueAt,
  },
];

/**
 * A clock's deletion (DELETE /test-clocks/{id} and the 7-day prune): its customers deleted after
 * their subscriptions are canceled, while those can still read the clock's time; then the clock;
 * then its deliveries' scheduled retries go back to real time. Answers the clock's deletion and
 * how many customers went with it.
 */
export async function deleteClockWithObjects(ctx: ServiceContext, id: string) {
  const customers = await deleteClockObjects(ctx, id);
  const deleted = await deleteTestClock({ ctx, id });
  await releaseClockWebhookRetries(ctx, id);
  return { deleted, customers };
}
