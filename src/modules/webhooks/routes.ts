import { createRoute, z } from "@hono/zod-openapi";
import { authSecurity, commonErrors, jsonBody, jsonContent, writeErrors } from "../../core/http";
import { listQuerySchema, listSchema } from "../../core/pagination";
import {
  createWebhookEndpointBody,
  deletedWebhookEndpointSchema,
  eventIdParams,
  listDeliveriesQuery,
  listEndpointDeliveriesQuery,
  updateWebhookEndpointBody,
  webhookDeliveryIdParams,
  webhookDeliverySchema,
  webhookEndpointIdParams,
  webhookEndpointSchema,
  webhookEndpointWithSecretSchema,
} from "./schemas";

const tags = ["Webhooks"];
const deliveryList = listSchema(webhookDeliverySchema, "WebhookDeliveryList");

export const createWebhookEndpointRoute = createRoute({
  method: "post",
  path: "/webhooks/endpoints",
  operationId: "webhookEndpoints.create",
  tags,
  summary: "Create a webhook endpoint",
  description:
    "Registers a URL for the events it subscribes to. The response carries the signing secret, shown only this once.",
  security: authSecurity,
  request: { body: jsonBody(createWebhookEndpointBody) },
  responses: {
    200: jsonContent(webhookEndpointWithSecretSchema, "The endpoint with its signing secret."),
    ...writeErrors,
  },
});

export const listWebhookEndpointsRoute = createRoute({
  method: "get",
  path: "/webhooks/endpoints",
  operationId: "webhookEndpoints.list",
  tags,
  summary: "List webhook endpoints",
  security: authSecurity,
  request: { query: listQuerySchema },
  responses: {
    200: jsonContent(listSchema(webhookEndpointSchema, "WebhookEndpointList"), "Newest first."),
    ...commonErrors,
  },
});

export const retrieveWebhookEndpointRoute = createRoute({
  method: "get",
  path: "/webhooks/endpoints/{id}",
  operationId: "webhookEndpoints.retrieve",
  tags,
  summary: "Retrieve a webhook endpoint",
  security: authSecurity,
  request: { params: webhookEndpointIdParams },
  responses: { 200: jsonContent(webhookEndpointSchema, "The endpoint (never its secret)."), ...commonErrors },
});

export const updateWebhookEndpointRoute = createRoute({
  method: "patch",
  path: "/webhooks/endpoints/{id}",
  operationId: "webhookEndpoints.update",
  tags,
  summary: "Update a webhook endpoint",
  description: "Change the URL, the events, the description or metadata; enable or disable it.",
  security: authSecurity,
  request: { params: webhookEndpointIdParams, body: jsonBody(updateWebhookEndpointBody) },
  responses: { 200: jsonContent(webhookEndpointSchema, "The updated endpoint."), ...writeErrors },
});

export const deleteWebhookEndpointRoute = createRoute({
  method: "delete",
  path: "/webhooks/endpoints/{id}",
  operationId: "webhookEndpoints.delete",
  tags,
  summary: "Delete a webhook endpoint",
  description: "Stops every pending delivery to it. Its past deliveries stay readable.",
  security: authSecurity,
  request: { params: webhookEndpointIdParams },
  responses: { 200: jsonContent(deletedWebhookEndpointSchema, "The deleted endpoint."), ...writeErrors },
});

export const rotateWebhookSecretRoute = createRoute({
  method: "post",
  path: "/webhooks/endpoints/{id}/rotate-secret",
  operationId: "webhookEndpoints.rotateSecret",
  tags,
  summary: "Rotate an endpoint's signing secret",
  description:
    "Returns the new secret. For 24 hours the old secret signs too: webhook-signature then carries both signatures.",
  security: authSecurity,
  request: { params: webhookEndpointIdParams },
  responses: {
    200: jsonContent(webhookEndpointWithSecretSchema, "The endpoint with its new secret."),
    ...writeErrors,
  },
});

export const sendTestWebhookRoute = createRoute({
  method: "post",
  path: "/webhooks/endpoints/{id}/test",
  operationId: "webhookEndpoints.test",
  tags,
  summary: "Send a test webhook",
  description: "Records a webhook.test event and delivers it now to this endpoint only.",
  security: authSecurity,
  request: { params: webhookEndpointIdParams },
  responses: { 200: jsonContent(webhookDeliverySchema, "The delivery of the test event."), ...writeErrors },
});

export const listEndpointDeliveriesRoute = createRoute({
  method: "get",
  path: "/webhooks/endpoints/{id}/deliveries",
  operationId: "webhookEndpoints.listDeliveries",
  tags,
  summary: "List an endpoint's deliveries",
  security: authSecurity,
  request: { params: webhookEndpointIdParams, query: listEndpointDeliveriesQuery },
  responses: { 200: jsonContent(deliveryList, "Newest first, without attempts."), ...commonErrors },
});

export const listDeliveriesRoute = createRoute({
  method: "get",
  path: "/webhooks/deliveries",
  operationId: "webhookDeliveries.list",
  tags,
  summary: "List deliveries",
  security: authSecurity,
  request: { query: listDeliveriesQuery },
  responses: { 200: jsonContent(deliveryList, "Newest first, without attempts."), ...commonErrors },
});

export const retrieveDeliveryRoute = createRoute({
  method: "get",
  path: "/webhooks/deliveries/{id}",
  operationId: "webhookDeliveries.retrieve",
  tags,
  summary: "Retrieve a delivery",
  description: "With every attempt: time, status code, latency, the first 1 KB of the response, error.",
  security: authSecurity,
  request: { params: webhookDeliveryIdParams },
  responses: { 200: jsonContent(webhookDeliverySchema, "The delivery and its attempts."), ...commonErrors },
});

export const retryDeliveryRoute = createRoute({
  method: "post",
  path: "/webhooks/deliveries/{id}/retry",
  operationId: "webhookDeliveries.retry",
  tags,
  summary: "Retry a delivery",
  description: "Makes one more attempt now, whatever the delivery's status. The endpoint must be enabled.",
  security: authSecurity,
  request: { params: webhookDeliveryIdParams },
  responses: {
    200: jsonContent(webhookDeliverySchema, "The delivery, with its new attempt queued."),
    ...writeErrors,
  },
});

export const redeliverEventRoute = createRoute({
  method: "post",
  path: "/events/{id}/redeliver",
  operationId: "events.redeliver",
  tags,
  summary: "Redeliver an event",
  description:
    "Sends the event again to every enabled endpoint it concerns: another attempt of existing deliveries, and a new delivery for subscribed endpoints that have none.",
  security: authSecurity,
  request: { params: eventIdParams },
  responses: {
    200: jsonContent(
      z.object({
        object: z.literal("list"),
        data: z.array(webhookDeliverySchema),
        has_more: z.boolean(),
        url: z.string(),
      }),
      "The deliveries queued.",
    ),
    ...writeErrors,
  },
});
