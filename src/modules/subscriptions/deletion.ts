import { and, eq, inArray } from "drizzle-orm";
import type { ServiceContext } from "../../core/context";
import { tenantScope } from "../../core/tenancy";
import { customersOnClock, deleteCustomer } from "../customers/service";
import { cancelSubscription } from "./cancel";
import { liveStatuses } from "./rows";
import { subscriptions } from "./tables";

/**
 * Stripe's rule: deleting a customer cancels its subscriptions at once, with no final invoice, so
 * no renewal is ever charged to a customer that no longer exists. Answers how many were canceled.
 */
export async function cancelCustomerSubscriptions({
  ctx,
  customerId,
}: {
  ctx: ServiceContext;
  customerId: string;
}): Promise<number> {
  const live = await ctx.services.db
    .select({ id: subscriptions.id })
    .from(subscriptions)
    .where(
      and(
        ...tenantScope(subscriptions, ctx),
        eq(subscriptions.customerId, customerId),
        inArray(subscriptions.status, liveStatuses),
      ),
    );
  for (const { id } of live) await cancelSubscription({ ctx, id, input: {} });
  return live.length;
}

/** A customer's deletion: its subscriptions canceled first, then the customer (customer.deleted). */
export async function deleteCustomerAndSubscriptions({ ctx, id }: { ctx: ServiceContext; id: string }) {
  await cancelCustomerSubscriptions({ ctx, customerId: id });
  return deleteCustomer({ ctx, id });
}

/**
 * What a test clock's deletion takes with it (Stripe deletes a clock's objects): its customers are
 * deleted and their subscriptions canceled, each with its event. What they left in the books (invoices,
 * payments, ledger postings) stays: the ledger is append-only. Run before the clock itself is deleted,
 * while the subscriptions can still read its time.
 */
export async function deleteClockObjects(ctx: ServiceContext, clockId: string): Promise<number> {
  const customerIds = await customersOnClock(ctx, clockId);
  for (const id of customerIds) await deleteCustomerAndSubscriptions({ ctx, id });
  return customerIds.length;
}
