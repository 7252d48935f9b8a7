import { createRouter } from "../../core/http";
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
