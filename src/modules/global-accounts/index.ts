import { createRouter } from "../../core/http";
import { claimsIdempotencyInline } from "../../core/idempotency";
import * as handlers from "./handlers";
import * as routes from "./routes";

export const globalAccountsRouter = createRouter()
  .openapi(routes.createGlobalAccountRoute, handlers.createGlobalAccountHandler)
  .openapi(routes.listGlobalAccountsRoute, handlers.listGlobalAccountsHandler)
  .openapi(routes.retrieveGlobalAccountRoute, handlers.retrieveGlobalAccountHandler)
  .openapi(routes.updateGlobalAccountRoute, handlers.updateGlobalAccountHandler)
  .openapi(routes.closeGlobalAccountRoute, handlers.closeGlobalAccountHandler)
  .openapi(routes.simulateIncomingTransferRoute, handlers.simulateIncomingTransferHandler)
  .openapi(routes.listTransfersRoute, handlers.listTransfersHandler);

// Writes whose checks before the batch a retry passes again: the Idempotency-Key claim rides in
// their batch. Closing is not registered: a retry after success would be refused as already closed
// before any batch claims the key, so the middleware claims first and replays it.
for (const path of [
  "/api/v1/global-accounts",
  "/api/v1/global-accounts/:id",
  "/api/v1/global-accounts/:id/simulate-incoming-transfer",
]) {
  claimsIdempotencyInline("POST", path);
}
