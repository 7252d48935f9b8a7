import { createRouter } from "../../core/http";
import * as handlers from "./handlers";
import * as routes from "./routes";

export const refundsRouter = createRouter()
  .openapi(routes.createRefundRoute, handlers.createRefundHandler)
  .openapi(routes.listRefundsRoute, handlers.listRefundsHandler)
  .openapi(routes.retrieveRefundRoute, handlers.retrieveRefundHandler);
