import { createRouter } from "../../core/http";
import * as handlers from "./handlers";
import * as routes from "./routes";

/**
 * No route claims its Idempotency-Key inline: create, update and cancel run several batches (the
 * subscription, then the invoices module's own), so the middleware claims the key first and stores
 * the answer last, and a retry replays it.
 */
export const subscriptionsRouter = createRouter()
  .openapi(routes.createSubscriptionRoute, handlers.createSubscriptionHandler)
  .openapi(routes.listSubscriptionsRoute, handlers.listSubscriptionsHandler)
  .openapi(routes.retrieveSubscriptionRoute, handlers.retrieveSubscriptionHandler)
  .openapi(routes.retrieveSubscriptionUsageRoute, handlers.retrieveSubscriptionUsageHandler)
  .openapi(routes.updateSubscriptionRoute, handlers.updateSubscriptionHandler)
  .openapi(routes.previewSubscriptionRoute, handlers.previewSubscriptionHandler)
  .openapi(routes.cancelSubscriptionRoute, handlers.cancelSubscriptionHandler)
  .openapi(routes.pauseSubscriptionRoute, handlers.pauseSubscriptionHandler)
  .openapi(routes.resumeSubscriptionRoute, handlers.resumeSubscriptionHandler)
  .openapi(routes.retrieveSubscriptionSettingsRoute, handlers.retrieveSubscriptionSettingsHandler)
  .openapi(routes.updateSubscriptionSettingsRoute, handlers.updateSubscriptionSettingsHandler);
