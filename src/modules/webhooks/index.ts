import { createRouter } from "../../core/http";
import * as handlers from "./handlers";
import * as routes from "./routes";

export const webhooksRouter = createRouter()
  .openapi(routes.createWebhookEndpointRoute, handlers.createWebhookEndpointHandler)
  .openapi(routes.listWebhookEndpointsRoute, handlers.listWebhookEndpointsHandler)
  .openapi(routes.retrieveWebhookEndpointRoute, handlers.retrieveWebhookEndpointHandler)
  .openapi(routes.updateWebhookEndpointRoute, handlers.updateWebhookEndpointHandler)
  .openapi(routes.deleteWebhookEndpointRoute, handlers.deleteWebhookEndpointHandler)
  .openapi(routes.rotateWebhookSecretRoute, handlers.rotateWebhookSecretHandler)
  .openapi(routes.sendTestWebhookRoute, handlers.sendTestWebhookHandler)
  .openapi(routes.listEndpointDeliveriesRoute, handlers.listEndpointDeliveriesHandler)
  .openapi(routes.listDeliveriesRoute, handlers.listDeliveriesHandler)
  .openapi(routes.retrieveDeliveryRoute, handlers.retrieveDeliveryHandler)
  .openapi(routes.retryDeliveryRoute, handlers.retryDeliveryHandler)
  .openapi(routes.redeliverEventRoute, handlers.redeliverEventHandler);
