import { createRouter } from "../../core/http";
import { claimsIdempotencyInline } from "../../core/idempotency";
import * as handlers from "./handlers";
import * as routes from "./routes";

export const bankTransfersRouter = createRouter()
  .openapi(routes.createBankTransferRoute, handlers.createBankTransferHandler)
  .openapi(routes.listBankTransfersRoute, handlers.listBankTransfersHandler)
  .openapi(routes.retrieveBankTransferRoute, handlers.retrieveBankTransferHandler)
  .openapi(routes.cancelBankTransferRoute, handlers.cancelBankTransferHandler)
  .openapi(routes.returnBankTransferRoute, handlers.returnBankTransferHandler);

// A create's checks before its batch pass again on a retry, so the key's claim rides in the batch.
// Cancel and the sandbox return are not registered: a retry after success would be refused as no longer pending before any
// batch claims the key, so the middleware claims first and replays the stored answer.
claimsIdempotencyInline("POST", "/api/v1/bank-transfers");
