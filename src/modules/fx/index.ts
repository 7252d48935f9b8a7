import { createRouter } from "../../core/http";
import * as handlers from "./handlers";
import * as routes from "./routes";

export const fxRouter = createRouter()
  .openapi(routes.ratesRoute, handlers.ratesHandler)
  .openapi(routes.pairRoute, handlers.pairHandler)
  .openapi(routes.currenciesRoute, handlers.currenciesHandler)
  .openapi(routes.getSettingsRoute, handlers.getSettingsHandler)
  .openapi(routes.updateSettingsRoute, handlers.updateSettingsHandler)
  .openapi(routes.createQuoteRoute, handlers.createQuoteHandler)
  .openapi(routes.retrieveQuoteRoute, handlers.retrieveQuoteHandler)
  .openapi(routes.createConversionRoute, handlers.createConversionHandler)
  .openapi(routes.listConversionsRoute, handlers.listConversionsHandler)
  .openapi(routes.retrieveConversionRoute, handlers.retrieveConversionHandler);
