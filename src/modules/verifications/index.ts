import { createRouter } from "../../core/http";
import { claimsIdempotencyInline } from "../../core/idempotency";
import * as handlers from "./handlers";
import * as routes from "./routes";

export { verificationWebhooksRouter } from "./webhooks";

export const verificationsRouter = createRouter()
  .openapi(routes.createIndividualRoute, handlers.createIndividualHandler)
  .openapi(routes.listIndividualsRoute, handlers.listIndividualsHandler)
  .openapi(routes.retrieveIndividualRoute, handlers.retrieveIndividualHandler)
  .openapi(routes.submitIndividualRoute, handlers.submitIndividualHandler)
  .openapi(routes.createAccountBusinessRoute, handlers.createAccountBusinessHandler)
  .openapi(routes.retrieveAccountBusinessRoute, handlers.retrieveAccountBusinessHandler)
  .openapi(routes.requirementsRoute, handlers.requirementsHandler)
  .openapi(routes.retrieveBusinessRoute, handlers.retrieveBusinessHandler)
  .openapi(routes.addPersonRoute, handlers.addPersonHandler)
  .openapi(routes.removePersonRoute, handlers.removePersonHandler)
  .openapi(routes.submitBusinessRoute, handlers.submitBusinessHandler)
  .openapi(routes.createDocumentRoute, handlers.createDocumentHandler)
  .openapi(routes.retrieveDocumentRoute, handlers.retrieveDocumentHandler)
  .openapi(routes.documentDownloadUrlRoute, handlers.documentDownloadUrlHandler)
  .openapi(routes.resubmitIndividualRoute, handlers.resubmitIndividualHandler)
  .openapi(routes.resubmitBusinessRoute, handlers.resubmitBusinessHandler);

/** The platform operators' routes (mounted under /api/v1/operator behind the operator token, in src/app.ts). */
export const verificationOperatorRouter = createRouter()
  .openapi(routes.reviewIndividualRoute, handlers.reviewIndividualHandler)
  .openapi(routes.reviewBusinessRoute, handlers.reviewBusinessHandler)
  .openapi(routes.reviewQueueRoute, handlers.reviewQueueHandler);

// These verbs claim the Idempotency-Key in their own write batch. The others (a Veriff call, or an
// interactive transaction under the business row's lock) leave the claim to the middleware.
claimsIdempotencyInline("POST", "/api/v1/individual_verifications");
claimsIdempotencyInline("POST", "/api/v1/account/business_verification");
