import { createRouter } from "../../core/http";
import * as handlers from "./handlers";
import * as routes from "./routes";

export { providerWebhooksRouter } from "./webhooks";

export const providersRouter = createRouter()
  .openapi(routes.listConnectionsRoute, handlers.listConnectionsHandler)
  .openapi(routes.createConnectionRoute, handlers.createConnectionHandler)
  .openapi(routes.retrieveConnectionRoute, handlers.retrieveConnectionHandler)
  .openapi(routes.updateConnectionRoute, handlers.updateConnectionHandler)
  .openapi(routes.deleteConnectionRoute, handlers.deleteConnectionHandler)
  .openapi(routes.createRoutingRuleRoute, handlers.createRoutingRuleHandler)
  .openapi(routes.listRoutingRulesRoute, handlers.listRoutingRulesHandler)
  .openapi(routes.retrieveRoutingRuleRoute, handlers.retrieveRoutingRuleHandler)
  .openapi(routes.updateRoutingRuleRoute, handlers.updateRoutingRuleHandler)
  .openapi(routes.deleteRoutingRuleRoute, handlers.deleteRoutingRuleHandler);
