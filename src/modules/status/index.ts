import { createRouter } from "../../core/http";
import * as handlers from "./handlers";
import * as routes from "./routes";

export const statusRouter = createRouter()
  .openapi(routes.paymentStatusRoute, handlers.paymentStatusHandler)
  .openapi(routes.payoutStatusRoute, handlers.payoutStatusHandler)
  .openapi(routes.bankTransferStatusRoute, handlers.bankTransferStatusHandler)
  .openapi(routes.objectStatusRoute, handlers.objectStatusHandler);
