import { createRouter } from "../../core/http";
import { claimsIdempotencyInline } from "../../core/idempotency";
import * as authRoutes from "./authorization-routes";
import * as disputeRoutes from "./dispute-routes";
import * as handlers from "./handlers";
import * as routes from "./routes";

export const issuingRouter = createRouter()
  .openapi(routes.createCardholderRoute, handlers.createCardholderHandler)
  .openapi(routes.listCardholdersRoute, handlers.listCardholdersHandler)
  .openapi(routes.retrieveCardholderRoute, handlers.retrieveCardholderHandler)
  .openapi(routes.updateCardholderRoute, handlers.updateCardholderHandler)
  .openapi(routes.createCardRoute, handlers.createCardHandler)
  .openapi(routes.listCardsRoute, handlers.listCardsHandler)
  .openapi(routes.retrieveCardRoute, handlers.retrieveCardHandler)
  .openapi(routes.updateCardRoute, handlers.updateCardHandler)
  .openapi(routes.replaceCardRoute, handlers.replaceCardHandler)
  .openapi(routes.loadCardRoute, handlers.loadCardHandler)
  .openapi(routes.unloadCardRoute, handlers.unloadCardHandler)
  .openapi(routes.createRevealTokenRoute, handlers.createRevealTokenHandler)
  .openapi(routes.simulateShippingRoute, handlers.simulateShippingHandler)
  .openapi(authRoutes.createAuthorizationRoute, handlers.createAuthorizationHandler)
  .openapi(authRoutes.listAuthorizationsRoute, handlers.listAuthorizationsHandler)
  .openapi(authRoutes.retrieveAuthorizationRoute, handlers.retrieveAuthorizationHandler)
  .openapi(authRoutes.captureAuthorizationRoute, handlers.captureAuthorizationHandler)
  .openapi(authRoutes.incrementAuthorizationRoute, handlers.incrementAuthorizationHandler)
  .openapi(authRoutes.reverseAuthorizationRoute, handlers.reverseAuthorizationHandler)
  .openapi(authRoutes.forceCaptureRoute, handlers.forceCaptureHandler)
  .openapi(authRoutes.listIssuingTransactionsRoute, handlers.listIssuingTransactionsHandler)
  .openapi(authRoutes.retrieveIssuingTransactionRoute, handlers.retrieveIssuingTransactionHandler)
  .openapi(authRoutes.refundIssuingTransactionRoute, handlers.refundIssuingTransactionHandler)
  .openapi(disputeRoutes.createDisputeRoute, handlers.createDisputeHandler)
  .openapi(disputeRoutes.listDisputesRoute, handlers.listDisputesHandler)
  .openapi(disputeRoutes.retrieveDisputeRoute, handlers.retrieveDisputeHandler)
  .openapi(disputeRoutes.updateDisputeRoute, handlers.updateDisputeHandler)
  .openapi(disputeRoutes.submitDisputeRoute, handlers.submitDisputeHandler)
  .openapi(disputeRoutes.resolveDisputeRoute, handlers.resolveDisputeHandler);

/** The cardholder's device: no API credentials, the one-time token is the credential. */
export const issuingDeviceRouter = createRouter()
  .openapi(routes.revealCardRoute, handlers.revealCardHandler)
  .openapi(routes.setPinRoute, handlers.setPinHandler);

// These verbs claim the Idempotency-Key in their own write batch: one round trip for the write.
// Authorizations and increments are decided in SQL, so their responses are stored by the middleware.
for (const path of [
  "/api/v1/issuing/cardholders",
  "/api/v1/issuing/cards",
  "/api/v1/issuing/cards/:id/replace",
  "/api/v1/issuing/cards/:id/load",
  "/api/v1/issuing/cards/:id/unload",
  "/api/v1/issuing/cards/:id/reveal-token",
  "/api/v1/sandbox/issuing/cards/:id/shipping",
  "/api/v1/sandbox/issuing/authorizations/:id/capture",
  "/api/v1/sandbox/issuing/authorizations/:id/reverse",
  "/api/v1/sandbox/issuing/transactions/:id/refund",
  "/api/v1/sandbox/issuing/transactions/force-capture",
  "/api/v1/issuing/disputes",
  "/api/v1/issuing/disputes/:id/submit",
  "/api/v1/sandbox/issuing/disputes/:id/resolve",
]) {
  claimsIdempotencyInline("POST", path);
}
