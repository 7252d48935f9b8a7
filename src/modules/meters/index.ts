import { createRouter } from "../../core/http";
import { claimsIdempotencyInline } from "../../core/idempotency";
import * as handlers from "./handlers";
import * as routes from "./routes";

export const metersRouter = createRouter()
  .openapi(routes.createMeterRoute, handlers.createMeterHandler)
  .openapi(routes.listMetersRoute, handlers.listMetersHandler)
  .openapi(routes.retrieveMeterRoute, handlers.retrieveMeterHandler)
  .openapi(routes.updateMeterRoute, handlers.updateMeterHandler);

// createMeter claims the Idempotency-Key in its own batch: one round trip for the whole request.
claimsIdempotencyInline("POST", "/api/v1/meters");
