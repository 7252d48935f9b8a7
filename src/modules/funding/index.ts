import { createRouter } from "../../core/http";
import * as handlers from "./handlers";
import * as routes from "./routes";

export const fundingRouter = createRouter()
  .openapi(routes.fundingInstructionsRoute, handlers.fundingInstructionsHandler)
  .openapi(routes.createFundingDepositRoute, handlers.createFundingDepositHandler)
  .openapi(routes.listFundingDepositsRoute, handlers.listFundingDepositsHandler)
  .openapi(routes.retrieveFundingDepositRoute, handlers.retrieveFundingDepositHandler)
  .openapi(routes.cancelFundingDepositRoute, handlers.cancelFundingDepositHandler)
  .openapi(routes.receiveFundingDepositRoute, handlers.receiveFundingDepositHandler)
  .openapi(routes.failFundingDepositRoute, handlers.failFundingDepositHandler);
