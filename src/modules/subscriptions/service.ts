import { eq } from "drizzle-orm";
import type { ServiceContext, Services } from "../../core/context";
import { type ListPage, paginateTable } from "../../core/pagination";
import { tenantScope } from "../../core/tenancy";
import { runSubscriptionCycle } from "./cycle";
import { readSubscription, toSubscription } from "./rows";
import type { ListSubscriptionsQuery, Subscription } from "./schemas";
import { subscriptions } from "./tables";

export { cancelSubscription } from "./cancel";
/**
 * The subscriptions module's door. Verbs live in files named by what happens: create.ts,
 * change.ts (plan and preview of an update), update.ts (update), cancel.ts, pause.ts (pause, resume), settings.ts (the dunning schedule), cycle.ts (the
 * subscription-cycle: renewals, trials, dunning), usage.ts (metered items' usage); periods.ts and invoicing.ts are the arithmetic.
 */
export { createSubscription } from "./create";
export {
  activateOnPaidInvoices,
  type CycleScope,
  furthestClockAdvance,
  retryPastDueSubscriptions,
  runSubscriptionCycle,
} from "./cycle";
export { cancelCustomerSubscriptions, deleteClockObjects, deleteCustomerAndSubscriptions } from "./deletion";
export { type ItemTerms, requireSameTerms, usablePrice } from "./items";
export { pauseSubscription, resumeSubscription } from "./pause";
export { periodBoundary, prorate, secondsBetween } from "./periods";
export { retrieveSubscriptionSettings, updateSubscriptionSettings } from "./settings";
export { previewSubscription, updateSubscription } from "./update";
export { retrieveSubscriptionUsage } from "./usage";

export async function retrieveSubscription({
  ctx,
  id,
}: {
  ctx: ServiceContext;
  id: string;
}): Promise<Subscription> {
  return toSubscription(await readSubscription(ctx, id));
}

export async function listSubscriptions({
  ctx,
  query,
}: {
  ctx: ServiceContext;
  query: ListSubscriptionsQuery;
}): Promise<ListPage<Subscription>> {
  const filters = tenantScope(subscriptions, ctx);
  if (query.customer) filters.push(eq(subscriptions.customerId, query.customer));
  if (query.status) filters.push(eq(subscriptions.status, query.status));
  if (query.test_clock) filters.push(eq(subscriptions.testClockId, query.test_clock));
  const page = await paginateTable({
    db: ctx.services.db,
    table: subscriptions,
    scope: filters,
    tenantScope: tenantScope(subscriptions, ctx),
    query,
  });
  return { data: page.data.map(toSubscription), hasMore: page.hasMore };
}

/** The subscription-cycle on real time: the subscriptions with no test clock (of one merchant, if named). */
export function renewDueSubscriptions(services: Services, merchantId?: string) {
  return runSubscriptionCycle(services, { testClock: null, merchantId }, services.clock.now());
}
