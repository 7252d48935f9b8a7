import { createRouter } from "../../core/http";
import * as handlers from "./handlers";
import * as routes from "./routes";

export const customersRouter = createRouter()
  .openapi(routes.createCustomerRoute, handlers.createCustomerHandler)
  .openapi(routes.listCustomersRoute, handlers.listCustomersHandler)
  .openapi(routes.retrieveCustomerRoute, handlers.retrieveCustomerHandler)
  .openapi(routes.updateCustomerRoute, handlers.updateCustomerHandler)
  .openapi(routes.deleteCustomerRoute, handlers.deleteCustomerHandler);
