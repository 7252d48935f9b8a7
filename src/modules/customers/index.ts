import { createRouter } from "../../core/http";
import { claimsIdempotencyInline } from "../../core/idempotency";
import * as handlers from "./handlers";
import * as routes from "./routes";

export const customersRouter = createRouter()
  .openapi(routes.createCustomerRoute, handlers.createCustomerHandler)
  .openapi(routes.listCustomersRoute, handlers.listCustomersHandler)
  .openapi(routes.retrieveCustomerRoute, handlers.retrieveCustomerHandler)
  .openapi(routes.updateCustomerRoute, handlers.updateCustomerHandler)
  .openapi(routes.deleteCustomerRoute, handlers.deleteCustomerHandler);

// createCustomer claims the Idempotency-Key in its own batch: one round trip for the whole request.
claimsIdempotencyInline("POST", "/api/v1/customers");
