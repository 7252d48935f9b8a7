import { createRouter } from "../../core/http";
import { claimsIdempotencyInline } from "../../core/idempotency";
import * as handlers from "./handlers";
import * as routes from "./routes";

export const testClocksRouter = createRouter()
  .openapi(routes.createTestClockRoute, handlers.createTestClockHandler)
  .openapi(routes.listTestClocksRoute, handlers.listTestClocksHandler)
  .openapi(routes.retrieveTestClockRoute, handlers.retrieveTestClockHandler)
  .openapi(routes.deleteTestClockRoute, handlers.deleteTestClockHandler)
  .openapi(routes.advanceTestClockRoute, handlers.advanceTestClockHandler);

// Create claims its key in its one batch. Advance is left to the middleware: a retry of an advance
// that succeeded must replay its answer, not be refused because the clock already moved.
claimsIdempotencyInline("POST", "/api/v1/test-clocks");
