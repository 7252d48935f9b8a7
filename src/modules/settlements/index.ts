import { createRouter } from "../../core/http";
import { claimsIdempotencyInline } from "../../core/idempotency";
import * as handlers from "./handlers";
import * as routes from "./routes";

// The schedule's routes come first: "schedule" is not a settlement id.
export const settlementsRouter = createRouter()
  .openapi(routes.retrieveScheduleRoute, handlers.retrieveScheduleHandler)
  .openapi(routes.updateScheduleRoute, handlers.updateScheduleHandler)
  .openapi(routes.listSettlementsRoute, handlers.listSettlementsHandler)
  .openapi(routes.retrieveSettlementRoute, handlers.retrieveSettlementHandler)
  .openapi(routes.listSettlementItemsRoute, handlers.listSettlementItemsHandler)
  .openapi(routes.exportSettlementRoute, handlers.exportSettlementHandler);

// The schedule's checks before its batch pass again on a retry, so the key's claim rides in the batch.
claimsIdempotencyInline("POST", "/api/v1/settlements/schedule");
