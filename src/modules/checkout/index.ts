import { createRouter } from "../../core/http";
import { claimsIdempotencyInline } from "../../core/idempotency";
import * as handlers from "./handlers";
import * as routes from "./routes";

export { invoicePagesRouter } from "./invoice-pages";
export { checkoutPagesRouter } from "./pages";
export { checkoutWalletRouter } from "./wallet-pages";

export const checkoutRouter = createRouter()
  .openapi(routes.createCheckoutSessionRoute, handlers.createCheckoutSessionHandler)
  .openapi(routes.listCheckoutSessionsRoute, handlers.listCheckoutSessionsHandler)
  .openapi(routes.retrieveCheckoutSessionRoute, handlers.retrieveCheckoutSessionHandler)
  .openapi(routes.expireCheckoutSessionRoute, handlers.expireCheckoutSessionHandler)
  .openapi(routes.listCheckoutSessionLineItemsRoute, handlers.listCheckoutSessionLineItemsHandler);

// Creating claims the Idempotency-Key in its one write batch. Expiring answers 409 when its
// compare-and-set loses, so the middleware claims its key and stores what it answered.
claimsIdempotencyInline("POST", "/api/v1/checkout/sessions");
