import type { ServiceContext } from "../../core/context";
import type { Executor } from "../../core/db";
import { ApiError, notFound } from "../../core/errors";
import { tenantRow } from "../../core/tenancy";
import type { Customer, UpdateCustomerInput } from "../customers/schemas";
import { updateCustomer } from "../customers/service";
import { paymentMethods } from "./tables";

/**
 * PATCH /customers/{id} with a `default_payment_method`: this area owns which methods are attached
 * to whom, so it checks the method and updates the customer in one transaction.
 */
export async function updateCustomerWithDefault({
  ctx,
  id,
  input,
}: {
  ctx: ServiceContext;
  id: string;
  input: UpdateCustomerInput;
}): Promise<Customer> {
  return ctx.services.transaction(async (tx) => {
    if (input.default_payment_method) await assertAttachedTo(ctx, input.default_payment_method, id, tx);
    return updateCustomer({ ctx, id, input }, tx);
  });
}

/** A default payment method must be attached to that customer, and not detached. */
async function assertAttachedTo(
  ctx: ServiceContext,
  id: string,
  customerId: string,
  db: Executor,
): Promise<void> {
  const [row] = await db
    .select({ customerId: paymentMethods.customerId, detachedAt: paymentMethods.detachedAt })
    .from(paymentMethods)
    .where(tenantRow(paymentMethods, ctx, id))
    .limit(1);
  if (!row) throw notFound("payment method", id, "default_payment_method");
  if (row.customerId !== customerId || row.detachedAt) {
    throw new ApiError("payment_method_unusable", {
      param: "default_payment_method",
      message: "The default payment method must be attached to this customer.",
    });
  }
}
