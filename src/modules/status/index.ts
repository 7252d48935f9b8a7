import { createRouter } from "../../core/http";
import * as handlers from "./handlers";
import * as routes from "./routes";

export const statusRouter = createRouter()
  .openapi(routes.paymentStatusRoute, handlers.paymentStatusHandler)
  .openapi(routes.objectStatusRoute, handlers.objectStatusHandler);
