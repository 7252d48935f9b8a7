import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import { retryPastDueSubscriptions } from "../subscriptions/service";
import type {
  attachPaymentMethodRoute,
  createPaymentMethodRoute,
  detachPaymentMethodRoute,
  listCustomerPaymentMethodsRoute,
  listMethodTypesRoute,
  listPaymentMethodsRoute,
  retrievePaymentMethodRoute,
} from "./routes";
import {
  attachPaymentMethod,
  createPaymentMethod,
  detachPaymentMethod,
  listCustomerPaymentMethods,
  listMethodTypes,
  listPaymentMethods,
  retrievePaymentMethod,
} from "./service";

export const listMethodTypesHandler: RouteHandler<typeof listMethodTypesRoute, AppEnv> = async (c) =>
  c.json(listResponse(c.req.path, { data: listMethodTypes(), hasMore: false }), 200);

export const createPaymentMethodHandler: RouteHandler<typeof createPaymentMethodRoute, AppEnv> = async (c) =>
  c.json(await createPaymentMethod({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const listPaymentMethodsHandler: RouteHandler<typeof listPaymentMethodsRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(
      c.req.path,
      await listPaymentMethods({ ctx: serviceContext(c), query: c.req.valid("query") }),
    ),
    200,
  );

export const retrievePaymentMethodHandler: RouteHandler<typeof retrievePaymentMethodRoute, AppEnv> = async (
  c,
) => c.json(await retrievePaymentMethod({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const attachPaymentMethodHandler: RouteHandler<typeof attachPaymentMethodRoute, AppEnv> = async (
  c,
) => {
  const body = c.req.valid("json");
  const ctx = serviceContext(c);
  const method = await attachPaymentMethod({
    ctx,
    id: c.req.valid("param").id,
    customerId: body.customer,
    setDefault: body.set_default ?? false,
  });
  // A new default retries the customer's past_due subscriptions at once.
  if (body.set_default) await retryPastDueSubscriptions({ ctx, customerId: body.customer });
  return c.json(method, 200);
};

export const detachPaymentMethodHandler: RouteHandler<typeof detachPaymentMethodRoute, AppEnv> = async (c) =>
  c.json(await detachPaymentMethod({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const listCustomerPaymentMethodsHandler: RouteHandler<
  typeof listCustomerPaymentMethodsRoute,
  AppEnv
> = async (c) =>
  c.json(
    listResponse(
      c.req.path,
      await listCustomerPaymentMethods({
        ctx: serviceContext(c),
        customerId: c.req.valid("param").id,
        query: c.req.valid("query"),
      }),
    ),
    200,
  );
