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

// Creates write their whole step with runBatch: the Idempotency-Key claim rides in that batch. The
// state transitions (verify, revoke) are not registered: a retry after success must be answered
// from the stored response, and their state checks would refuse it before any batch claims the key,
// so the middleware claims first for them (two round trips more, only when a key is sent).
for (const path of ["/api/v1/bank-accounts", "/api/v1/mandates"]) claimsIdempotencyInline("POST", path);
