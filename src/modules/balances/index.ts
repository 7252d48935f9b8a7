import { createRouter } from "../../core/http";
import * as handlers from "./handlers";
import * as routes from "./routes";

export const balancesRouter = createRouter()
  .openapi(routes.listBalancesRoute, handlers.listBalancesHandler)
  .openapi(routes.retrieveBalanceRoute, handlers.retrieveBalanceHandler)
  .openapi(routes.balanceHistoryRoute, handlers.balanceHistoryHandler);
