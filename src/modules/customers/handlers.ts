import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import { updateCustomerWithDefault } from "../payment-methods/service";
import { deleteCustomerAndSubscriptions, retryPastDueSubscriptions } from "../subscriptions/service";
import type {
  createCustomerRoute,
  deleteCustomerRoute,
  listCustomersRoute,
  retrieveCustomerRoute,
  updateCustomerRoute,
} from "./routes";
import { createCustomer, listCustomers, retrieveCustomer, updateCustomer } from "./service";

export const createCustomerHandler: RouteHandler<typeof createCustomerRoute, AppEnv> = async (c) =>
  c.json(await createCustomer({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const retrieveCustomerHandler: RouteHandler<typeof retrieveCustomerRoute, AppEnv> = async (c) =>
  c.json(await retrieveCustomer({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

/**
 * A new default payment method is checked by its owner, the payment-methods area; then the
 * customer's past_due subscriptions retry their invoice with it at once.
 */
export const updateCustomerHandler: RouteHandler<typeof updateCustomerRoute, AppEnv> = async (c) => {
  const args = { ctx: serviceContext(c), id: c.req.valid("param").id, input: c.req.valid("json") };
  if (!args.input.default_payment_method) return c.json(await updateCustomer(args), 200);
  const customer = await updateCustomerWithDefault(args);
  await retryPastDueSubscriptions({ ctx: args.ctx, customerId: customer.id });
  return c.json(customer, 200);
};

/** Deleting a customer cancels its subscriptions first (the subscriptions area owns them). */
export const deleteCustomerHandler: RouteHandler<typeof deleteCustomerRoute, AppEnv> = async (c) =>
  c.json(await deleteCustomerAndSubscriptions({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const listCustomersHandler: RouteHandler<typeof listCustomersRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(c.req.path, await listCustomers({ ctx: serviceContext(c), query: c.req.valid("query") })),
    200,
  );
