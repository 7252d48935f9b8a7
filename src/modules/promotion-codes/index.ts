import { createRouter } from "../../core/http";
import { claimsIdempotencyInline } from "../../core/idempotency";
import * as handlers from "./handlers";
import * as routes from "./routes";

export const promotionCodesRouter = createRouter()
  .openapi(routes.createPromotionCodeRoute, handlers.createPromotionCodeHandler)
  .openapi(routes.listPromotionCodesRoute, handlers.listPromotionCodesHandler)
  .openapi(routes.retrievePromotionCodeRoute, handlers.retrievePromotionCodeHandler)
  .openapi(routes.updatePromotionCodeRoute, handlers.updatePromotionCodeHandler)
  .openapi(routes.redeemPromotionCodeRoute, handlers.redeemPromotionCodeHandler);

// Creating and redeeming claim the Idempotency-Key in their own write batch.
claimsIdempotencyInline("POST", "/api/v1/promotion-codes");
claimsIdempotencyInline("POST", "/api/v1/promotion-codes/:id/redeem");
