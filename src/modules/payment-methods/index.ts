import { createRouter } from "../../core/http";
import * as handlers from "./handlers";
import * as routes from "./routes";

export const paymentMethodsRouter = createRouter()
  .openapi(routes.listMethodTypesRoute, handlers.listMethodTypesHandler)
  .openapi(routes.createPaymentMethodRoute, handlers.createPaymentMethodHandler)
  .openapi(routes.listPaymentMethodsRoute, handlers.listPaymentMethodsHandler)
  .openapi(routes.retrievePaymentMethodRoute, handlers.retrievePaymentMethodHandler)
  .openapi(routes.attachPaymentMethodRoute, handlers.attachPaymentMethodHandler)
  .openapi(routes.detachPaymentMethodRoute, handlers.detachPaymentMethodHandler)
  .openapi(routes.listCustomerPaymentMethodsRoute, handlers.listCustomerPaymentMethodsHandler);
