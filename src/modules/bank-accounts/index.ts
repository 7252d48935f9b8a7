import { createRouter } from "../../core/http";
import { claimsIdempotencyInline } from "../../core/idempotency";
import * as handlers from "./handlers";
import * as routes from "./routes";

export const bankAccountsRouter = createRouter()
  .openapi(routes.createBankAccountRoute, handlers.createBankAccountHandler)
  .openapi(routes.listBankAccountsRoute, handlers.listBankAccountsHandler)
  .openapi(routes.retrieveBankAccountRoute, handlers.retrieveBankAccountHandler)
  .openapi(routes.deleteBankAccountRoute, handlers.deleteBankAccountHandler)
  .openapi(routes.startMicroDepositsRoute, handlers.startMicroDepositsHandler)
  .openapi(routes.verifyBankAccountRoute, handlers.verifyBankAccountHandler)
  .openapi(routes.verifyInstantlyRoute, handlers.verifyInstantlyHandler)
  .openapi(routes.createMandateRoute, handlers.createMandateHandler)
  .openapi(routes.listMandatesRoute, handlers.listMandatesHandler)
  .openapi(routes.retrieveMandateRoute, handlers.retrieveMandateHandler)
  .openapi(routes.revokeMandateRoute, handlers.revokeMandateHandler);

// Each of these writes its whole step with runBatch: the Idempotency-Key claim rides in that batch.
for (const path of [
  "/api/v1/bank-accounts",
  "/api/v1/bank-accounts/:id/verify/micro-deposits",
  "/api/v1/bank-accounts/:id/verify",
  "/api/v1/bank-accounts/:id/verify/instant",
  "/api/v1/mandates",
  "/api/v1/mandates/:id/revoke",
]) {
  claimsIdempotencyInline("POST", path);
}
