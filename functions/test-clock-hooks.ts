import type { ServiceContext } from "../src/core/context";
import { releaseClockBankTransfers, runClockBankTransfers } from "../src/modules/bank-transfers/service";
import { runInvoiceReminders } from "../src/modules/invoices/service";
import { releaseClockPayouts, runClockPayouts } from "../src/modules/payouts/service";
import { runClockSettlements } from "../src/modules/settlements/service";
import {
  deleteClockObjects,
  furthestClockAdvance,
  runSubscriptionCycle,
} from "../src/modules/subscriptions/service";
import {
  claimTestClockForDeletion,
  deleteTestClock,
  type TestClockHook,
} from "../src/modules/test-clocks/service";
import { releaseClockWebhookRetries, runClockWebhookRetries } from "../src/modules/webhooks/service";

/**
 * What runs, in this order, for the objects of a test clock as it advances: each hook does its
 * area's background work due at the given time and says when it next has some. The rails come
 * after settlement, as payout-batch runs after settlement-run: funds a settlement makes available
 * at an instant are there before a payout or a push of the same instant leaves.
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
    name: "payouts",
    run: async (services, clock, at) => (await runClockPayouts(services, clock, at)).nextDueAt,
  },
  {
    name: "bank-transfers",
    run: async (services, clock, at) => (await runClockBankTransfers(services, clock, at)).nextDueAt,
  },
  {
    name: "webhook-retries",
    realTime: true,
    run: async (services, clock, at) => (await runClockWebhookRetries(services, clock, at)).nextDueAt,
  },
];

/**
 * A clock's deletion (DELETE /test-clocks/{id} and the 7-day prune), holding the clock against an
 * advance (409 test_clock_advancing either way round): its customers deleted after
 * their subscriptions are canceled, while those can still read the clock's time; its payouts and
 * bank transfers still on their way go back to real time (payout-batch finishes them on their
 * dates); then the clock; then its deliveries' scheduled retries go back to real time. Answers the
 * clock's deletion and how many customers went with it.
 */
export async function deleteClockWithObjects(ctx: ServiceContext, id: string) {
  await claimTestClockForDeletion({ ctx, id });
  const customers = await deleteClockObjects(ctx, id);
  await releaseClockPayouts(ctx, id);
  await releaseClockBankTransfers(ctx, id);
  const deleted = await deleteTestClock({ ctx, id });
  await releaseClockWebhookRetries(ctx, id);
  return { deleted, customers };
}
