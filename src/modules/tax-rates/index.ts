import { createRouter } from "../../core/http";
import { claimsIdempotencyInline } from "../../core/idempotency";
import * as handlers from "./handlers";
import * as routes from "./routes";

export const taxRatesRouter = createRouter()
  .openapi(routes.createTaxRateRoute, handlers.createTaxRateHandler)
  .openapi(routes.listTaxRatesRoute, handlers.listTaxRatesHandler)
  .openapi(routes.retrieveTaxRateRoute, handlers.retrieveTaxRateHandler)
  .openapi(routes.updateTaxRateRoute, handlers.updateTaxRateHandler);

// createTaxRate claims the Idempotency-Key in its own batch: one round trip for the whole request.
claimsIdempotencyInline("POST", "/api/v1/tax-rates");
