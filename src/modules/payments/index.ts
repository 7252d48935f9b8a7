import { createRouter } from "../../core/http";
import { claimsIdempotencyInline } from "../../core/idempotency";
import * as handlers from "./handlers";
import * as routes from "./routes";

export { sandboxPagesRouter } from "./sandbox-pages";

export const paymentsRouter = createRouter()
  .openapi(routes.createPaymentRoute, handlers.createPaymentHandler)
  .openapi(routes.listPaymentsRoute, handlers.listPaymentsHandler)
  .openapi(routes.retrievePaymentRoute, handlers.retrievePaymentHandler)
  .openapi(routes.confirmPaymentRoute, handlers.confirmPaymentHandler)
  .openapi(routes.capturePaymentRoute, handlers.capturePaymentHandler)
  .openapi(routes.cancelPaymentRoute, handlers.cancelPaymentHandler)
  .openapi(routes.simulatePaymentRoute, handlers.simulatePaymentHandler)
  .openapi(routes.settlePaymentRoute, handlers.settlePaymentHandler);

// createPayment claims the Idempotency-Key in its first write batch and stores the response in its
// last one: three database round trips for the whole request (docs/data-path.md).
claimsIdempotencyInline("POST", "/api/v1/payments");
claimsIdempotencyInline("POST", "/api/v1/payments/:id/capture");
