import type { RouteHandler } from "@hono/zod-openapi";
import type { AppEnv } from "../../core/context";
import { listResponse, serviceContext } from "../../core/http";
import {
  listWebhookDeliveries,
  redeliverEvent,
  retrieveWebhookDelivery,
  retryWebhookDelivery,
  sendTestWebhook,
} from "./deliveries";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  listWebhookEndpoints,
  retrieveWebhookEndpoint,
  rotateWebhookSecret,
  updateWebhookEndpoint,
} from "./endpoints";
import type {
  createWebhookEndpointRoute,
  deleteWebhookEndpointRoute,
  listDeliveriesRoute,
  listEndpointDeliveriesRoute,
  listWebhookEndpointsRoute,
  redeliverEventRoute,
  retrieveDeliveryRoute,
  retrieveWebhookEndpointRoute,
  retryDeliveryRoute,
  rotateWebhookSecretRoute,
  sendTestWebhookRoute,
  updateWebhookEndpointRoute,
} from "./routes";

export const createWebhookEndpointHandler: RouteHandler<typeof createWebhookEndpointRoute, AppEnv> = async (
  c,
) => c.json(await createWebhookEndpoint({ ctx: serviceContext(c), input: c.req.valid("json") }), 200);

export const listWebhookEndpointsHandler: RouteHandler<typeof listWebhookEndpointsRoute, AppEnv> = async (
  c,
) =>
  c.json(
    listResponse(
      c.req.path,
      await listWebhookEndpoints({ ctx: serviceContext(c), query: c.req.valid("query") }),
    ),
    200,
  );

export const retrieveWebhookEndpointHandler: RouteHandler<
  typeof retrieveWebhookEndpointRoute,
  AppEnv
> = async (c) =>
  c.json(await retrieveWebhookEndpoint({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const updateWebhookEndpointHandler: RouteHandler<typeof updateWebhookEndpointRoute, AppEnv> = async (
  c,
) =>
  c.json(
    await updateWebhookEndpoint({
      ctx: serviceContext(c),
      id: c.req.valid("param").id,
      input: c.req.valid("json"),
    }),
    200,
  );

export const deleteWebhookEndpointHandler: RouteHandler<typeof deleteWebhookEndpointRoute, AppEnv> = async (
  c,
) => c.json(await deleteWebhookEndpoint({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const rotateWebhookSecretHandler: RouteHandler<typeof rotateWebhookSecretRoute, AppEnv> = async (c) =>
  c.json(await rotateWebhookSecret({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const sendTestWebhookHandler: RouteHandler<typeof sendTestWebhookRoute, AppEnv> = async (c) =>
  c.json(await sendTestWebhook({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const listEndpointDeliveriesHandler: RouteHandler<typeof listEndpointDeliveriesRoute, AppEnv> = async (
  c,
) =>
  c.json(
    listResponse(
      c.req.path,
      await listWebhookDeliveries({
        ctx: serviceContext(c),
        query: c.req.valid("query"),
        endpointId: c.req.valid("param").id,
      }),
    ),
    200,
  );

export const listDeliveriesHandler: RouteHandler<typeof listDeliveriesRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(
      c.req.path,
      await listWebhookDeliveries({ ctx: serviceContext(c), query: c.req.valid("query") }),
    ),
    200,
  );

export const retrieveDeliveryHandler: RouteHandler<typeof retrieveDeliveryRoute, AppEnv> = async (c) =>
  c.json(await retrieveWebhookDelivery({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const retryDeliveryHandler: RouteHandler<typeof retryDeliveryRoute, AppEnv> = async (c) =>
  c.json(await retryWebhookDelivery({ ctx: serviceContext(c), id: c.req.valid("param").id }), 200);

export const redeliverEventHandler: RouteHandler<typeof redeliverEventRoute, AppEnv> = async (c) =>
  c.json(
    listResponse(c.req.path, {
      data: await redeliverEvent({ ctx: serviceContext(c), eventId: c.req.valid("param").id }),
      hasMore: false,
    }),
    200,
  );
