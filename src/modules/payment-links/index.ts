import { createRouter } from "../../core/http";
import { claimsIdempotencyInline } from "../../core/idempotency";
import * as handlers from "./handlers";
import * as routes from "./routes";

export const paymentLinksRouter = createRouter()
  .openapi(routes.createPaymentLinkRoute, handlers.createPaymentLinkHandler)
  .openapi(routes.listPaymentLinksRoute, handlers.listPaymentLinksHandler)
  .openapi(routes.retrievePaymentLinkRoute, handlers.retrievePaymentLinkHandler)
  .openapi(routes.updatePaymentLinkRoute, handlers.updatePaymentLinkHandler);

// Create writes in one batch that carries the Idempotency-Key's claim.
claimsIdempotencyInline("POST", "/api/v1/payment_links");
