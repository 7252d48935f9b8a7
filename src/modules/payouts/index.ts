import { createRouter } from "../../core/http";
import { claimsIdempotencyInline } from "../../core/idempotency";
import * as handlers from "./handlers";
import * as routes from "./routes";

// The schedule's routes come first: "schedule" is not a payout id.
export const payoutsRouter = createRouter()
  .openapi(routes.retrievePayoutScheduleRoute, handlers.retrievePayoutScheduleHandler)
  .openapi(routes.updatePayoutScheduleRoute, handlers.updatePayoutScheduleHandler)
  .openapi(routes.createPayoutRoute, handlers.createPayoutHandler)
  .openapi(routes.listPayoutsRoute, handlers.listPayoutsHandler)
  .openapi(routes.retrievePayoutRoute, handlers.retrievePayoutHandler)
  .openapi(routes.cancelPayoutRoute, handlers.cancelPayoutHandler);

// A create's checks before its batch pass again on a retry, so the key's claim rides in the batch.
// Cancel is not registered: a retry after success would be refused as no longer pending before any
// batch claims the key, so the middleware claims first and replays the stored answer.
claimsIdempotencyInline("POST", "/api/v1/payouts");
// The schedule's checks pass again on a retry too: its claim rides in its batch.
claimsIdempotencyInline("POST", "/api/v1/payouts/schedule");
