import { createRouter } from "../../core/http";
import { claimsIdempotencyInline } from "../../core/idempotency";
import * as handlers from "./handlers";
import * as routes from "./routes";

export const pricesRouter = createRouter()
  .openapi(routes.createPriceRoute, handlers.createPriceHandler)
  .openapi(routes.listPricesRoute, handlers.listPricesHandler)
  .openapi(routes.retrievePriceRoute, handlers.retrievePriceHandler)
  .openapi(routes.updatePriceRoute, handlers.updatePriceHandler);

// createPrice claims the Idempotency-Key in its own batch: one round trip for its writes.
claimsIdempotencyInline("POST", "/api/v1/prices");
