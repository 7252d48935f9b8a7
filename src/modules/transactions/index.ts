import { createRouter } from "../../core/http";
import * as handlers from "./handlers";
import * as routes from "./routes";

// The export route comes before /transactions/{id}, so "export" is never read as an id.
export const transactionsRouter = createRouter()
  .openapi(routes.listTransactionsRoute, handlers.listTransactionsHandler)
  .openapi(routes.exportTransactionsRoute, handlers.exportTransactionsHandler)
  .openapi(routes.retrieveTransactionRoute, handlers.retrieveTransactionHandler);
