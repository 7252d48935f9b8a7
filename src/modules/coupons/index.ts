import { createRouter } from "../../core/http";
import { claimsIdempotencyInline } from "../../core/idempotency";
import * as handlers from "./handlers";
import * as routes from "./routes";

export const couponsRouter = createRouter()
  .openapi(routes.createCouponRoute, handlers.createCouponHandler)
  .openapi(routes.listCouponsRoute, handlers.listCouponsHandler)
  .openapi(routes.retrieveCouponRoute, handlers.retrieveCouponHandler)
  .openapi(routes.updateCouponRoute, handlers.updateCouponHandler)
  .openapi(routes.deleteCouponRoute, handlers.deleteCouponHandler)
  .openapi(routes.redeemCouponRoute, handlers.redeemCouponHandler);

// Creating and redeeming claim the Idempotency-Key in their own batch: one round trip for the writes.
claimsIdempotencyInline("POST", "/api/v1/coupons");
claimsIdempotencyInline("POST", "/api/v1/coupons/:id/redeem");
