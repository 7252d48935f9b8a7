import { createRouter } from "../../core/http";
import { claimsIdempotencyInline } from "../../core/idempotency";
import * as handlers from "./handlers";
import * as routes from "./routes";

export const productsRouter = createRouter()
  .openapi(routes.createProductRoute, handlers.createProductHandler)
  .openapi(routes.listProductsRoute, handlers.listProductsHandler)
  .openapi(routes.retrieveProductRoute, handlers.retrieveProductHandler)
  .openapi(routes.updateProductRoute, handlers.updateProductHandler);

// createProduct claims the Idempotency-Key in its own batch: one round trip for the whole request.
claimsIdempotencyInline("POST", "/api/v1/products");
