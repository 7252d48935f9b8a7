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

// Each of these writes its step with runBatch: the Idempotency-Key claim rides in its first batch.
for (const path of [
  "/api/v1/global-accounts",
  "/api/v1/global-accounts/:id",
  "/api/v1/global-accounts/:id/close",
  "/api/v1/global-accounts/:id/simulate-incoming-transfer",
]) {
  claimsIdempotencyInline("POST", path);
}
