import { runInvoiceReminders } from "../src/modules/invoices/service";
import { runClockSettlements } from "../src/modules/settlements/service";
import { furthestClockAdvance, runSubscriptionCycle } from "../src/modules/subscriptions/service";
import type { TestClockHook } from "../src/modules/test-clocks/service";
import { runClockWebhookRetries } from "../src/modules/webhooks/service";

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
