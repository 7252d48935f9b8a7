import type { RouteConfig, RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import type * as routes from "./routes";
import {
  cancelSubscription,
  createSubscription,
  listSubscriptions,
  pauseSubscription,
  previewSubscription,
  resumeSubscription,
  retrieveSubscription,
  retrieveSubscriptionSettings,
  retrieveSubscriptionUsage,
  updateSubscription,
  updateSubscriptionSettings,
} from "./service";

type Handler<R extends RouteConfig> = RouteHandler<R, AppEnv>;

export const createSubscriptionHandler: Handler<typeof routes.createSubscriptionRoute> = async (c) =>
  c.json(await createSubscription({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const retrieveSubscriptionHandler: Handler<typeof routes.retrieveSubscriptionRoute> = async (c) =>
  c.json(await retrieveSubscription({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const retrieveSubscriptionUsageHandler: Handler<typeof routes.retrieveSubscriptionUsageRoute> = async (
  c,
) => c.json(await retrieveSubscriptionUsage({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const listSubscriptionsHandler: Handler<typeof routes.listSubscriptionsRoute> = async (c) =>
  c.json(
    listResponse(
      c.req.path,
      await listSubscriptions({ ctx: serviceContext(c), query: c.req.valid("query") }),
    ),
    200,
  );

export const updateSubscriptionHandler: Handler<typeof routes.updateSubscriptionRoute> = async (c) =>
  c.json(
    await updateSubscription({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      input: c.req.valid("json"),
    }),
    200,
  );

export const previewSubscriptionHandler: Handler<typeof routes.previewSubscriptionRoute> = async (c) =>
  c.json(
    await previewSubscription({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      input: c.req.valid("json"),
    }),
    200,
  );

export const cancelSubscriptionHandler: Handler<typeof routes.cancelSubscriptionRoute> = async (c) =>
  c.json(
    await cancelSubscription({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      input: c.req.valid("json"),
    }),
    200,
  );

export const pauseSubscriptionHandler: Handler<typeof routes.pauseSubscriptionRoute> = async (c) =>
  c.json(
    await pauseSubscription({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      input: c.req.valid("json"),
    }),
    200,
  );

export const resumeSubscriptionHandler: Handler<typeof routes.resumeSubscriptionRoute> = async (c) =>
  c.json(
    await resumeSubscription({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      input: c.req.valid("json"),
    }),
    200,
  );

export const retrieveSubscriptionSettingsHandler: Handler<
  typeof routes.retrieveSubscriptionSettingsRoute
> = async (c) => c.json(await retrieveSubscriptionSettings({ ctx: serviceContext(c) }), 200);

export const updateSubscriptionSettingsHandler: Handler<
  typeof routes.updateSubscriptionSettingsRoute
> = async (c) =>
  c.json(await updateSubscriptionSettings({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);
